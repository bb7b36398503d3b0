"""storage.db.Database.transaction when the task waiting for its BEGIN is cancelled (a bot
stopping while a scheduled job waits for the database)."""

from __future__ import annotations

import asyncio

from storage.db import Database

# A statement that keeps aiosqlite's one thread busy for a while, so that a BEGIN queued
# behind it is still waiting when its task is cancelled.
SLOW = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) "
    "SELECT count(*) FROM n"
)


async def test_a_cancelled_begin_leaves_no_transaction_open(tmp_path) -> None:
    db = await Database(tmp_path / "t.sqlite3").open()
    try:
        await db.conn.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
        await db.conn.commit()
        busy = asyncio.ensure_future(db.conn.execute(SLOW))

        async def writer() -> None:
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES (1)")

        task = asyncio.create_task(writer())
        await asyncio.sleep(0.05)  # the writer holds the lock; its BEGIN waits behind SLOW
        assert not busy.done()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await busy
        assert not db.conn.in_transaction  # the BEGIN ran, and was undone
        async with db.transaction():  # the next writer is not refused, and its row stays
            await db.execute("INSERT INTO t VALUES (2)")
    finally:
        await db.close()
    db = await Database(tmp_path / "t.sqlite3").open()
    try:
        assert [tuple(row) for row in await db.fetchall("SELECT x FROM t")] == [(2,)]
    finally:
        await db.close()
