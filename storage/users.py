"""Everyone who has talked to the bot: language and reachability, nothing personal."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.db import Database, utcnow


async def touch(db: Database, user_id: int, language: str) -> bool:
    """Record that the user talked to us; a message from them also means they are reachable.
    True the first time the bot hears from them. Writes only when something changed (the
    language, reachability) or the last write is a day old: most updates cost one read."""
    now = utcnow()
    known = await db.fetchone(
        "SELECT language, active, last_seen FROM users WHERE user_id = ?", (user_id,)
    )
    if known is None:
        first = await db.execute_rowcount(
            """INSERT OR IGNORE INTO users (user_id, language, active, first_seen, last_seen)
               VALUES (?, ?, 1, ?, ?)""",
            (user_id, language, now, now),
        )
        if first:
            return True
    elif (known["language"], known["active"]) == (language, 1) and known[
        "last_seen"
    ] >= _a_day_before(now):
        return False
    await db.execute(
        "UPDATE users SET language = ?, active = 1, last_seen = ? WHERE user_id = ?",
        (language, now, user_id),
    )
    return False


def _a_day_before(moment: str) -> str:
    return (datetime.fromisoformat(moment) - timedelta(days=1)).isoformat(timespec="seconds")


async def language(db: Database, user_id: int) -> str | None:
    row = await db.fetchone("SELECT language FROM users WHERE user_id = ?", (user_id,))
    return row["language"] if row else None


async def set_active(db: Database, user_id: int, active: bool) -> None:
    """Mark a user unreachable after a 403, or reachable again."""
    await db.execute("UPDATE users SET active = ? WHERE user_id = ?", (int(active), user_id))


async def is_active(db: Database, user_id: int) -> bool:
    row = await db.fetchone("SELECT active FROM users WHERE user_id = ?", (user_id,))
    return bool(row["active"]) if row else False
