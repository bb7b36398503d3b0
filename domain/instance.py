"""One bot instance per database. Two processes on one token and one database would each
have their own rate limiter and send announcements and reminders twice, so the second one
refuses to start, with one clear line, while the first holds the lease.

The running instance renews a heartbeat every few seconds and gives the lease back when it
stops. A lease is taken over when its heartbeat is stale (the holder died without releasing
it), or at once when the holder was a process on this machine that no longer exists (a
SIGKILL, followed by a restart)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta

from domain.delivery.sender import Spawn
from storage import instance
from storage.db import Database

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
STALE_AFTER = timedelta(seconds=30)


class AnotherInstanceRunning(RuntimeError):
    """Raised at start-up while another instance holds the database."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


class InstanceLease:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.holder = f"{self.host}:{self.pid}:{uuid.uuid4().hex[:8]}"
        self._task: asyncio.Task[None] | None = None

    async def acquire(self) -> None:
        """Hold the lease, or raise AnotherInstanceRunning naming the running instance."""
        now = datetime.now(UTC)
        async with self.db.transaction():
            held = await instance.current(self.db)
            if held is not None and held.holder != self.holder and self._in_use(held, now):
                age = int((now - datetime.fromisoformat(held.heartbeat_at)).total_seconds())
                raise AnotherInstanceRunning(
                    f"Another instance of the bot is running on this database (process "
                    f"{held.pid} on {held.host}, last seen {age} s ago). Stop it first; a "
                    f"stopped instance's claim expires after {int(STALE_AFTER.total_seconds())} s."
                )
            await instance.take(self.db, self.holder, self.host, self.pid, now)

    def _in_use(self, held: instance.Lease, now: datetime) -> bool:
        if now - datetime.fromisoformat(held.heartbeat_at) > STALE_AFTER:
            return False
        if held.host == self.host and not _alive(held.pid):
            return False  # killed on this machine: no need to wait for the heartbeat to age
        return not (held.host == self.host and held.pid == self.pid)  # a restart in-process

    def start(self, spawn: Spawn = asyncio.create_task) -> None:
        """Renew the heartbeat in the background (bot.py passes its error-reporting spawner)."""
        self._task = spawn(self._beat())

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            with contextlib.suppress(Exception):  # a full disk must not stop the bot here
                await instance.renew(self.db, self.holder, datetime.now(UTC))

    async def release(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await instance.release(self.db, self.holder)
        except sqlite3.Error as exc:
            # The disk is full or the file gone: the lease then ages out by itself.
            log.warning(
                "Could not release the instance lease (%s); it expires in %d s",
                exc,
                int(STALE_AFTER.total_seconds()),
            )
