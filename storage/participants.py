"""Participants' registrations. The registration flow writes each answer here before the
next question, so that a restart resumes where the user was."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from storage.db import Database, utcnow

# Columns a flow may set one at a time (a whitelist: column names are never user input).
EDITABLE_FIELDS = ("full_name", "opd_id", "opd_other", "role", "dimension", "mode", "phone")


@dataclass(frozen=True)
class Participant:
    user_id: int
    status: str
    full_name: str | None
    opd_id: str | None
    opd_other: str | None
    role: str | None
    dimension: str | None
    mode: str | None
    phone: str | None
    reminders_muted: bool
    created_at: str
    updated_at: str
    registered_at: str | None
    language: str = "id"

    @property
    def is_registered(self) -> bool:
        return self.status == "registered"

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


_SELECT = """SELECT p.*, COALESCE(u.language, 'id') AS language
             FROM participants p LEFT JOIN users u ON u.user_id = p.user_id"""


_FIELDS = tuple(f.name for f in fields(Participant))
_MUTED = _FIELDS.index("reminders_muted")


def _from_row(row: Any) -> Participant:
    # By column name, positionally: half the time of Participant(**dict(row)), which counts
    # when 50,000 are read (each page is converted on the event loop as it arrives).
    values = [row[name] for name in _FIELDS]
    values[_MUTED] = bool(values[_MUTED])
    return Participant(*values)


async def get(db: Database, user_id: int) -> Participant | None:
    row = await db.fetchone(f"{_SELECT} WHERE p.user_id = ?", (user_id,))
    return _from_row(row) if row else None


async def start_draft(db: Database, user_id: int) -> None:
    """Create (or revive) a draft registration after consent; keeps an existing profile."""
    now = utcnow()
    await db.execute(
        """INSERT INTO participants (user_id, status, created_at, updated_at)
           VALUES (?, 'draft', ?, ?)
           ON CONFLICT(user_id) DO UPDATE SET
               status = CASE WHEN status = 'deleted' THEN 'draft' ELSE status END,
               updated_at = excluded.updated_at""",
        (user_id, now, now),
    )


async def update(db: Database, user_id: int, **fields: Any) -> None:
    """Set some of EDITABLE_FIELDS in one committed statement."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not fields:
        return
    assignments = ", ".join(f"{name} = ?" for name in fields)
    await db.execute(
        f"UPDATE participants SET {assignments}, updated_at = ? WHERE user_id = ?",
        (*fields.values(), utcnow(), user_id),
    )


async def mark_registered(db: Database, user_id: int) -> None:
    now = utcnow()
    await db.execute(
        """UPDATE participants SET status = 'registered', updated_at = ?,
                  registered_at = COALESCE(registered_at, ?) WHERE user_id = ?""",
        (now, now, user_id),
    )


async def set_reminders_muted(db: Database, user_id: int, muted: bool) -> None:
    await db.execute(
        "UPDATE participants SET reminders_muted = ?, updated_at = ? WHERE user_id = ?",
        (int(muted), utcnow(), user_id),
    )


async def registered(db: Database) -> list[Participant]:
    """Every registered participant, reachable or not, oldest first."""
    rows = await db.fetchall(f"{_SELECT} WHERE p.status = 'registered' ORDER BY p.registered_at")
    return [_from_row(r) for r in rows]


async def reachable(db: Database, changed_since: str | None = None) -> list[Participant]:
    """Registered participants whose chat has not blocked the bot; with `changed_since` (an
    ISO time, as updated_at holds), only those whose row changed since then. A participant
    whose row changes while the pages are read is read by the next check, which asks for the
    rows changed since this one began."""
    where = f"{_SELECT} WHERE p.status = 'registered' AND COALESCE(u.active, 1) = 1"
    if changed_since is None:
        return await db.fetch_by_user(where, convert=_from_row)
    return await db.fetch_by_user(
        f"{where} AND p.updated_at >= ?", [changed_since], convert=_from_row
    )


