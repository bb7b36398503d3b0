"""Unit tests of the cheap per-update bookkeeping (issue 17, "Per update"): processed update
ids batched into SQLite, and the users row read once per person, not per update."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from telegram import Update

from handlers.base import updates
from handlers.base.updates import PerChatUpdateProcessor
from storage import processed_updates, users
from storage.db import Database


async def _process(processor: PerChatUpdateProcessor, update_id: int, ran: list[int]) -> None:
    async def handler() -> None:
        ran.append(update_id)

    await processor.do_process_update(Update(update_id=update_id), handler())


async def _recorded(db: Database) -> set[int]:
    rows = await db.fetchall("SELECT update_id FROM processed_updates")
    return {row[0] for row in rows}


async def test_marks_are_batched_and_written_at_shutdown(tmp_path: Path) -> None:
    db = await Database(tmp_path / "p.sqlite3").open()
    try:
        processor = PerChatUpdateProcessor(8, db)
        ran: list[int] = []
        for update_id in (101, 102, 103):
            await _process(processor, update_id, ran)
        assert ran == [101, 102, 103]
        assert await _recorded(db) == set()  # waiting for the batch (FLUSH_AFTER s)
        await _process(processor, 102, ran)  # delivered again in this run
        assert ran == [101, 102, 103]
        await processor.shutdown()
        assert await _recorded(db) == {101, 102, 103}
    finally:
        await db.close()


async def test_a_batch_is_written_after_flush_after_seconds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(updates, "FLUSH_AFTER", 0.05)
    db = await Database(tmp_path / "p.sqlite3").open()
    try:
        processor = PerChatUpdateProcessor(8, db)
        await _process(processor, 7, [])
        await asyncio.sleep(0.3)
        assert await _recorded(db) == {7}
        await processor.shutdown()
    finally:
        await db.close()


async def test_a_full_batch_is_written_at_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(updates, "FLUSH_BATCH", 3)
    db = await Database(tmp_path / "p.sqlite3").open()
    try:
        processor = PerChatUpdateProcessor(8, db)
        for update_id in (1, 2, 3):
            await _process(processor, update_id, [])
        await asyncio.sleep(0.2)  # far less than FLUSH_AFTER
        assert await _recorded(db) == {1, 2, 3}
        await processor.shutdown()
    finally:
        await db.close()


async def test_after_a_restart_a_redelivered_update_is_still_skipped(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    db = await Database(path).open()
    first = PerChatUpdateProcessor(8, db)
    for update_id in (10, 20, 30):
        await _process(first, update_id, [])
    await first.shutdown()
    await db.close()

    db = await Database(path).open()  # the restarted bot
    try:
        second = PerChatUpdateProcessor(8, db)
        ran: list[int] = []
        await _process(second, 20, ran)  # re-delivered: below the high-water mark, in SQLite
        await _process(second, 15, ran)  # never processed, though below the mark: processed
        await _process(second, 31, ran)  # new
        await _process(second, 31, ran)  # and again in this run
        assert ran == [15, 31]
        await second.shutdown()
        assert await _recorded(db) == {10, 15, 20, 30, 31}
    finally:
        await db.close()


async def test_new_updates_cost_no_read(tmp_path: Path) -> None:
    db = await Database(tmp_path / "p.sqlite3").open()
    try:
        await processed_updates.mark_many(db, [500])
        processor = PerChatUpdateProcessor(8, db)
        statements: list[str] = []
        await db.conn.set_trace_callback(statements.append)
        for update_id in range(501, 521):
            await _process(processor, update_id, [])
        await db.conn.set_trace_callback(None)
        reads = [s for s in statements if "processed_updates" in s]
        assert len(reads) == 1 and "MAX(update_id)" in reads[0]  # the high-water mark, once
        await processor.shutdown()
    finally:
        await db.close()


async def test_memory_is_bounded_and_the_database_answers_for_the_rest(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(updates, "MEMORY", 3)
    db = await Database(tmp_path / "p.sqlite3").open()
    try:
        processor = PerChatUpdateProcessor(8, db)
        for update_id in range(1, 6):
            await _process(processor, update_id, [])
        assert processor.processed is not None
        await processor.processed.flush()
        assert len(processor.processed._done) <= 3
        ran: list[int] = []
        for update_id in (2, 5, 6):
            await _process(processor, update_id, ran)
        assert ran == [6]
        await processor.shutdown()
    finally:
        await db.close()


@pytest.mark.parametrize("change", ["language", "active"])
async def test_the_users_row_is_read_once_until_it_changes(tmp_path: Path, change: str) -> None:
    db = await Database(tmp_path / "u.sqlite3").open()
    try:
        assert await users.seen(db, 42, "id") == (True, "id")
        statements: list[str] = []
        await db.conn.set_trace_callback(statements.append)
        for _ in range(5):
            assert await users.seen(db, 42, "id") == (False, "id")
        assert [s for s in statements if "users" in s] == []
        if change == "language":
            await users.choose_language(db, 42, "en")
            assert await users.seen(db, 42, "id") == (False, "en")
        else:
            await users.set_active(db, 42, False)
            await users.seen(db, 42, "id")  # a message: reachable again
            assert await users.is_active(db, 42)
        await db.conn.set_trace_callback(None)
    finally:
        await db.close()
