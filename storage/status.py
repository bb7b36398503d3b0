"""Facts for `bot.py status` (migration 0021): the bot writes them, the command line reads
them together with the lease, the outbox and the file itself, without writing anything."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.db import Database, utcnow


async def put(db: Database, key: str, **value: Any) -> None:
    await db.execute(
        """INSERT INTO bot_status (key, value, at) VALUES (?, ?, ?)
           ON CONFLICT(key) DO UPDATE SET value = excluded.value, at = excluded.at""",
        (key, json.dumps(value, ensure_ascii=False, default=str), utcnow()),
    )


async def get(db: Database, key: str) -> dict[str, Any] | None:
    """The value with its time under "at"; None when never written (or an older database)."""
    try:
        row = await db.fetchone("SELECT value, at FROM bot_status WHERE key = ?", (key,))
    except sqlite3.OperationalError:  # no such table: the bot has not run this version yet
        return None
    if row is None:
        return None
    value: dict[str, Any] = json.loads(row["value"])
    return {**value, "at": row["at"]}


@dataclass(frozen=True)
class OutboxCount:
    kind: str
    status: str
    count: int


async def outbox_counts(db: Database) -> list[OutboxCount]:
    rows = await db.fetchall(
        "SELECT kind, status, COUNT(*) AS n FROM outbox GROUP BY kind, status ORDER BY kind, status"
    )
    return [OutboxCount(r["kind"], r["status"], int(r["n"])) for r in rows]


async def outbox_oldest_pending(db: Database) -> str | None:
    """When the oldest message still waiting was due (a backlog that does not move)."""
    row = await db.fetchone(
        "SELECT MIN(not_before) FROM outbox WHERE status IN ('pending', 'sending')"
    )
    return row[0] if row and row[0] else None


async def page_stats(db: Database) -> tuple[int, int]:
    """(size of the database in bytes by its pages, schema version)."""
    count = await db.fetchone("PRAGMA page_count")
    size = await db.fetchone("PRAGMA page_size")
    version = await db.fetchone("PRAGMA user_version")
    assert count is not None and size is not None and version is not None
    return int(count[0]) * int(size[0]), int(version[0])
