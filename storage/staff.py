"""Organisers added at run time by admins. Configured admins/organisers live in Settings."""

from __future__ import annotations

from storage.db import Database, utcnow


async def organiser_ids(db: Database) -> set[int]:
    rows = await db.fetchall("SELECT user_id FROM staff WHERE role = 'organiser'")
    return {int(r["user_id"]) for r in rows}


async def add_organiser(db: Database, user_id: int, added_by: int) -> bool:
    """True when the user was not an organiser yet."""
    changed = await db.execute_rowcount(
        "INSERT OR IGNORE INTO staff (user_id, role, added_by, added_at) VALUES (?, 'organiser', ?, ?)",
        (user_id, added_by, utcnow()),
    )
    return changed > 0


async def remove_organiser(db: Database, user_id: int) -> bool:
    changed = await db.execute_rowcount("DELETE FROM staff WHERE user_id = ?", (user_id,))
    return changed > 0
