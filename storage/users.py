"""Everyone who has talked to the bot: language and reachability, nothing personal.

The one rule of a person's language lives here: `language` is the language they chose
(/bahasa, `chosen_language`) when they chose one, else the one their Telegram app uses. Every
reader (replies, reminders, announcements, files) reads `language` and needs no other rule."""

from __future__ import annotations

import weakref
from datetime import datetime, timedelta
from typing import NamedTuple

from storage.db import Database, utcnow


class _Known(NamedTuple):
    language: str
    chosen_language: str | None
    active: int
    last_seen: str


# Each database's users rows as last read or written here (`seen` runs before every update):
# every write to these columns goes through this module, which updates or drops the entry, so
# a person's later updates cost no query. Rows are never deleted (erasure keeps them).
_KNOWN: weakref.WeakKeyDictionary[Database, dict[int, _Known]] = weakref.WeakKeyDictionary()


def _known(db: Database) -> dict[int, _Known]:
    return _KNOWN.setdefault(db, {})


def _forget(db: Database, user_id: int) -> None:
    _known(db).pop(user_id, None)


async def touch(db: Database, user_id: int, telegram_language: str) -> bool:
    """Record that the user talked to us; True the first time the bot hears from them."""
    first, _ = await seen(db, user_id, telegram_language)
    _forget(db, user_id)  # it may run inside a transaction that is then rolled back
    return first


async def seen(db: Database, user_id: int, telegram_language: str) -> tuple[bool, str]:
    """Record that the user talked to us; a message from them also means they are reachable.
    Returns (True the first time the bot hears from them, the language to answer them in).
    Writes only when something changed (the language, reachability) or the last write is a day
    old: most updates cost one read. A choice made with /bahasa wins over Telegram's language."""
    now = utcnow()
    cache = _known(db)
    known = cache.get(user_id)
    if known is None:
        row = await db.fetchone(
            "SELECT language, chosen_language, active, last_seen FROM users WHERE user_id = ?",
            (user_id,),
        )
        known = _Known(*row) if row is not None else None
    if known is None:
        first = await db.execute_rowcount(
            """INSERT OR IGNORE INTO users (user_id, language, active, first_seen, last_seen)
               VALUES (?, ?, 1, ?, ?)""",
            (user_id, telegram_language, now, now),
        )
        if first:
            cache[user_id] = _Known(telegram_language, None, 1, now)
            return True, telegram_language
        return False, await language(db, user_id) or telegram_language
    wanted = known.chosen_language or telegram_language
    if (known.language, known.active) == (wanted, 1) and known.last_seen >= _a_day_before(now):
        cache[user_id] = known
        return False, wanted
    await db.execute(
        "UPDATE users SET language = ?, active = 1, last_seen = ? WHERE user_id = ?",
        (wanted, now, user_id),
    )
    cache[user_id] = known._replace(language=wanted, active=1, last_seen=now)
    return False, wanted


def _a_day_before(moment: str) -> str:
    return (datetime.fromisoformat(moment) - timedelta(days=1)).isoformat(timespec="seconds")


async def choose_language(db: Database, user_id: int, language: str) -> None:
    """The person's own choice: from now on it wins over Telegram's language."""
    now = utcnow()
    _forget(db, user_id)
    await db.execute(
        """INSERT INTO users (user_id, language, chosen_language, active, first_seen, last_seen)
           VALUES (?, ?, ?, 1, ?, ?)
           ON CONFLICT(user_id) DO UPDATE SET
               language = excluded.language, chosen_language = excluded.chosen_language""",
        (user_id, language, language, now, now),
    )
    _forget(db, user_id)  # also what a concurrent `seen` cached meanwhile


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
    _forget(db, user_id)
    await db.execute("UPDATE users SET active = ? WHERE user_id = ?", (int(active), user_id))
    _forget(db, user_id)


async def is_active(db: Database, user_id: int) -> bool:
    row = await db.fetchone("SELECT active FROM users WHERE user_id = ?", (user_id,))
    return bool(row["active"]) if row else False
