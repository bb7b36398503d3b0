"""Everyone who has talked to the bot: language and reachability, nothing personal.

The one rule of a person's language lives here: `language` is the language they chose
(/bahasa, `chosen_language`) when they chose one, else the one their Telegram app uses. Every
reader (replies, reminders, announcements, files) reads `language` and needs no other rule."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.db import Database, utcnow


async def touch(db: Database, user_id: int, telegram_language: str) -> bool:
    """Record that the user talked to us; True the first time the bot hears from them."""
    first, _ = await seen(db, user_id, telegram_language)
    return first


async def seen(db: Database, user_id: int, telegram_language: str) -> tuple[bool, str]:
    """Record that the user talked to us; a message from them also means they are reachable.
    Returns (True the first time the bot hears from them, the language to answer them in).
    Writes only when something changed (the language, reachability) or the last write is a day
    old: most updates cost one read. A choice made with /bahasa wins over Telegram's language."""
    now = utcnow()
    known = await db.fetchone(
        "SELECT language, chosen_language, active, last_seen FROM users WHERE user_id = ?",
        (user_id,),
    )
    if known is None:
        first = await db.execute_rowcount(
            """INSERT OR IGNORE INTO users (user_id, language, active, first_seen, last_seen)
               VALUES (?, ?, 1, ?, ?)""",
            (user_id, telegram_language, now, now),
        )
        if first:
            return True, telegram_language
        return False, await language(db, user_id) or telegram_language
    wanted = known["chosen_language"] or telegram_language
    if (known["language"], known["active"]) == (wanted, 1) and known["last_seen"] >= _a_day_before(
        now
    ):
        return False, wanted
    await db.execute(
        "UPDATE users SET language = ?, active = 1, last_seen = ? WHERE user_id = ?",
        (wanted, now, user_id),
    )
    return False, wanted


def _a_day_before(moment: str) -> str:
    return (datetime.fromisoformat(moment) - timedelta(days=1)).isoformat(timespec="seconds")


async def choose_language(db: Database, user_id: int, language: str) -> None:
    """The person's own choice: from now on it wins over Telegram's language."""
    now = utcnow()
    await db.execute(
        """INSERT INTO users (user_id, language, chosen_language, active, first_seen, last_seen)
           VALUES (?, ?, ?, 1, ?, ?)
           ON CONFLICT(user_id) DO UPDATE SET
               language = excluded.language, chosen_language = excluded.chosen_language""",
        (user_id, language, language, now, now),
    )


async def language_chosen(db: Database, user_id: int) -> bool:
    row = await db.fetchone("SELECT chosen_language FROM users WHERE user_id = ?", (user_id,))
    return bool(row and row["chosen_language"])


async def offer_language_once(db: Database, user_id: int) -> bool:
    """True (and remembered) the first time the language choice may be offered: never to
    someone who chose already or was offered it before."""
    count = await db.execute_rowcount(
        """UPDATE users SET language_offered_at = ?
           WHERE user_id = ? AND language_offered_at IS NULL AND chosen_language IS NULL""",
        (utcnow(), user_id),
    )
    return count > 0


async def language(db: Database, user_id: int) -> str | None:
    row = await db.fetchone("SELECT language FROM users WHERE user_id = ?", (user_id,))
    return row["language"] if row else None


async def set_active(db: Database, user_id: int, active: bool) -> None:
    """Mark a user unreachable after a 403, or reachable again."""
    await db.execute("UPDATE users SET active = ? WHERE user_id = ?", (int(active), user_id))


async def is_active(db: Database, user_id: int) -> bool:
    row = await db.fetchone("SELECT active FROM users WHERE user_id = ?", (user_id,))
    return bool(row["active"]) if row else False
