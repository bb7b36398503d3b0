"""Reviews of proposals by the tim pendamping. A review belongs to one version of a proposal
and is written answer by answer (status 'draft'), so a restart keeps every score given."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage.db import Database, utcnow

RECOMMENDATIONS = ("layak", "perbaikan", "tidak_layak")


@dataclass(frozen=True)
class Review:
    id: int
    proposal_id: int
    version: int
    reviewer_id: int | None
    scores: dict[str, int]
    recommendation: str | None
    comment: str | None
    status: str
    created_at: str
    done_at: str | None


def _from_row(row: Any) -> Review:
    data = dict(row)
    data["scores"] = {str(k): int(v) for k, v in json.loads(data["scores"]).items()}
    return Review(**data)


async def next_proposal_id(
    db: Database, reviewer_id: int, dimensions: list[str], excluding: int = 0
) -> int | None:
    """The oldest submitted proposal of `dimensions` whose current version the reviewer has
    not reviewed yet; never one the reviewer wrote, nor `excluding` (the one being finished)."""
    if not dimensions:
        return None
    marks = ", ".join("?" for _ in dimensions)
    row = await db.fetchone(
        f"""SELECT pr.id FROM proposals pr
            WHERE pr.status = 'submitted' AND pr.dimension IN ({marks})
              AND (pr.user_id IS NULL OR pr.user_id != ?) AND pr.id != ?
              AND NOT EXISTS (SELECT 1 FROM reviews rv WHERE rv.proposal_id = pr.id
                              AND rv.version = pr.version AND rv.reviewer_id = ?
                              AND rv.status = 'done')
            ORDER BY pr.id LIMIT 1""",
        (*dimensions, reviewer_id, excluding, reviewer_id),
    )
    return int(row["id"]) if row else None


async def open_draft(db: Database, proposal_id: int, version: int, reviewer_id: int) -> int:
    """The reviewer's review of that version (created when missing); its id."""
    async with db.transaction():
        await db.execute(
            """INSERT OR IGNORE INTO reviews (proposal_id, version, reviewer_id, created_at)
               VALUES (?, ?, ?, ?)""",
            (proposal_id, version, reviewer_id, utcnow()),
        )
        row = await db.fetchone(
            "SELECT id FROM reviews WHERE proposal_id = ? AND version = ? AND reviewer_id = ?",
            (proposal_id, version, reviewer_id),
        )
        assert row is not None
        return int(row["id"])


async def get(db: Database, review_id: int, reviewer_id: int) -> Review | None:
    """The review, only when it is the reviewer's own."""
    row = await db.fetchone(
        "SELECT * FROM reviews WHERE id = ? AND reviewer_id = ?", (review_id, reviewer_id)
    )
    return _from_row(row) if row else None


async def set_score(
    db: Database, review_id: int, reviewer_id: int, criterion: str, score: int
) -> None:
    await db.execute(
        """UPDATE reviews SET scores = json_set(scores, '$.' || ?, ?)
           WHERE id = ? AND reviewer_id = ? AND status = 'draft'""",
        (criterion, score, review_id, reviewer_id),
    )


async def set_recommendation(
    db: Database, review_id: int, reviewer_id: int, recommendation: str
) -> None:
    await db.execute(
        "UPDATE reviews SET recommendation = ? WHERE id = ? AND reviewer_id = ? AND status = 'draft'",
        (recommendation, review_id, reviewer_id),
    )


async def finish(db: Database, review_id: int, reviewer_id: int, comment: str | None) -> bool:
    """The comment (None: none) and the review done, in one statement."""
    changed = await db.execute_rowcount(
        """UPDATE reviews SET comment = ?, status = 'done', done_at = ?
           WHERE id = ? AND reviewer_id = ? AND status = 'draft'
                 AND recommendation IS NOT NULL""",
        (comment, utcnow(), review_id, reviewer_id),
    )
    return changed > 0


async def of_proposal(db: Database, proposal_id: int) -> list[Review]:
    """The finished reviews of every version of a proposal, oldest first."""
    rows = await db.fetchall(
        "SELECT * FROM reviews WHERE proposal_id = ? AND status = 'done' ORDER BY version, id",
        (proposal_id,),
    )
    return [_from_row(r) for r in rows]


async def by_reviewer(db: Database, reviewer_id: int) -> list[dict[str, Any]]:
    """The reviews a person wrote (for /datasaya)."""
    rows = await db.fetchall(
        "SELECT * FROM reviews WHERE reviewer_id = ? ORDER BY id", (reviewer_id,)
    )
    return [{**dict(r), "scores": json.loads(r["scores"])} for r in rows]


async def received_by(db: Database, user_id: int) -> list[dict[str, Any]]:
    """The finished reviews of a person's proposals, without who wrote them (/datasaya)."""
    rows = await db.fetchall(
        """SELECT rv.proposal_id, rv.version, rv.scores, rv.recommendation, rv.comment,
                  rv.done_at
           FROM reviews rv JOIN proposals pr ON pr.id = rv.proposal_id
           WHERE pr.user_id = ? AND rv.status = 'done' ORDER BY rv.proposal_id, rv.id""",
        (user_id,),
    )
    return [{**dict(r), "scores": json.loads(r["scores"])} for r in rows]


async def forget_reviewer(db: Database, user_id: int) -> None:
    """/hapusdata of a reviewer: unfinished reviews are dropped; finished ones stay (their
    scores belong to the selection) without the link to the person."""
    await db.execute("DELETE FROM reviews WHERE reviewer_id = ? AND status = 'draft'", (user_id,))
    await db.execute("UPDATE reviews SET reviewer_id = NULL WHERE reviewer_id = ?", (user_id,))
    await db.execute("DELETE FROM reviewers WHERE user_id = ?", (user_id,))


async def has_done_review(db: Database, proposal_id: int, version: int) -> bool:
    row = await db.fetchone(
        """SELECT 1 FROM reviews WHERE proposal_id = ? AND version = ? AND status = 'done'
           LIMIT 1""",
        (proposal_id, version),
    )
    return row is not None


async def insert_done(db: Database, rows: list[tuple[int, int, int, dict[str, int], str]]) -> None:
    """Bulk insert of finished reviews (proposal, version, reviewer, scores, recommendation):
    seeding tests and benchmarks."""
    now = utcnow()
    await db.executemany(
        """INSERT INTO reviews (proposal_id, version, reviewer_id, scores, recommendation,
                                status, created_at, done_at)
           VALUES (?, ?, ?, ?, ?, 'done', ?, ?)""",
        [(p, v, r, json.dumps(s), rec, now, now) for p, v, r, s, rec in rows],
    )


async def done_of_proposals(db: Database, proposal_ids: list[int]) -> dict[int, list[Review]]:
    """The finished reviews of the current version of each proposal (one query)."""
    if not proposal_ids:
        return {}
    marks = ", ".join("?" for _ in proposal_ids)
    rows = await db.fetchall(
        f"""SELECT rv.* FROM reviews rv JOIN proposals pr ON pr.id = rv.proposal_id
            WHERE rv.status = 'done' AND rv.version = pr.version AND rv.proposal_id IN ({marks})
            ORDER BY rv.id""",
        tuple(proposal_ids),
    )
    out: dict[int, list[Review]] = {}
    for row in rows:
        review = _from_row(row)
        out.setdefault(review.proposal_id, []).append(review)
    return out
