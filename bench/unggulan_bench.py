"""Time the programme profiles (DOCX) and the selection ranking.

    .venv/bin/python bench/unggulan_bench.py [--runs 5]

1. DOCX "Profil Program Unggulan" for 120 confirmed programmes (20 per dimension, every
   field filled, three reviews each): reading SQLite and building the file. Target ≤ 3 s.
2. The ranking of every round for 10,000 proposals with 30,000 reviews and 50,000 votes
   (six rounds, one per dimension, every proposal a candidate): the three queries and the
   rule of domain/ranking.py. Target ≤ 1 s.
Each in a temporary database; prints the median of the runs."""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.exports import build, collect  # noqa: E402
from domain.exports.records import rankings_of  # noqa: E402
from schedules.event import Event, load_event  # noqa: E402
from storage import proposals as store  # noqa: E402
from storage import reviews, selection  # noqa: E402
from storage.db import Database, utcnow  # noqa: E402
from tests.seeding import registered  # noqa: E402

EVENT_FILE = Path(__file__).resolve().parent.parent / "data" / "events" / "demo-future.yaml"
CRITERIA = ("dampak", "kelayakan", "kesesuaian", "inovasi", "efisiensi")


def proposal(event: Event, rnd: random.Random, i: int, dimension: str, user_id: int) -> dict:
    dim = event.dimension(dimension)
    assert dim is not None
    return {
        "user_id": user_id,
        "stage": 3,
        "dimension": dimension,
        "element": rnd.choice(dim.elements),
        "name": f"Program unggulan {i}",
        "problem": "Permasalahan layanan yang belum terpadu. " * 8,
        "description": "Inovasi kebijakan dan aplikasi terpadu. " * 12,
        "target": "Sasaran: warga; indikator: waktu layanan turun 50%. " * 3,
        "horizon": rnd.choice(store.HORIZONS),
        "lead_opd_id": rnd.choice(event.opds).id,
        "partner_opds": json.dumps([o.id for o in rnd.sample(event.opds, 3)]),
        "partners_other": "Universitas Jember; PT Telkom",
        "planning": "rpjmd",
        "planning_ref": f"Program RPJMD {i}",
        "budget_status": "estimated",
        "budget": rnd.randint(1, 500) * 10_000_000,
        "budget_source": rnd.choice(store.BUDGET_SOURCES),
        "location": "Kecamatan Kraksaan",
    }


async def seed(db: Database, event: Event, per_dimension: int, reviews_each: int) -> None:
    """`per_dimension` proposals per dimension, `reviews_each` reviews each, one round per
    dimension with every proposal a candidate."""
    rnd = random.Random(15)
    await registered(db, 1, opd_id=event.opds[0].id, dimension=event.opds[0].dimension)
    items = [
        proposal(event, rnd, n * per_dimension + i, d.id, 1)
        for n, d in enumerate(event.dimensions)
        for i in range(per_dimension)
    ]
    await store.insert_submitted(db, items)
    ids = [int(r["id"]) for r in await db.fetchall("SELECT id FROM proposals ORDER BY id")]
    rows = [
        (pid, 1, 1000 + k, {c: rnd.randint(1, 5) for c in CRITERIA}, "layak")
        for pid in ids
        for k in range(reviews_each)
    ]
    await reviews.insert_done(db, rows)
    closes = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="seconds")
    for d in event.dimensions:
        found = await selection.candidate_ids(db, d.id, "all")
        await selection.create(db, d.id, "all", 5, False, closes, 1, found)


async def add_votes(db: Database, total: int) -> None:
    rnd = random.Random(7)
    candidates = await db.fetchall("SELECT round_id, proposal_id FROM round_candidates")
    chosen: set[tuple[int, int, int]] = set()
    while len(chosen) < total:
        round_id, pid = rnd.choice(candidates)
        chosen.add((int(round_id), int(pid), rnd.randint(1, 20_000)))
    now = utcnow()
    await db.executemany(
        "INSERT INTO votes (round_id, proposal_id, user_id, voted_at) VALUES (?, ?, ?, ?)",
        [(*v, now) for v in chosen],
    )


async def confirm_all(db: Database) -> None:
    for r in await selection.all_rounds(db):
        await selection.close(db, r.id)
        await db.execute("UPDATE round_candidates SET chosen = 1 WHERE round_id = ?", (r.id,))
        await selection.confirm(db, r.id)


async def timed(fn: Callable[[], Awaitable[object]], runs: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = await fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


async def main(runs: int) -> int:
    event = load_event(EVENT_FILE)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        db = await Database(Path(tmp) / "docx.sqlite3").open()
        try:
            await seed(db, event, per_dimension=20, reviews_each=3)
            await confirm_all(db)

            async def profiles() -> bytes:
                return build(await collect(db, event, datetime.now(UTC)), "docx")

            seconds, content = await timed(profiles, runs)
            assert isinstance(content, bytes)
            size = f"{len(content) / 1e3:.0f} kB"
            results.append(("DOCX, 120 programmes", seconds, 3.0, size))
        finally:
            await db.close()
        db = await Database(Path(tmp) / "ranking.sqlite3").open()
        try:
            # 10,002 proposals (1,667 per dimension), 3 reviews each, 50,000 votes.
            await seed(db, event, per_dimension=1_667, reviews_each=3)
            await add_votes(db, 50_000)
            counts = [
                (await db.fetchone(f"SELECT COUNT(*) FROM {t}"))[0]  # type: ignore[index]
                for t in ("proposals", "reviews", "votes")
            ]
            print("ranking data: {} proposals, {} reviews, {} votes".format(*counts))

            async def ranking() -> object:
                return await rankings_of(db)

            seconds, ranked = await timed(ranking, runs)
            assert isinstance(ranked, dict)
            size = f"{sum(len(v) for v in ranked.values())} ranked"
            results.append(("ranking, all rounds", seconds, 1.0, size))
        finally:
            await db.close()
    print(f"{'what':<22} {'median':>9} {'target':>8}  {'ok':<3} size")
    failed = 0
    for name, seconds, target, size in results:
        ok = seconds <= target
        failed += not ok
        print(
            f"{name:<22} {seconds * 1000:>7.0f}ms {target * 1000:>6.0f}ms  {'yes' if ok else 'NO':<3} {size}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--runs", type=int, default=5)
    args = cli.parse_args()
    sys.exit(asyncio.run(main(args.runs)))
