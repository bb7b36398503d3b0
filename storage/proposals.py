"""Programme proposals. Every query that touches one proposal is scoped to its owner
(`user_id`), so a forged id can never reach somebody else's proposal."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from storage.db import Database, utcnow

# The form's fields, in the order they are asked (a whitelist: column names are never input).
FIELDS = (
    "dimension",
    "element",
    "name",
    "problem",
    "description",
    "target",
    "horizon",
    "lead_opd_id",
    "lead_opd_other",
    # The optional questions (the event file chooses which are asked; NULL: not answered).
    "partner_opds",
    "partners_other",
    "planning",
    "planning_ref",
    "budget_status",
    "budget",
    "budget_source",
    "location",
    "target_group",  # asked after the target, stored last (migration 0032)
)
HORIZONS = ("quick_win", "medium", "long")
PLANNING = ("rpjmd", "renstra", "new")
BUDGET_SOURCES = ("apbd", "apbn_dak", "csr", "kpbu", "swasta", "lainnya")


@dataclass(frozen=True)
class Proposal:
    id: int
    user_id: int | None
    anonymised: bool
    status: str
    dimension: str | None
    element: str | None
    name: str | None
    problem: str | None
    description: str | None
    target: str | None
    horizon: str | None
    lead_opd_id: str | None
    lead_opd_other: str | None
    stage: int | None
    created_at: str
    updated_at: str
    submitted_at: str | None
    withdrawn_at: str | None
    partner_opds: str | None = None
    partners_other: str | None = None
    planning: str | None = None
    planning_ref: str | None = None
    budget_status: str | None = None
    budget: int | None = None
    budget_source: str | None = None
    location: str | None = None
    target_group: str | None = None
    version: int = 1

    @property
    def partner_ids(self) -> list[str]:
        """The partner OPD ids ([] when none or not answered)."""
        return partner_list(self.partner_opds)

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_submitted(self) -> bool:
        return self.status == "submitted"


def partner_list(stored: str | None) -> list[str]:
    if not stored:
        return []
    value = json.loads(stored)
    return [str(v) for v in value] if isinstance(value, list) else []


def partner_json(ids: Iterable[str]) -> str:
    return json.dumps(list(ids))


def _from_row(row: Any) -> Proposal:
    data = dict(row)
    data["anonymised"] = bool(data["anonymised"])
    return Proposal(**data)


async def create_draft(db: Database, user_id: int, stage: int | None, **fields: Any) -> int:
    """A new draft with some fields already known (e.g. the default dimension)."""
    _check_fields(fields)
    now = utcnow()
    names = ["user_id", "status", "stage", "created_at", "updated_at", *fields]
    values = [user_id, "draft", stage, now, now, *fields.values()]
    marks = ", ".join("?" for _ in names)
    return await db.execute(f"INSERT INTO proposals ({', '.join(names)}) VALUES ({marks})", values)


async def get(db: Database, proposal_id: int, user_id: int) -> Proposal | None:
    """The proposal, only when it belongs to `user_id`."""
    row = await db.fetchone(
        "SELECT * FROM proposals WHERE id = ? AND user_id = ?", (proposal_id, user_id)
    )
    return _from_row(row) if row else None


async def latest_draft(db: Database, user_id: int) -> Proposal | None:
    row = await db.fetchone(
        "SELECT * FROM proposals WHERE user_id = ? AND status = 'draft' ORDER BY id DESC LIMIT 1",
        (user_id,),
    )
    return _from_row(row) if row else None


async def of_user(db: Database, user_id: int) -> list[Proposal]:
    """The user's submitted and withdrawn proposals, oldest first (drafts are the form's)."""
    rows = await db.fetchall(
        "SELECT * FROM proposals WHERE user_id = ? AND status != 'draft' ORDER BY id", (user_id,)
    )
    return [_from_row(r) for r in rows]


async def count_submitted(db: Database, user_id: int) -> int:
    row = await db.fetchone(
        "SELECT COUNT(*) FROM proposals WHERE user_id = ? AND status = 'submitted'", (user_id,)
    )
    return int(row[0]) if row else 0


async def update(db: Database, proposal_id: int, user_id: int, **fields: Any) -> bool:
    """Set some fields of the user's draft or submitted proposal in one committed statement."""
    _check_fields(fields)
    if not fields:
        return False
    assignments = ", ".join(f"{name} = ?" for name in fields)
    changed = await db.execute_rowcount(
        f"""UPDATE proposals SET {assignments}, updated_at = ?
            WHERE id = ? AND user_id = ? AND status IN ('draft', 'submitted')""",
        (*fields.values(), utcnow(), proposal_id, user_id),
    )
    return changed > 0


