"""Print what the bot's constant work costs at 1k, 10k and 50k registered participants
(issue: scale): the reminder check inside a reminder window and with nothing due, a
broadcast's progress tick, queueing a broadcast (and the longest the database is held),
and the outbox before and after pruning. Storage and services are the bot's own, on a
temporary database; no Telegram server is needed.

Run: .venv/bin/python bench/scale_bench.py [sizes...]   (default: 1000 10000 50000)
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain import audience, meeting_links  # noqa: E402
from schedules.clock import Clock  # noqa: E402
from schedules.event import load_event  # noqa: E402
from schedules.reminders import ReminderService  # noqa: E402
from storage import broadcasts, outbox, participants  # noqa: E402
from storage import proposals as proposal_store  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.outbox import OutgoingMessage  # noqa: E402
from tests.schedule_helpers import now, session, write_event  # noqa: E402

DIMENSIONS = ["governance", "branding", "economy", "living", "society", "environment"]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def timed(run, times: int = 1) -> list[float]:
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        await run()
        spent.append(time.perf_counter() - began)
    return spent


async def seed(db: Database, count: int) -> None:
    people = [
        (1_000_000 + i, f"Peserta {i}", "diskominfo", "tim_pelaksana", DIMENSIONS[i % 6], "offline")
        for i in range(count)
    ]
    # Registered a day ago: the reminder check then sees nobody as just changed.
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    await participants.insert_registered(db, people, at=yesterday)
    await proposal_store.insert_submitted(
        db,
        (
            {
                "user_id": uid, "stage": 1, "dimension": dim, "element": "Kebijakan",
                "name": f"Program {uid}", "problem": "Masalah", "description": "Inovasi",
                "target": "Target", "horizon": "medium", "lead_opd_id": "diskominfo",
            }
            for uid, _, _, _, dim, _ in people
        ),
    )  # fmt: skip


def service(db: Database, event_file: Path) -> ReminderService:
    async def enqueue(messages: list[OutgoingMessage]) -> int:
        return await outbox.enqueue(db, messages)

    return ReminderService(
        load_event(event_file),
        Clock(),
        people=lambda since: meeting_links.reminder_recipients(db, since),
        enqueue=enqueue,
    )


async def size_of(db: Database) -> float:
    pages = (await db.fetchone("PRAGMA page_count"))[0]
    page = (await db.fetchone("PRAGMA page_size"))[0]
    return pages * page / 1e6


async def one_size(count: int, tmp: Path) -> dict[str, str]:
    db = await Database(tmp / f"s{count}.sqlite3").open()
    row: dict[str, str] = {}
    try:
        await seed(db, count)
        inside = write_event(tmp / "in.yaml", [[session("w1", now() + timedelta(hours=2))]], ["3h"])
        idle = write_event(tmp / "idle.yaml", [[session("w2", now() + timedelta(days=3))]], ["1h"])
        window = service(db, inside)
        (first,) = await timed(window.run_due)
        steady = await timed(window.run_due, 10)
        row["first check in a window (everyone read, batch queued)"] = ms(first)
        row["check inside the window afterwards, median"] = ms(statistics.median(steady))
        quiet = service(db, idle)
        await quiet.run_due()
        row["check with nothing due, median"] = ms(
            statistics.median(await timed(quiet.run_due, 10))
        )

        event = load_event(inside)

        async def rekap() -> None:  # what /rekap reads, some offices without a proposal
            await proposal_store.counts_by_dimension_office(db)
            have = await proposal_store.offices_with_proposals(db)
            missing = [o.id for o in event.opds if (o.dimension, o.id) not in have]
            await participants.reachable_in_offices(db, missing or [event.opds[-1].id])

        row["/rekap's queries, median"] = ms(statistics.median(await timed(rekap, 5)))
        group = {"type": "dimensions", "values": ["economy"]}
        counted = await timed(lambda: audience.reach(db, event, group), 5)
        listed = await timed(lambda: audience.recipients(db, event, group), 5)
        row["/umumkan's recipient count (per-kind counts) / the full list"] = (
            f"{ms(statistics.median(counted))} / {ms(statistics.median(listed))}"
        )
        made = await broadcasts.create(
            db, created_by=1, audience={"type": "all", "values": []}, payload={"text": "x"},
            summary="x", send_at=datetime.now(UTC), report_chat_id=1, report_lang="id",
        )  # fmt: skip
        await broadcasts.start_sending(db, made, count, datetime.now(UTC))
        messages = [
            OutgoingMessage("broadcast", 1_000_000 + i, {"text": "x"}, str(made), f"bc:{made}:{i}")
            for i in range(count)
        ]
        chunks: list[float] = []
        original = outbox.enqueue

        async def measured(db_: Database, batch: list[OutgoingMessage]) -> int:
            began = time.perf_counter()
            added = await original(db_, batch)
            chunks.append(time.perf_counter() - began)
            return added

        outbox.enqueue = measured  # type: ignore[assignment]
        try:
            (queued,) = await timed(lambda: broadcasts.queue_recipients(db, made, messages))
        finally:
            outbox.enqueue = original  # type: ignore[assignment]
        row["queueing a broadcast to all; longest single hold"] = f"{ms(queued)}; {ms(max(chunks))}"
        tick = await timed(lambda: broadcasts.counts(db, made), 20)
        scan = await timed(lambda: outbox.counts(db, "broadcast", str(made)), 20)
        row["progress tick (tally) / the old full count"] = (
            f"{ms(statistics.median(tick))} / {ms(statistics.median(scan))}"
        )
        await db.execute(
            "UPDATE outbox SET status = 'sent', created_at = '2000-01-01T00:00:00+00:00'"
        )
        await db.execute("UPDATE broadcasts SET status = 'done'")
        before_rows, _ = await outbox.size(db)
        await outbox.prune(db, datetime.now(UTC) - timedelta(days=30))
        after_rows, keys = await outbox.size(db)
        await db.execute("VACUUM")
        row["outbox rows before / after pruning (keys kept)"] = (
            f"{before_rows} / {after_rows} ({keys}); database {await size_of(db):.1f} MB"
        )
    finally:
        await db.close()
    return row


async def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = {n: await one_size(n, Path(tmp)) for n in sizes}
    names = list(next(iter(rows.values())))
    print("| what | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in names:
        print(f"| {name} | " + " | ".join(rows[n][name] for n in sizes) + " |")


if __name__ == "__main__":
    asyncio.run(main([int(a) for a in sys.argv[1:]] or [1000, 10000, 50000]))
