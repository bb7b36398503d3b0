"""Distinct unexpected errors and when the admins were told (migration 0022)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database


@dataclass(frozen=True)
class ErrorRow:
    fingerprint: str
    summary: str
    count: int
    first_at: str
    last_at: str
    reported_at: str | None
    reported_count: int


async def record(db: Database, fingerprint: str, summary: str, now: datetime) -> ErrorRow:
    """Count one more occurrence; returns the row after it."""
    stamp = now.isoformat(timespec="seconds")
    async with db.transaction():
        await db.execute(
            """INSERT INTO error_reports (fingerprint, summary, count, first_at, last_at)
               VALUES (?, ?, 1, ?, ?)
               ON CONFLICT(fingerprint) DO UPDATE SET count = count + 1, last_at = excluded.last_at""",
            (fingerprint, summary, stamp, stamp),
        )
        row = await db.fetchone(
            """SELECT fingerprint, summary, count, first_at, last_at, reported_at, reported_count
               FROM error_reports WHERE fingerprint = ?""",
            (fingerprint,),
        )
    assert row is not None
    return ErrorRow(*tuple(row))


async def claim_report(db: Database, fingerprint: str, now: datetime, since: datetime) -> bool:
    """Mark the error reported now, unless it was reported after `since` (another task may
    have claimed it a moment ago): True when this caller is to tell the admins."""
    changed = await db.execute_rowcount(
        """UPDATE error_reports SET reported_at = ?, reported_count = count
           WHERE fingerprint = ? AND (reported_at IS NULL OR reported_at <= ?)""",
        (now.isoformat(timespec="seconds"), fingerprint, since.isoformat(timespec="seconds")),
    )
    return changed > 0