async def submit(
    db: Database, proposal_id: int, user_id: int, stage: int | None, limit: int
) -> bool:
    """Turn the user's draft into a submitted proposal unless they already have `limit`.
    The count and the change are one transaction, so two quick presses cannot exceed it."""
    async with db.transaction():
        if await count_submitted(db, user_id) >= limit:
            return False
        now = utcnow()
        changed = await db.execute_rowcount(
            """UPDATE proposals SET status = 'submitted', stage = ?, submitted_at = ?,
                      updated_at = ?
               WHERE id = ? AND user_id = ? AND status = 'draft'""",
            (stage, now, now, proposal_id, user_id),
        )
        return changed > 0


async def withdraw(db: Database, proposal_id: int, user_id: int) -> bool:
    now = utcnow()
    changed = await db.execute_rowcount(
        """UPDATE proposals SET status = 'withdrawn', withdrawn_at = ?, updated_at = ?
           WHERE id = ? AND user_id = ? AND status = 'submitted'""",
        (now, now, proposal_id, user_id),
    )
    return changed > 0


async def delete_draft(db: Database, proposal_id: int, user_id: int) -> bool:
    changed = await db.execute_rowcount(
        "DELETE FROM proposals WHERE id = ? AND user_id = ? AND status = 'draft'",
        (proposal_id, user_id),
    )
    return changed > 0


async def anonymise_for_user(db: Database, user_id: int) -> int:
    """For a participant's data deletion: unfinished drafts are deleted; submitted and
    withdrawn proposals are kept for the masterplan without the link to the person.
    Returns how many proposals were anonymised."""
    async with db.transaction():
        await db.execute("DELETE FROM proposals WHERE user_id = ? AND status = 'draft'", (user_id,))
        return await db.execute_rowcount(
            "UPDATE proposals SET user_id = NULL, anonymised = 1, updated_at = ? WHERE user_id = ?",
            (utcnow(), user_id),
        )


async def counts_by_dimension_office(db: Database) -> dict[tuple[str, str], int]:
    """Submitted proposals per (dimension, lead office); a free-text lead office counts
    under the key '' (other institutions)."""
    rows = await db.fetchall(
        """SELECT dimension, COALESCE(lead_opd_id, '') AS office, COUNT(*) AS n
           FROM proposals WHERE status = 'submitted' GROUP BY dimension, office"""
    )
    return {(r["dimension"], r["office"]): int(r["n"]) for r in rows}


async def export_rows(db: Database) -> list[Any]:
    """Every submitted proposal with its proposer's name and office (NULL once anonymised)."""
    rows = await db.fetchall(
        """SELECT pr.id, pr.dimension, pr.element, pr.name, pr.problem, pr.description,
                  pr.target, pr.horizon, pr.lead_opd_id, pr.lead_opd_other, pr.stage,
                  pr.partner_opds, pr.partners_other, pr.planning, pr.planning_ref,
                  pr.budget_status, pr.budget, pr.budget_source, pr.location, pr.target_group,
                  pr.version,
                  pr.anonymised, pr.created_at, pr.submitted_at, pr.updated_at,
                  pa.full_name AS proposer_name, pa.opd_id AS proposer_opd_id,
                  pa.opd_other AS proposer_opd_other
           FROM proposals pr LEFT JOIN participants pa ON pa.user_id = pr.user_id
           WHERE pr.status = 'submitted' ORDER BY pr.id"""
    )
    return rows  # sqlite rows read like dicts; not copied (10,000 of them in an export)


async def submitted_per_user(db: Database) -> dict[int, int]:
    rows = await db.fetchall(
        """SELECT user_id, COUNT(*) AS n FROM proposals
           WHERE status = 'submitted' AND user_id IS NOT NULL GROUP BY user_id"""
    )
    return {int(r["user_id"]): int(r["n"]) for r in rows}


async def insert_submitted(db: Database, items: Iterable[dict[str, Any]]) -> None:
    """Bulk insert of already-submitted proposals (seeding tests and benchmarks)."""
    now = utcnow()
    columns = ("user_id", "stage", *FIELDS)
    rows = [
        (*(item.get(c) for c in columns), "submitted", item.get("submitted_at", now), now, now)
        for item in items
    ]
    await db.executemany(
        f"""INSERT INTO proposals ({", ".join(columns)}, status, submitted_at, created_at,
                                   updated_at)
            VALUES ({", ".join("?" for _ in columns)}, ?, ?, ?, ?)""",
        rows,
    )


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"not proposal fields: {sorted(unknown)}")


