"""Selection rounds, their candidates and votes. One vote per person and candidate is the
votes table's primary key; the maximum per voter is checked in the same transaction as the
insert."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from storage.db import Database, utcnow


@dataclass(frozen=True)
class Round:
    id: int
    dimension: str
    candidates: str
    max_choices: int
    include_dewan: bool
    closes_at: str
    status: str
    created_by: int
    created_at: str
    closed_at: str | None
    confirmed_at: str | None


def _round(row: Any) -> Round:
    data = dict(row)
    data["include_dewan"] = bool(data["include_dewan"])
    return Round(**data)


async def candidate_ids(db: Database, dimension: str, rule: str) -> list[int]:
    """Submitted proposals of the dimension: all, or those at least one reviewer found
    'layak' (in their current version)."""
    if rule == "all":
        rows = await db.fetchall(
            "SELECT id FROM proposals WHERE status = 'submitted' AND dimension = ? ORDER BY id",
            (dimension,),
        )
    else:
        rows = await db.fetchall(
            """SELECT pr.id FROM proposals pr
               WHERE pr.status = 'submitted' AND pr.dimension = ?
                 AND EXISTS (SELECT 1 FROM reviews rv WHERE rv.proposal_id = pr.id
                             AND rv.version = pr.version AND rv.status = 'done'
                             AND rv.recommendation = 'layak')
               ORDER BY pr.id""",
            (dimension,),
        )
    return [int(r["id"]) for r in rows]


async def create(
    db: Database,
    dimension: str,
    rule: str,
    max_choices: int,
    include_dewan: bool,
    closes_at: str,
    created_by: int,
    candidates: list[int],
) -> int:
    async with db.transaction():
        rid = await db.execute(
            """INSERT INTO selection_rounds (dimension, candidates, max_choices, include_dewan,
                   closes_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (dimension, rule, max_choices, int(include_dewan), closes_at, created_by, utcnow()),
        )
        await db.executemany(
            "INSERT INTO round_candidates (round_id, proposal_id) VALUES (?, ?)",
            [(rid, pid) for pid in candidates],
        )
        return rid


async def get(db: Database, round_id: int) -> Round | None:
    row = await db.fetchone("SELECT * FROM selection_rounds WHERE id = ?", (round_id,))
    return _round(row) if row else None


async def all_rounds(db: Database) -> list[Round]:
    rows = await db.fetchall("SELECT * FROM selection_rounds ORDER BY id DESC")
    return [_round(r) for r in rows]


async def open_rounds(db: Database) -> list[Round]:
    rows = await db.fetchall("SELECT * FROM selection_rounds WHERE status = 'open' ORDER BY id")
    return [_round(r) for r in rows]


async def candidates(db: Database, round_id: int) -> list[Any]:
    """(proposal_id, name, chosen, user_id) of a round, in proposal order."""
    return await db.fetchall(
        """SELECT rc.proposal_id, pr.name, rc.chosen, pr.user_id, pr.version
           FROM round_candidates rc JOIN proposals pr ON pr.id = rc.proposal_id
           WHERE rc.round_id = ? ORDER BY rc.proposal_id""",
        (round_id,),
    )


async def my_votes(db: Database, round_id: int, user_id: int) -> set[int]:
    rows = await db.fetchall(
        "SELECT proposal_id FROM votes WHERE round_id = ? AND user_id = ?", (round_id, user_id)
    )
    return {int(r["proposal_id"]) for r in rows}


async def toggle_vote(
    db: Database, round_id: int, proposal_id: int, user_id: int, max_choices: int
) -> str:
    """'added', 'removed' or 'full' (already `max_choices` votes): one transaction."""
    async with db.transaction():
        removed = await db.execute_rowcount(
            "DELETE FROM votes WHERE round_id = ? AND proposal_id = ? AND user_id = ?",
            (round_id, proposal_id, user_id),
        )
        if removed:
            return "removed"
        if len(await my_votes(db, round_id, user_id)) >= max_choices:
            return "full"
        await db.execute(
            "INSERT INTO votes (round_id, proposal_id, user_id, voted_at) VALUES (?, ?, ?, ?)",
            (round_id, proposal_id, user_id, utcnow()),
        )
        return "added"


async def set_vote(
    db: Database, round_id: int, proposal_id: int, user_id: int, vote: bool, max_choices: int
) -> str:
    """'added', 'removed', 'full', or 'kept' / 'absent' when the vote already was (or was
    not) there: nothing changes then. One transaction."""
    async with db.transaction():
        if not vote:
            removed = await db.execute_rowcount(
                "DELETE FROM votes WHERE round_id = ? AND proposal_id = ? AND user_id = ?",
                (round_id, proposal_id, user_id),
            )
            return "removed" if removed else "absent"
        mine = await my_votes(db, round_id, user_id)
        if proposal_id in mine:
            return "kept"
        if len(mine) >= max_choices:
            return "full"
        await db.execute(
            "INSERT INTO votes (round_id, proposal_id, user_id, voted_at) VALUES (?, ?, ?, ?)",
            (round_id, proposal_id, user_id, utcnow()),
        )
        return "added"


