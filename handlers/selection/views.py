"""How a selection round looks: the ballot (with the voter's ticks) and the organiser's
view (status, ranking, the programmes chosen). Pure functions of stored rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup

import locales
from domain.ranking import Ranked
from handlers.base.callbacks import Feature
from handlers.base.keyboards import button, fitted, labelled
from locales import Html
from schedules.event import Event
from schedules.timefmt import format_datetime
from storage.selection import Round

SEL = Feature.SELECTION


def _closes(event: Event, round_: Round, lang: str) -> str:
    return format_datetime(datetime.fromisoformat(round_.closes_at), event.tz, lang)


def ballot(
    event: Event, lang: str, round_: Round, candidates: list[Any], mine: set[int]
) -> tuple[Html, InlineKeyboardMarkup]:
    dimension = event.dimension(round_.dimension)
    lines = [
        locales.t(
            lang,
            "selection.ballot",
            dimension=dimension.name if dimension else round_.dimension,
            max=round_.max_choices,
            closes=_closes(event, round_, lang),
        )
    ]
    rows = []
    for c in candidates:
        pid = int(c["proposal_id"])
        lines.append(locales.t(lang, "selection.ballot_line", id=pid, name=c["name"] or ""))
        mark = "✓ " if pid in mine else ""
        # What the press means (1 vote, 0 take back) is on the button: a second press after
        # a lost reply then changes nothing, where a toggle would take the vote back.
        want = 0 if pid in mine else 1
        label = fitted(f"{mark}#{pid} {c['name'] or ''}")
        rows.append([labelled(label, SEL, "vote", round_.id, pid, want)])
    return Html("\n").join(lines), InlineKeyboardMarkup(rows)


def _score(score: float | None, earlier: bool, lang: str) -> str:
    if score is not None:
        return locales.plain(lang, "selection.score", score=f"{score:.2f}".replace(".", ","))
    return locales.plain(lang, "selection.score_earlier" if earlier else "selection.score_none")


def ask_sure(
    event: Event, lang: str, round_: Round, action: str, chosen: list[Any]
) -> tuple[Html, InlineKeyboardMarkup]:
    """The question before "Tutup sekarang" or "Tetapkan" acts, with Ya and Batal (back to
    the round)."""
    dimension = event.dimension(round_.dimension)
    name = dimension.name if dimension else round_.dimension
    if action == "close":
        text = locales.t(lang, "selection.sure_close", id=round_.id, dimension=name)
    else:
        names = Html("\n").join(
            locales.t(lang, "selection.ballot_line", id=c["proposal_id"], name=c["name"] or "")
            for c in chosen
        )
        text = (
            locales.t(lang, "selection.sure_confirm", id=round_.id, dimension=name, n=len(chosen))
            + Html("\n")
            + names
        )
    rows = [
        [button(lang, f"selection.btn.yes_{action}", SEL, action, round_.id, "yes")],
        [button(lang, "selection.btn.no", SEL, "view", round_.id)],
    ]
    return text, InlineKeyboardMarkup(rows)


def organiser_view(
    event: Event,
    lang: str,
    round_: Round,
    candidates: list[Any],
    ranked: list[Ranked],
    earlier: set[int] | None = None,
) -> tuple[Html, InlineKeyboardMarkup]:
    """`earlier`: candidates whose reviews are all of an older version (the score counts the
    version selected only): their missing score says why."""
    dimension = event.dimension(round_.dimension)
    names = {int(c["proposal_id"]): c["name"] or "" for c in candidates}
    chosen = {int(c["proposal_id"]) for c in candidates if c["chosen"]}
    lines = [
        locales.t(
            lang,
            "selection.view_title",
            id=round_.id,
            dimension=dimension.name if dimension else round_.dimension,
            status=locales.plain(lang, f"selection.status.{round_.status}"),
            # closed early ("Tutup sekarang"): when it was closed, not when it would have
            closes=format_datetime(datetime.fromisoformat(round_.closed_at), event.tz, lang)
            if round_.closed_at
            else _closes(event, round_, lang),
            count=len(candidates),
        )
    ]
    rows = []
    if round_.status == "open":
        rows.append([button(lang, "selection.btn.close", SEL, "close", round_.id)])
    else:
        lines.append(locales.t(lang, "selection.ranking_title"))
        for r in ranked:
            score = r.entry.score
            lines.append(
                locales.t(
                    lang,
                    "selection.ranking_line",
                    rank=r.rank,
                    id=r.entry.proposal_id,
                    name=names.get(r.entry.proposal_id, ""),
                    score=_score(score, r.entry.proposal_id in (earlier or set()), lang),
                    votes=votes_text(r.entry.votes, lang),
                    chosen=" ✅" if r.entry.proposal_id in chosen else "",
                )
            )
        if round_.status == "closed":
            for r in ranked:
                pid = r.entry.proposal_id
                mark = "✅ " if pid in chosen else "☐ "
                label = fitted(f"{mark}{r.rank}. #{pid} {names.get(pid, '')}")
                rows.append([labelled(label, SEL, "pick", round_.id, pid)])
            rows.append([button(lang, "selection.btn.confirm", SEL, "confirm", round_.id)])
    rows.append([button(lang, "common.back", SEL, "list")])
    return Html("\n").join(lines), InlineKeyboardMarkup(rows)


def votes_text(n: int, lang: str) -> str:
    """ "3 suara"; in English "1 vote", "2 votes"."""
    return locales.plain(lang, "selection.votes_one" if n == 1 else "selection.votes", n=n)