async def typed_lead_offices(db: Database) -> list[tuple[int, str]]:
    """(proposal id, typed lead office) of every proposal whose lead office is free text."""
    rows = await db.fetchall(
        "SELECT id, lead_opd_other FROM proposals"
        " WHERE lead_opd_id IS NULL AND lead_opd_other IS NOT NULL ORDER BY id"
    )
    return [(int(r["id"]), str(r["lead_opd_other"])) for r in rows]


async def set_lead_office(db: Database, proposal_id: int, opd_id: str) -> None:
    await db.execute(
        "UPDATE proposals SET lead_opd_id = ?, lead_opd_other = NULL, updated_at = ? WHERE id = ?",
        (opd_id, utcnow(), proposal_id),
    )


async def offices_with_proposals(
    db: Database, among: Iterable[tuple[str, str]] | None = None
) -> set[tuple[str, str]]:
    """(dimension, OPD) pairs that have a submitted proposal: as its lead office, or as the
    office of the participant who proposed it. With `among`, only those pairs are looked up,
    each by two indexed EXISTS (no pass over every proposal)."""
    if among is not None:
        return await _covered_among(db, list(among))
    rows = await db.fetchall(
        """SELECT pr.dimension AS dimension, pr.lead_opd_id AS office FROM proposals pr
           WHERE pr.status = 'submitted' AND pr.lead_opd_id IS NOT NULL
           UNION
           SELECT pr.dimension, pa.opd_id FROM proposals pr
           JOIN participants pa ON pa.user_id = pr.user_id
           WHERE pr.status = 'submitted' AND pa.opd_id IS NOT NULL"""
    )
    return {(r["dimension"], r["office"]) for r in rows}


async def _covered_among(db: Database, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    if not pairs:
        return set()
    values = ",".join("(?, ?)" for _ in pairs)
    rows = await db.fetchall(
        f"""WITH pairs(dimension, office) AS (VALUES {values})
            SELECT dimension, office FROM pairs q
            WHERE EXISTS (SELECT 1 FROM proposals pr WHERE pr.status = 'submitted'
                          AND pr.dimension = q.dimension AND pr.lead_opd_id = q.office)
               OR EXISTS (SELECT 1 FROM participants pa  -- from the office's people first
                          CROSS JOIN proposals pr ON pr.user_id = pa.user_id
                          WHERE pa.opd_id = q.office AND pr.status = 'submitted'
                            AND pr.dimension = q.dimension)""",
        [value for pair in pairs for value in pair],
    )
    return {(r["dimension"], r["office"]) for r in rows}


async def new_version(db: Database, proposal_id: int, user_id: int, stage: int | None) -> int:
    """Keep the current version of the user's submitted proposal in proposal_versions and
    start the next one (recorded in the stage in progress); returns the new version."""
    async with db.transaction():
        current = await get(db, proposal_id, user_id)
        if current is None or not current.is_submitted:
            return 0
        snapshot = {f: getattr(current, f) for f in FIELDS}
        await db.execute(
            """INSERT INTO proposal_versions (proposal_id, version, stage, data, created_at)
               VALUES (?, ?, ?, ?, ?)""",
            (proposal_id, current.version, current.stage, json.dumps(snapshot), utcnow()),
        )
        await db.execute(
            "UPDATE proposals SET version = version + 1, stage = ?, updated_at = ? WHERE id = ?",
            (stage, utcnow(), proposal_id),
        )
        return current.version + 1


async def versions(db: Database, proposal_id: int) -> list[dict[str, Any]]:
    """The earlier versions of a proposal, oldest first: version, stage, data, created_at."""
    rows = await db.fetchall(
        "SELECT * FROM proposal_versions WHERE proposal_id = ? ORDER BY version", (proposal_id,)
    )
    return [{**dict(r), "data": json.loads(r["data"])} for r in rows]


async def get_for_staff(db: Database, proposal_id: int) -> Proposal | None:
    """A submitted proposal whoever wrote it: for reviewers and organisers only (the
    handlers check the role before calling)."""
    row = await db.fetchone(
        "SELECT * FROM proposals WHERE id = ? AND status = 'submitted'", (proposal_id,)
    )
    return _from_row(row) if row else None


async def versions_of_user(db: Database, user_id: int) -> list[dict[str, Any]]:
    """The earlier versions of a person's proposals (for /datasaya)."""
    rows = await db.fetchall(
        """SELECT pv.* FROM proposal_versions pv JOIN proposals pr ON pr.id = pv.proposal_id
           WHERE pr.user_id = ? ORDER BY pv.proposal_id, pv.version""",
        (user_id,),
    )
    return [{**dict(r), "data": json.loads(r["data"])} for r in rows]
