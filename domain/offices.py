"""Typed offices matched to the event's OPD: "DLH", "dinas lingkungan hdup" and "Dinas
Lingkungan Hidup Kab. Probolinggo" all mean the OPD `dlh`.

A typed office is compared with each OPD's official name, id and aliases (the event file's
short names and abbreviations), after folding case, punctuation and the regency's own name.
An exact match, or a fuzzy one (rapidfuzz) that is both close and clearly ahead of every
other OPD, is `sure`; a fuzzy one that is only fairly close is a `guess` the bot asks about
("Maksud Bapak/Ibu: Dinas Lingkungan Hidup?"); anything else stays free text."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from schedules.event import Event, Opd
from storage import participants, proposals
from storage.db import Database

SURE_SCORE = 90.0  # similarity (0-100) at which a typo still clearly names one OPD
GUESS_SCORE = 75.0  # below this, nothing is suggested: the text stays free text
SURE_MARGIN = 8.0  # a sure match must lead the best other OPD by this much
MIN_FUZZY_LENGTH = 5  # shorter texts ("DLH") must match exactly: typos there name others

# Words that say where, not which office: "Kabupaten", "Pemkab", "Kab."
_PLACE_WORDS = {"kabupaten", "kab", "kota", "pemkab", "pemkot", "pemerintah", "provinsi"}
_NON_WORD = re.compile(r"[^0-9a-z]+")

Certainty = Literal["sure", "guess", "none"]


@dataclass(frozen=True)
class OfficeMatch:
    certainty: Certainty
    opd: Opd | None = None
    score: float = 0.0


def fold(text: str, regency_words: frozenset[str] = frozenset()) -> str:
    """Lower case, no accents or punctuation, without the place words and the regency."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [w for w in _NON_WORD.sub(" ", plain).split() if w]
    return " ".join(w for w in words if w not in _PLACE_WORDS and w not in regency_words)


def _regency_words(event: Event) -> frozenset[str]:
    return frozenset(fold(event.event.regency).split())


def _names(opd: Opd) -> list[str]:
    return [opd.name, opd.id.replace("-", " "), *opd.aliases]


def office_names(event: Event) -> tuple[str, ...]:
    """Every name, id and alias of the event's OPD, as people type them in a question (the
    FAQ reads each one as the word "OPD": domain/faq/text.py mark_offices)."""
    return tuple(sorted({name for opd in event.opds for name in _names(opd)}))


def match_office(event: Event, text: str) -> OfficeMatch:
    """The OPD a typed office names, with how sure the match is."""
    regency = _regency_words(event)
    typed = fold(text, regency)
    if not typed:
        return OfficeMatch("none")
    best: dict[str, tuple[float, Opd]] = {}
    for opd in event.opds:
        for name in _names(opd):
            candidate = fold(name, regency)
            if candidate == typed:
                return OfficeMatch("sure", opd, 100.0)
            if len(typed) < MIN_FUZZY_LENGTH or len(candidate) < MIN_FUZZY_LENGTH:
                continue
            score = max(fuzz.ratio(typed, candidate), fuzz.token_sort_ratio(typed, candidate))
            if score > best.get(opd.id, (0.0, opd))[0]:
                best[opd.id] = (score, opd)
    if not best:
        return OfficeMatch("none")
    ranked = sorted(best.values(), key=lambda item: item[0], reverse=True)
    top, opd = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    if top >= SURE_SCORE and top - runner_up >= SURE_MARGIN:
        return OfficeMatch("sure", opd, top)
    if top >= GUESS_SCORE:
        return OfficeMatch("guess", opd, top)
    return OfficeMatch("none", None, top)


@dataclass(frozen=True)
class Rematch:
    """One free-text office of a database written before typed offices were matched."""

    kind: Literal["participant", "proposal"]
    record_id: int
    typed: str
    found: OfficeMatch


async def rematch(db: Database, event: Event, apply: bool) -> list[Rematch]:
    """Match every free-text office again (participants' own and proposals' lead offices).
    Only sure matches are written, and only with `apply`; guesses are listed for a person."""
    found: list[Rematch] = []
    for user_id, typed in await participants.typed_offices(db):
        found.append(Rematch("participant", user_id, typed, match_office(event, typed)))
    for proposal_id, typed in await proposals.typed_lead_offices(db):
        found.append(Rematch("proposal", proposal_id, typed, match_office(event, typed)))
    if apply:
        async with db.transaction():
            for item in found:
                if item.found.certainty != "sure" or item.found.opd is None:
                    continue
                if item.kind == "participant":
                    await participants.set_office(db, item.record_id, item.found.opd.id)
                else:
                    await proposals.set_lead_office(db, item.record_id, item.found.opd.id)
    return found
