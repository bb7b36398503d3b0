"""Operations figures: how long a backup of a large database takes, how long the bot's other
statements wait meanwhile (the online backup holds the bot's connection), how long a restore
takes, and what the once-only record of updates costs per update.

    python bench/ops_bench.py [--participants 5000] [--outbox 100000]

Builds a temporary database through the storage functions; prints a table."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain import backups  # noqa: E402
from schedules.event import load_event  # noqa: E402
from storage import outbox, processed_updates  # noqa: E402
from storage import proposals as store  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.harness import FUTURE_EVENT  # noqa: E402
from tests.seeding import registered  # noqa: E402


async def seed(db: Database, people: int, rows: int) -> None:
    for user_id in range(1, people + 1):
        await registered(db, user_id, full_name=f"Peserta Nomor {user_id}")
    await store.insert_submitted(
        db,
        [
            {
                "user_id": 1 + i % people,
                "stage": 1,
                "dimension": "governance",
                "element": "Kebijakan",
                "name": f"Program {i}",
                "problem": "Masalah " * 40,
                "description": "Inovasi " * 60,
                "target": "Target " * 20,
                "horizon": "medium",
                "lead_opd_id": "diskominfo",
            }
            for i in range(people * 2)
        ],
    )
    text = {"text": "Pengumuman: " + "isi pengumuman yang cukup panjang " * 8}
    for start in range(0, rows, 5000):
        await outbox.enqueue(
            db,
            [
                outbox.OutgoingMessage(
                    "broadcast", 1 + i % people, text, ref="1", dedupe_key=f"b{i}"
                )
                for i in range(start, min(start + 5000, rows))
            ],
        )


async def waits_during(db: Database, work: asyncio.Task[object]) -> list[float]:
    """Latency of small statements issued every 10 ms while `work` runs."""
    found = []
    while not work.done():
        started = time.perf_counter()
        await db.fetchone("SELECT COUNT(*) FROM users WHERE user_id = ?", (1,))
        found.append(time.perf_counter() - started)
        await asyncio.sleep(0.01)
    return found


async def main(people: int, rows: int) -> None:
    event = load_event(FUTURE_EVENT)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bot.sqlite3"
        db = await Database(path).open()
        started = time.perf_counter()
        await seed(db, people, rows)
        seeded = time.perf_counter() - started
        target = Path(folder) / "backups" / "copy.sqlite3"
        work = asyncio.create_task(backups.make_backup(db, target, via="bench"))
        await asyncio.sleep(0)
        started = time.perf_counter()
        waits = await waits_during(db, work)
        size = await work
        took = time.perf_counter() - started

        n = 2000
        started = time.perf_counter()
        for update_id in range(1, n + 1):
            await processed_updates.seen(db, update_id)
            await processed_updates.mark(db, update_id)
        per_update = (time.perf_counter() - started) / n
        await db.close()

        started = time.perf_counter()
        await backups.restore(
            target, Path(folder) / "restored.sqlite3", event, Path(folder) / "b2", datetime.now(UTC)
        )
        restored = time.perf_counter() - started

    print(f"database: {people:,} participants, {2 * people:,} proposals, {rows:,} outbox rows")
    print(f"{'what':<52} measured")
    print(f"{'seeding (not a figure of the bot)':<52} {seeded:.1f} s")
    print(
        f"{'backup (online backup API + integrity check)':<52} {took:.2f} s for {size / 1e6:.1f} MB"
    )
    if waits:
        print(
            f"{'a statement issued during the backup waited':<52} max {max(waits):.2f} s, "
            f"median {statistics.median(waits) * 1000:.1f} ms ({len(waits)} statements)"
        )
    print(f"{'restore (check, copy, re-erase, swap)':<52} {restored:.2f} s")
    print(f"{'once-only record per update (seen + mark)':<52} {per_update * 1000:.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--outbox", type=int, default=100_000)
    args = parser.parse_args()
    asyncio.run(main(args.participants, args.outbox))
