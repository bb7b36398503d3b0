"""Time the proposal export and /rekap on 10,000 proposals from 1,000 participants.

    /work/main/.venv/bin/python bench/export_bench.py [--proposals 10000] [--participants 1000]

Builds a temporary database, seeds it through the storage functions, then prints a table
of the median of a few runs per format (collection from SQLite included) against targets."""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.exports import EXPORTERS, Exporter, collect  # noqa: E402
from handlers.proposals.rekap import missing_offices, rekap_text  # noqa: E402
from schedules.clock import Clock  # noqa: E402
from schedules.event import load_event  # noqa: E402
from storage import proposals as store  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.seeding import registered  # noqa: E402

EVENT_FILE = Path(__file__).resolve().parent.parent / "data" / "events" / "demo-future.yaml"
TARGETS = {"xlsx": 2.0, "csv": 0.5, "csv-comma": 0.5, "json": 0.5, "docx": 3.0, "rekap": 0.1}
TRICKY = ['=HYPERLINK("http://x","klik")', "-1+2", "Program 🚀 desa", "<b>tebal</b>"]


async def seed(db: Database, n_participants: int, n_proposals: int) -> None:
    event = load_event(EVENT_FILE)
    rnd = random.Random(5)
    async with db.transaction():
        for uid in range(1, n_participants + 1):
            opd = rnd.choice(event.opds)
            await registered(db, uid, opd_id=opd.id, dimension=opd.dimension)
    items = []
    for i in range(n_proposals):
        dim = rnd.choice(event.dimensions)
        items.append(
            {
                "user_id": 1 + i % n_participants,
                "stage": rnd.randint(1, 4),
                "dimension": dim.id,
                "element": rnd.choice(dim.elements),
                "name": f"{rnd.choice(TRICKY)} program {i}",
                "problem": "Permasalahan layanan. " * 20,
                "description": "Inovasi kebijakan dan aplikasi.\nBaris kedua. " * 15,
                "target": "Sasaran: warga; indikator: waktu layanan turun 50%. " * 4,
                "horizon": rnd.choice(store.HORIZONS),
                "lead_opd_id": rnd.choice(event.opds).id,
            }
        )
    await store.insert_submitted(db, items)


async def timed(fn: Callable[[], Awaitable[object]], runs: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = await fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


async def main(n_proposals: int, n_participants: int, runs: int) -> int:
    event = load_event(EVENT_FILE)
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database(Path(tmp) / "bench.sqlite3").open()
        try:
            started = time.perf_counter()
            await seed(db, n_participants, n_proposals)
            print(
                f"Seeded {n_proposals} proposals from {n_participants} participants "
                f"in {time.perf_counter() - started:.1f} s\n"
            )
            rows = []
            for fmt, exporter in EXPORTERS.items():

                async def export(exporter: Exporter = exporter) -> bytes:
                    data = await collect(db, event, Clock().now())
                    return exporter.build(data)

                seconds, content = await timed(export, runs)
                rows.append((fmt.upper(), seconds, TARGETS[fmt], f"{len(content) / 1e6:.1f} MB"))

            async def rekap() -> str:
                counts = await store.counts_by_dimension_office(db)
                missing = missing_offices(event, await store.offices_with_proposals(db))
                return rekap_text(event, counts, missing, "id")

            seconds, _ = await timed(rekap, max(runs, 5))
            rows.append(("/rekap", seconds, TARGETS["rekap"], ""))
        finally:
            await db.close()
    print(f"{'what':<8} {'median':>9} {'target':>8}  {'ok':<3} size")
    failed = 0
    for name, seconds, target, size in rows:
        ok = seconds <= target
        failed += not ok
        print(
            f"{name:<8} {seconds * 1000:>7.0f}ms {target * 1000:>6.0f}ms  {'yes' if ok else 'NO':<3} {size}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--proposals", type=int, default=10_000)
    cli.add_argument("--participants", type=int, default=1_000)
    cli.add_argument("--runs", type=int, default=3)
    args = cli.parse_args()
    sys.exit(asyncio.run(main(args.proposals, args.participants, args.runs)))
