"""Updates already processed (see migration 0020): one delivered twice is processed once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from storage.db import Database, utcnow


async def seen(db: Database, update_id: int) -> bool:
    row = await db.fetchone("SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,))
    return row is not None


async def mark(db: Database, update_id: int) -> None:
    await db.execute(
        "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
        (update_id, utcnow()),
    )


async def highest(db: Database) -> int:
    """The highest update id recorded (0 when none): ids above it were never processed."""
    row = await db.fetchone("SELECT MAX(update_id) FROM processed_updates")
    return int(row[0]) if row and row[0] is not None else 0


async def mark_many(db: Database, update_ids: Sequence[int]) -> None:
    """Record several finished updates in one transaction (the processor batches them)."""
    now = utcnow()
    await db.executemany(
        "INSERT OR IGNORE INTO processed_updates (update_id, processed_at) VALUES (?, ?)",
        [(update_id, now) for update_id in update_ids],
    )


async def last_processed(db: Database) -> str | None:
    """When the bot last finished an update (ISO-8601 UTC), or None."""
    row = await db.fetchone("SELECT MAX(processed_at) FROM processed_updates")
    return row[0] if row and row[0] else None


async def prune(db: Database, keep: timedelta = timedelta(days=1)) -> int:
    """Forget updates older than `keep`, but always the latest one (status shows its time)."""
    cutoff = (datetime.now(UTC) - keep).isoformat(timespec="seconds")
    return await db.execute_rowcount(
        """DELETE FROM processed_updates WHERE processed_at < ?
           AND update_id <> (SELECT update_id FROM processed_updates
                             ORDER BY processed_at DESC, update_id DESC LIMIT 1)""",
        (cutoff,),
    )
