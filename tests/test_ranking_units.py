"""The ranking rule (domain/ranking.py) on a seeded set whose answer is worked out by hand."""

from __future__ import annotations

from domain.ranking import Entry, rank


def test_mean_review_score_then_votes_then_id() -> None:
    entries = [
        Entry(10, [{"a": 4, "b": 4}], votes=1),  # 4.0
        Entry(11, [{"a": 5, "b": 3}, {"a": 3, "b": 3}], votes=9),  # (4 + 3) / 2 = 3.5
        Entry(12, [{"a": 4, "b": 4}], votes=3),  # 4.0, more votes than 10
        Entry(13, [], votes=50),  # not reviewed: after every reviewed one
        Entry(14, [{"a": 5, "b": 5}], votes=0),  # 5.0
        Entry(9, [{"a": 4, "b": 4}], votes=3),  # ties 12 on score and votes: lower id first
    ]
    assert [(r.rank, r.entry.proposal_id) for r in rank(entries)] == [
        (1, 14),
        (2, 9),
        (3, 12),
        (4, 10),
        (5, 11),
        (6, 13),
    ]
    assert entries[1].criterion_means(["a", "b", "c"]) == {"a": 4.0, "b": 3.0, "c": None}
