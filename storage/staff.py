"""Organisers added at run time by admins. Configured admins/organisers live in Settings."""

from __future__ import annotations

import json

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


# Reviewers (narasumber / tim pendamping), added by admins; each optionally limited to some
# dimensions (an empty list: every dimension).


async def reviewer_dimensions(db: Database, user_id: int) -> list[str] | None:
    """The dimensions the user reviews ([] = all), or None when they are no reviewer."""
    row = await db.fetchone("SELECT dimensions FROM reviewers WHERE user_id = ?", (user_id,))
    if row is None:
        return None
    value = json.loads(row["dimensions"])
    return [str(v) for v in value] if isinstance(value, list) else []


async def reviewers(db: Database) -> list[tuple[int, list[str]]]:
    rows = await db.fetchall("SELECT user_id, dimensions FROM reviewers ORDER BY added_at, user_id")
    return [(int(r["user_id"]), list(json.loads(r["dimensions"]))) for r in rows]


async def set_reviewer(db: Database, user_id: int, dimensions: list[str], added_by: int) -> bool:
    """Make the user a reviewer of `dimensions` (or change them); True when new."""
    async with db.transaction():
        existed = await reviewer_dimensions(db, user_id) is not None
        await db.execute(
            """INSERT INTO reviewers (user_id, dimensions, added_by, added_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (user_id) DO UPDATE SET dimensions = excluded.dimensions""",
            (user_id, json.dumps(dimensions), added_by, utcnow()),
        )
        return not existed


async def remove_reviewer(db: Database, user_id: int) -> bool:
    changed = await db.execute_rowcount("DELETE FROM reviewers WHERE user_id = ?", (user_id,))
    return changed > 0
