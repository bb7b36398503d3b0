"""The ranking of a selection round: the rule, written once.

Each candidate's score is the mean of its reviews' scores (each review: the mean of its
criteria, 1-5) for the version being selected. Candidates are ordered by that score, highest
first (a candidate nobody reviewed comes after every reviewed one); ties are broken by the
number of votes, then by the lower proposal id (the earlier proposal). Pure Python: the
storage layer hands in plain numbers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Entry:
    """One candidate: its reviews' scores per criterion, and its votes."""

    proposal_id: int
    reviews: Sequence[Mapping[str, int]] = field(default_factory=list)
    votes: int = 0

    @property
    def score(self) -> float | None:
        means = [sum(r.values()) / len(r) for r in self.reviews if r]
        return sum(means) / len(means) if means else None

    def criterion_means(self, criteria: Iterable[str]) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for c in criteria:
            values = [r[c] for r in self.reviews if c in r]
            out[c] = sum(values) / len(values) if values else None
        return out


@dataclass(frozen=True)
class Ranked:
    rank: int
    entry: Entry


def rank(entries: Iterable[Entry]) -> list[Ranked]:
    """The candidates in ranking order, numbered from 1 (no shared ranks: the tie-breaks
    decide)."""

    def key(entry: Entry) -> tuple[int, float, int, int]:
        score = entry.score
        return (0 if score is not None else 1, -(score or 0.0), -entry.votes, entry.proposal_id)

    ordered = sorted(entries, key=key)
    return [Ranked(i, e) for i, e in enumerate(ordered, start=1)]
