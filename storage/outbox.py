"""The durable outbox: a row per message the bot sends on its own initiative, written before
sending. The sender (handlers/sender.py) delivers due rows and records the outcome."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage.db import Database, utcnow


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to one chat. `payload` is {"text": html} or {"photo"/"document": file_id,
    "caption": html}, optionally with "reply_markup" (a dict)."""

    kind: str
    chat_id: int
    payload: dict[str, Any]
    ref: str | None = None
    dedupe_key: str | None = None
    not_before: datetime | None = None


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return utcnow()
    return moment.astimezone(UTC).isoformat(timespec="seconds")


async def enqueue(db: Database, messages: list[OutgoingMessage]) -> int:
    """Insert messages in one transaction; a message whose dedupe_key exists already is skipped.
    Returns how many rows were added."""
    added = 0
    now = utcnow()
    async with db.transaction():
        for message in messages:
            added += await db.execute_rowcount(
                """INSERT OR IGNORE INTO outbox
                   (kind, ref, dedupe_key, chat_id, payload, not_before, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                (
                    message.kind,
                    message.ref,
                    message.dedupe_key,
                    message.chat_id,
                    json.dumps(message.payload, ensure_ascii=False),
                    _iso(message.not_before),
                    now,
                ),
            )
    return added


async def exists(db: Database, dedupe_key: str) -> bool:
    row = await db.fetchone("SELECT 1 FROM outbox WHERE dedupe_key = ?", (dedupe_key,))
    return row is not None


async def counts(db: Database, kind: str, ref: str) -> dict[str, int]:
    """Status -> number of rows, for one broadcast or reminder batch."""
    rows = await db.fetchall(
        "SELECT status, COUNT(*) AS n FROM outbox WHERE kind = ? AND ref = ? GROUP BY status",
        (kind, ref),
    )
    return {r["status"]: int(r["n"]) for r in rows}
