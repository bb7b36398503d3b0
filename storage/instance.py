"""The instance lease: which bot process runs on this database (see domain/instance.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Database


@dataclass(frozen=True)
class Lease:
    holder: str
    host: str
    pid: int
    started_at: str
    heartbeat_at: str


async def current(db: Database) -> Lease | None:
    row = await db.fetchone(
        "SELECT holder, host, pid, started_at, heartbeat_at FROM instance_lease WHERE id = 1"
    )
    if row is None:
        return None
    return Lease(
        row["holder"], row["host"], int(row["pid"]), row["started_at"], row["heartbeat_at"]
    )


async def take(db: Database, holder: str, host: str, pid: int, now: datetime) -> None:
    """Hold the lease (replacing whoever held it: the caller has checked they are gone)."""
    stamp = now.isoformat(timespec="seconds")
    await db.execute(
        """INSERT INTO instance_lease (id, holder, host, pid, started_at, heartbeat_at)
           VALUES (1, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET holder = excluded.holder, host = excluded.host,
               pid = excluded.pid, started_at = excluded.started_at,
               heartbeat_at = excluded.heartbeat_at""",
        (holder, host, pid, stamp, stamp),
    )


async def renew(db: Database, holder: str, now: datetime) -> bool:
    """Renew our heartbeat; False when another instance has taken the lease meanwhile."""
    changed = await db.execute_rowcount(
        "UPDATE instance_lease SET heartbeat_at = ? WHERE id = 1 AND holder = ?",
        (now.isoformat(timespec="seconds"), holder),
    )
    return changed > 0


async def release(db: Database, holder: str) -> None:
    await db.execute("DELETE FROM instance_lease WHERE id = 1 AND holder = ?", (holder,))