# --- registration feature additions --------------------------------------------------------

# Columns /statistik may group by (a whitelist: column names are never user input).
COUNTABLE_FIELDS = ("role", "dimension", "mode", "opd_id", "opd_other")


async def count_by(db: Database, column: str) -> dict[str | None, int]:
    """Registered participants per value of `column` (NULL included, e.g. opd_id for others)."""
    if column not in COUNTABLE_FIELDS:
        raise ValueError(f"cannot count by {column}")
    rows = await db.fetchall(
        f"""SELECT {column} AS value, COUNT(*) AS n FROM participants
            WHERE status = 'registered' GROUP BY {column}"""
    )
    return {r["value"]: int(r["n"]) for r in rows}


async def erase(db: Database, user_id: int) -> bool:
    """Blank every personal column and mark the record deleted (the row itself stays so the
    user id can be matched with the consent proof). True when there was something to erase."""
    changed = await db.execute_rowcount(
        """UPDATE participants SET status = 'deleted', full_name = NULL, opd_id = NULL,
               opd_other = NULL, role = NULL, dimension = NULL, mode = NULL, phone = NULL,
               reminders_muted = 0, registered_at = NULL, updated_at = ?
           WHERE user_id = ? AND status != 'deleted'""",
        (utcnow(), user_id),
    )
    return changed > 0


async def typed_offices(db: Database) -> list[tuple[int, str]]:
    """(user id, typed office) of every participant whose office is free text."""
    rows = await db.fetchall(
        "SELECT user_id, opd_other FROM participants"
        " WHERE opd_id IS NULL AND opd_other IS NOT NULL AND status != 'deleted'"
        " ORDER BY user_id"
    )
    return [(int(r["user_id"]), str(r["opd_other"])) for r in rows]


async def set_office(db: Database, user_id: int, opd_id: str) -> None:
    """Record the OPD a typed office turned out to be (the free text is no longer needed)."""
    await db.execute(
        "UPDATE participants SET opd_id = ?, opd_other = NULL, updated_at = ? WHERE user_id = ?",
        (opd_id, utcnow(), user_id),
    )


async def holding_data(db: Database) -> list[Participant]:
    """Every participant whose personal data has not been erased (drafts included)."""
    return await db.fetch_by_user(f"{_SELECT} WHERE p.status != 'deleted'", convert=_from_row)


async def reachable_in_offices(db: Database, opd_ids: Iterable[str]) -> list[Participant]:
    """Registered, reachable participants of these offices who have not muted reminders."""
    ids = sorted(set(opd_ids))
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = await db.fetchall(
        f"""{_SELECT} WHERE p.status = 'registered' AND COALESCE(u.active, 1) = 1
            AND p.reminders_muted = 0 AND p.opd_id IN ({marks}) ORDER BY p.user_id""",
        ids,
    )
    return [_from_row(r) for r in rows]


async def insert_registered(
    db: Database,
    people: Iterable[tuple[int, str, str, str, str, str]],
    language: str = "id",
    at: str | None = None,
) -> None:
    """Many registered participants at once, with their users row and consent, for
    benchmarks: (user_id, full_name, opd_id, role, dimension, mode), registered `at`."""
    now = at or utcnow()
    rows = list(people)
    async with db.transaction():
        await db.executemany(
            """INSERT INTO users (user_id, language, active, first_seen, last_seen)
               VALUES (?, ?, 1, ?, ?)""",
            [(r[0], language, now, now) for r in rows],
        )
        await db.executemany(
            """INSERT INTO participants (user_id, status, full_name, opd_id, role, dimension,
                                         mode, created_at, updated_at, registered_at)
               VALUES (?, 'registered', ?, ?, ?, ?, ?, ?, ?, ?)""",
            [(*r, now, now, now) for r in rows],
        )
        await db.executemany(
            "INSERT INTO consents (user_id, notice_version, given_at) VALUES (?, ?, ?)",
            [(r[0], "bench", now) for r in rows],
        )
