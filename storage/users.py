"""Everyone who has talked to the bot: language and reachability, nothing personal."""

from __future__ import annotations

from storage.db import Database, utcnow


async def touch(db: Database, user_id: int, language: str) -> bool:
    """Record that the user talked to us; a message from them also means they are reachable.
    True the first time the bot hears from them."""
    now = utcnow()
    async with db.transaction():
        first = await db.execute_rowcount(
            """INSERT OR IGNORE INTO users (user_id, language, active, first_seen, last_seen)
               VALUES (?, ?, 1, ?, ?)""",
            (user_id, language, now, now),
        )
        if not first:
            await db.execute(
                "UPDATE users SET language = ?, active = 1, last_seen = ? WHERE user_id = ?",
                (language, now, user_id),
            )
    return first > 0


async def language(db: Database, user_id: int) -> str | None:
    row = await db.fetchone("SELECT language FROM users WHERE user_id = ?", (user_id,))
    return row["language"] if row else None


async def set_active(db: Database, user_id: int, active: bool) -> None:
    """Mark a user unreachable after a 403, or reachable again."""
    await db.execute("UPDATE users SET active = ? WHERE user_id = ?", (int(active), user_id))


async def is_active(db: Database, user_id: int) -> bool:
    row = await db.fetchone("SELECT active FROM users WHERE user_id = ?", (user_id,))
    return bool(row["active"]) if row else False
