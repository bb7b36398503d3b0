"""Everyone who has talked to the bot: language and reachability, nothing personal."""

from __future__ import annotations

from storage.db import Database, utcnow


async def touch(db: Database, user_id: int, language: str) -> None:
    """Record that the user talked to us; a message from them also means they are reachable."""
    now = utcnow()
    await db.execute(
        """INSERT INTO users (user_id, language, active, first_seen, last_seen)
           VALUES (?, ?, 1, ?, ?)
           ON CONFLICT(user_id) DO UPDATE SET language = excluded.language, active = 1,
                                             last_seen = excluded.last_seen""",
        (user_id, language, now, now),
    )


async def language(db: Database, user_id: int) -> str | None:
    row = await db.fetchone("SELECT language FROM users WHERE user_id = ?", (user_id,))
    return row["language"] if row else None


async def set_active(db: Database, user_id: int, active: bool) -> None:
    """Mark a user unreachable after a 403, or reachable again."""
    await db.execute("UPDATE users SET active = ? WHERE user_id = ?", (int(active), user_id))


async def is_active(db: Database, user_id: int) -> bool:
    row = await db.fetchone("SELECT active FROM users WHERE user_id = ?", (user_id,))
    return bool(row["active"]) if row else False
