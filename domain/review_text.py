"""What reviews say to people: the message that asks a proposer to revise, and a short
summary of the reviews of a proposal (for /usulanku and the profiles)."""

from __future__ import annotations

from statistics import mean

import locales
from locales import Html
from schedules.event import Event
from storage.proposals import Proposal
from storage.reviews import Review


def scores_line(event: Event, lang: str, review: Review) -> str:
    """ "Dampak 4, Kelayakan 3, ..." in the event's order of criteria."""
    return ", ".join(
        f"{c.name_in(lang)} {review.scores[c.id]}"
        for c in event.review.criteria
        if c.id in review.scores
    )


def revision_request(event: Event, lang: str, proposal: Proposal, review: Review) -> Html:
    """To the proposer: the reviewer asks for changes, with the comments (never who)."""
    return locales.t(
        lang,
        "review.revision_request",
        id=proposal.id,
        name=proposal.name or "",
        scores=scores_line(event, lang, review),
        comment=review.comment or locales.plain(lang, "review.no_comment"),
    )


def summary(event: Event, lang: str, reviews: list[Review]) -> str:
    """ "3 tinjauan, rata-rata 3,8; layak 2, perlu perbaikan 1" (plain text), or ""."""
    if not reviews:
        return ""
    averages = [mean(r.scores.values()) for r in reviews if r.scores]
    counts = {
        rec: sum(1 for r in reviews if r.recommendation == rec)
        for rec in ("layak", "perbaikan", "tidak_layak")
    }
    recs = ", ".join(
        f"{locales.plain(lang, f'review.rec.{rec}')} {n}" for rec, n in counts.items() if n
    )
    average = f"{mean(averages):.1f}".replace(".", ",") if averages else "–"
    return locales.plain(
        lang, "review.summary", count=len(reviews), average=average, recommendations=recs
    )
