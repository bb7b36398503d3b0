"""Attendance records (presensi), the check-in secret, scans waiting for a registration, the
live QR displays and each organiser's current session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.db import Database, utcnow


@dataclass(frozen=True)
class Record:
    session_id: str
    user_id: int
    mode: str
    method: str
    marked_by: int | None
    at: str


def _record(row: Any) -> Record:
    return Record(**dict(row))


async def record(
    db: Database,
    session_id: str,
    user_id: int,
    *,
    mode: str,
    method: str,
    at: str | None = None,
    marked_by: int | None = None,
) -> bool:
    """Record attendance once: False (and nothing changes) when it is already recorded."""
    count = await db.execute_rowcount(
        """INSERT OR IGNORE INTO attendance (session_id, user_id, mode, method, marked_by, at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (session_id, user_id, mode, method, marked_by, at or utcnow()),
    )
    return count > 0


async def get(db: Database, session_id: str, user_id: int) -> Record | None:
    row = await db.fetchone(
        "SELECT * FROM attendance WHERE session_id = ? AND user_id = ?", (session_id, user_id)
    )
    return _record(row) if row else None


async def of_session(db: Database, session_id: str) -> list[Record]:
    rows = await db.fetchall(
        "SELECT * FROM attendance WHERE session_id = ? ORDER BY at, user_id", (session_id,)
    )
    return [_record(r) for r in rows]


async def of_sessions(db: Database, session_ids: list[str]) -> list[Record]:
    if not session_ids:
        return []
    marks = ",".join("?" * len(session_ids))
    rows = await db.fetchall(
        f"SELECT * FROM attendance WHERE session_id IN ({marks}) ORDER BY at", session_ids
    )
    return [_record(r) for r in rows]


async def of_user(db: Database, user_id: int) -> list[Record]:
    rows = await db.fetchall("SELECT * FROM attendance WHERE user_id = ? ORDER BY at", (user_id,))
    return [_record(r) for r in rows]


async def forget_user(db: Database, user_id: int) -> None:
    """Data deletion: the person's attendance, pending scan and organiser focus go."""
    await db.execute("DELETE FROM attendance WHERE user_id = ?", (user_id,))
    await db.execute("DELETE FROM attendance_pending WHERE user_id = ?", (user_id,))
    await db.execute("DELETE FROM attendance_focus WHERE user_id = ?", (user_id,))


async def secret(db: Database) -> bytes:
    """The random secret the migration made (one per database)."""
    row = await db.fetchone("SELECT secret FROM attendance_secret WHERE id = 1")
    if row is None:  # a database whose row was removed by hand: make a new one
        import secrets

        value = secrets.token_hex(32)
        await db.execute(
            "INSERT OR IGNORE INTO attendance_secret (id, secret) VALUES (1, ?)", (value,)
        )
        row = await db.fetchone("SELECT secret FROM attendance_secret WHERE id = 1")
        assert row is not None
    return bytes.fromhex(row["secret"])


# --- a scan by someone not registered yet -----------------------------------------------------


async def set_pending(db: Database, user_id: int, session_id: str, method: str, at: str) -> None:
    await db.execute(
        """INSERT INTO attendance_pending (user_id, session_id, method, at) VALUES (?, ?, ?, ?)
           ON CONFLICT(user_id) DO UPDATE SET session_id = excluded.session_id,
               method = excluded.method, at = excluded.at""",
        (user_id, session_id, method, at),
    )


async def take_pending(db: Database, user_id: int) -> tuple[str, str, str] | None:
    """(session id, method, scan time) of the person's waiting scan, removed; or None."""
    row = await db.fetchone(
        "SELECT session_id, method, at FROM attendance_pending WHERE user_id = ?", (user_id,)
    )
    if row is None:
        return None
    await db.execute("DELETE FROM attendance_pending WHERE user_id = ?", (user_id,))
    return row["session_id"], row["method"], row["at"]


# --- live displays and the organiser's session --------------------------------------------------


@dataclass(frozen=True)
class Display:
    id: int
    session_id: str
    chat_id: int
    message_id: int
    opened_by: int
    slot: int
    caption: str
    active: bool


def _display(row: Any) -> Display:
    data = dict(row)
    data.pop("opened_at", None)
    data["active"] = bool(data["active"])
    return Display(**data)


async def open_display(
    db: Database, session_id: str, chat_id: int, message_id: int, opened_by: int, slot: int
) -> int:
    """A new live QR message; an older live one of the same chat and session stops."""
    async with db.transaction():
        await db.execute(
            "UPDATE attendance_displays SET active = 0 WHERE chat_id = ? AND session_id = ?",
            (chat_id, session_id),
        )
        return await db.execute(
            """INSERT INTO attendance_displays
               (session_id, chat_id, message_id, opened_by, slot, opened_at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (session_id, chat_id, message_id, opened_by, slot, utcnow()),
        )


async def active_displays(db: Database) -> list[Display]:
    rows = await db.fetchall("SELECT * FROM attendance_displays WHERE active = 1 ORDER BY id")
    return [_display(r) for r in rows]


async def display_of_message(db: Database, chat_id: int, message_id: int) -> Display | None:
    row = await db.fetchone(
        "SELECT * FROM attendance_displays WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    )
    return _display(row) if row else None


async def shown(db: Database, display_id: int, slot: int, caption: str) -> None:
    await db.execute(
        "UPDATE attendance_displays SET slot = ?, caption = ? WHERE id = ?",
        (slot, caption, display_id),
    )


async def close_display(db: Database, display_id: int) -> bool:
    count = await db.execute_rowcount(
        "UPDATE attendance_displays SET active = 0 WHERE id = ? AND active = 1", (display_id,)
    )
    return count > 0


async def set_focus(db: Database, user_id: int, session_id: str) -> None:
    await db.execute(
        """INSERT INTO attendance_focus (user_id, session_id, at) VALUES (?, ?, ?)
           ON CONFLICT(user_id) DO UPDATE SET session_id = excluded.session_id, at = excluded.at""",
        (user_id, session_id, utcnow()),
    )


async def focus(db: Database, user_id: int) -> str | None:
    row = await db.fetchone("SELECT session_id FROM attendance_focus WHERE user_id = ?", (user_id,))
    return str(row["session_id"]) if row else None
