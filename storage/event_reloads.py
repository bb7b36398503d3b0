"""Event reload requests: `python bot.py event reload` writes a row, the running bot answers it."""

from __future__ import annotations

from storage.db import Database, utcnow


async def request_reload(db: Database, requested_by: str) -> int:
    """Ask the running bot to reload the event file; returns the request id."""
    return await db.execute(
        "INSERT INTO event_reloads (requested_by, requested_at) VALUES (?, ?)",
        (requested_by, utcnow()),
    )


async def pending_reloads(db: Database) -> list[int]:
    rows = await db.fetchall("SELECT id FROM event_reloads WHERE done_at IS NULL ORDER BY id")
    return [int(r["id"]) for r in rows]


async def finish_reload(db: Database, request_id: int, result: str) -> None:
    await db.execute(
        "UPDATE event_reloads SET done_at = ?, result = ? WHERE id = ?",
        (utcnow(), result, request_id),
    )


async def reload_result(db: Database, request_id: int) -> str | None:
    row = await db.fetchone("SELECT result FROM event_reloads WHERE id = ?", (request_id,))
    return row["result"] if row else None