async def close(db: Database, round_id: int) -> bool:
    changed = await db.execute_rowcount(
        "UPDATE selection_rounds SET status = 'closed', closed_at = ? WHERE id = ? AND status = 'open'",
        (utcnow(), round_id),
    )
    return changed > 0


async def set_chosen(db: Database, round_id: int, proposal_id: int, chosen: bool) -> bool:
    changed = await db.execute_rowcount(
        """UPDATE round_candidates SET chosen = ? WHERE round_id = ? AND proposal_id = ?
             AND (SELECT status FROM selection_rounds WHERE id = ?) = 'closed'""",
        (int(chosen), round_id, proposal_id, round_id),
    )
    return changed > 0


async def confirm(db: Database, round_id: int) -> bool:
    changed = await db.execute_rowcount(
        """UPDATE selection_rounds SET status = 'confirmed', confirmed_at = ?
           WHERE id = ? AND status = 'closed'""",
        (utcnow(), round_id),
    )
    return changed > 0


async def reviewed_only_earlier(db: Database, round_id: int) -> set[int]:
    """The round's candidates with a finished review of an older version and none of the
    version being selected (why their ranking line has no score)."""
    rows = await db.fetchall(
        """SELECT rc.proposal_id FROM round_candidates rc
           JOIN proposals pr ON pr.id = rc.proposal_id
           WHERE rc.round_id = ?
             AND EXISTS (SELECT 1 FROM reviews rv WHERE rv.proposal_id = pr.id
                         AND rv.status = 'done' AND rv.version < pr.version)
             AND NOT EXISTS (SELECT 1 FROM reviews rv WHERE rv.proposal_id = pr.id
                             AND rv.status = 'done' AND rv.version = pr.version)""",
        (round_id,),
    )
    return {int(r[0]) for r in rows}


async def ranking_input(
    db: Database, round_ids: list[int] | None = None
) -> dict[int, dict[int, tuple[list[dict[str, int]], int]]]:
    """{round: {proposal: (review scores of its current version, votes)}}, in three queries
    whatever the size (the ranking itself is domain.ranking)."""
    where = ""
    params: tuple[Any, ...] = ()
    if round_ids is not None:
        where = f"WHERE rc.round_id IN ({', '.join('?' for _ in round_ids)})"
        params = tuple(round_ids)
    out: dict[int, dict[int, tuple[list[dict[str, int]], int]]] = {}
    for row in await db.fetchall(
        f"SELECT rc.round_id, rc.proposal_id FROM round_candidates rc {where}", params
    ):
        out.setdefault(int(row[0]), {})[int(row[1])] = ([], 0)
    reviews = await db.fetchall(
        f"""SELECT rc.round_id, rc.proposal_id, rv.scores FROM round_candidates rc
            JOIN proposals pr ON pr.id = rc.proposal_id
            JOIN reviews rv ON rv.proposal_id = pr.id AND rv.version = pr.version
                           AND rv.status = 'done' {where.replace("WHERE", "AND")}""",
        params,
    )
    for rid, pid, scores in reviews:
        out[int(rid)][int(pid)][0].append(json.loads(scores))
    votes = await db.fetchall(
        f"""SELECT rc.round_id, rc.proposal_id, COUNT(v.user_id) FROM round_candidates rc
            JOIN votes v ON v.round_id = rc.round_id AND v.proposal_id = rc.proposal_id
            {where} GROUP BY rc.round_id, rc.proposal_id""",
        params,
    )
    for rid, pid, count in votes:
        scores_list = out[int(rid)][int(pid)][0]
        out[int(rid)][int(pid)] = (scores_list, int(count))
    return out


async def chosen_proposal_ids(db: Database) -> list[tuple[int, int]]:
    """(round, proposal) of every programme confirmed as program unggulan."""
    rows = await db.fetchall(
        """SELECT rc.round_id, rc.proposal_id FROM round_candidates rc
           JOIN selection_rounds sr ON sr.id = rc.round_id
           WHERE rc.chosen = 1 AND sr.status = 'confirmed' ORDER BY rc.round_id, rc.proposal_id"""
    )
    return [(int(r[0]), int(r[1])) for r in rows]


async def votes_of_user(db: Database, user_id: int) -> list[dict[str, Any]]:
    rows = await db.fetchall(
        "SELECT round_id, proposal_id, voted_at FROM votes WHERE user_id = ? ORDER BY round_id",
        (user_id,),
    )
    return [dict(r) for r in rows]


async def forget_voter(db: Database, user_id: int) -> None:
    """/hapusdata: a person's votes are deleted (a closed round's ranking keeps its counts
    only through the export made before)."""
    await db.execute("DELETE FROM votes WHERE user_id = ?", (user_id,))
