"""The real bot (a child process, `bot.py run`) with 1k / 10k / 50k registered participants,
against the fake Telegram server (issue: scale). Printed per size:
- start-up to the first reply, inside a reminder window (every participant's reminder is
  due at start: the catch-up queues them all while /jadwal is asked);
- /jadwal p50 / p95 from 30 users inside that window, while the reminders go out;
- the bot's idle CPU (% of one core over 10 s) with nothing due.

Run: .venv/bin/python bench/scale_live.py [sizes...]   (default: 1000 10000 50000)
     .venv/bin/python bench/scale_live.py --startup RUNS [SIZE]   (start-up only, median)
"""

from __future__ import annotations

import asyncio
import compileall
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.scale_bench import seed  # noqa: E402
from bench.update_cost import cpu_seconds  # noqa: E402
from config import Settings  # noqa: E402
from localtg import FakeTelegram  # noqa: E402
from storage import broadcasts  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.harness import TOKEN, BotProcess, RunningBot, make_settings  # noqa: E402
from tests.schedule_helpers import now, session, write_event  # noqa: E402

ASKERS = 30


async def seeded(
    tmp: Path, name: str, count: int, starts_in: timedelta, offset: str
) -> tuple[FakeTelegram, Settings, Database]:
    """A started fake server, settings for an event with one session `starts_in` from now
    (reminder `offset`), and its database with `count` participants (open: the caller
    closes it after adding what it needs)."""
    tg = FakeTelegram(token=TOKEN, bot_username="scale_bot")
    await tg.start()
    path = write_event(tmp / f"{name}{count}.yaml", [[session(name, now() + starts_in)]], [offset])
    level = "INFO" if os.environ.get("SCALE_LOG") else "WARNING"
    settings = make_settings(tg, tmp / f"{name}{count}.sqlite3", event_file=path, log_level=level)
    db = await Database(settings.database_path).open()
    await seed(db, count)
    return tg, settings, db


async def jadwal_latency(tg: FakeTelegram, user_id: int, within: float = 60) -> float:
    user = tg.get_user(user_id) or tg.user(first_name="Q", language_code="id", user_id=user_id)
    began = time.monotonic()
    await user.send("/jadwal")
    got = await user.expect("Tahap", timeout=within)
    return got.sent_at - began


async def inside_a_window(count: int, tmp: Path, askers: int = ASKERS) -> tuple[float, list[float]]:
    tg, settings, db = await seeded(tmp, "w", count, timedelta(hours=2), "3h")
    await db.close()
    asker = 1_000_000  # a seeded participant
    tg.user(first_name="First", language_code="id", user_id=asker)
    began = time.monotonic()
    bot = BotProcess(settings).start()
    try:
        await jadwal_latency(tg, asker, within=120)
        startup = time.monotonic() - began  # from the process's start: Python and imports too
        latencies = []
        for i in range(askers):
            latencies.append(await jadwal_latency(tg, 1_000_001 + i))
    finally:
        await bot.stop()
        await tg.stop()
    if os.environ.get("SCALE_LOG"):
        print(bot.log())
    return startup, latencies


async def during_a_broadcast(count: int, tmp: Path) -> list[float]:
    """/jadwal latencies while an announcement to everyone is queued and sent (it is due
    when the bot starts: the recipients are read and queued, then the sending begins)."""
    tg, settings, db = await seeded(tmp, "b", count, timedelta(days=3), "1h")
    await broadcasts.create(
        db, created_by=1, audience={"type": "all", "values": []}, payload={"text": "Pengumuman"},
        summary="Pengumuman", send_at=datetime.now(UTC), report_chat_id=1, report_lang="id",
    )  # fmt: skip
    await db.close()
    bot = BotProcess(settings).start()
    try:
        await jadwal_latency(tg, 1_000_000, within=120)
        return [await jadwal_latency(tg, 1_000_001 + i) for i in range(ASKERS)]
    finally:
        await bot.stop()
        await tg.stop()


async def started_in_process(count: int, tmp: Path) -> float:
    """Start-up to the first /jadwal reply with Python and the imports already done (the
    real Application in this process, as the tests run it), inside a reminder window."""
    tg, settings, db = await seeded(tmp, "p", count, timedelta(hours=2), "3h")
    await db.close()
    user = tg.user(first_name="First", language_code="id", user_id=1_000_000)
    began = time.monotonic()
    bot = await RunningBot(settings).start()
    try:
        await user.send("/jadwal")
        got = await user.expect("Tahap", timeout=120)
        return got.sent_at - began
    finally:
        await bot.stop()
        await tg.stop()


async def idle_cpu(count: int, tmp: Path) -> float:
    tg, settings, db = await seeded(tmp, "i", count, timedelta(days=3), "1h")
    await db.close()
    bot = BotProcess(settings).start()
    assert bot.proc is not None
    try:
        await jadwal_latency(tg, 1_000_000, within=120)
        await asyncio.sleep(3)
        before = cpu_seconds(bot.proc.pid)
        await asyncio.sleep(10)
        return (cpu_seconds(bot.proc.pid) - before) / 10 * 100
    finally:
        await bot.stop()
        await tg.stop()


def spread(latencies: list[float]) -> str:
    p95 = sorted(latencies)[int(len(latencies) * 0.95) - 1]
    return f"{statistics.median(latencies):.3f} s / {p95:.3f} s"


async def first_reply(tg: FakeTelegram, settings: Settings, asker: int) -> tuple[float, float]:
    """Start `bot.py run`, ask /jadwal at once: seconds from the process's start to the reply,
    and the CPU seconds the process used until then. `asker` is a new user each time, not a
    participant: no reminder of an earlier run waits in their chat."""
    began = time.monotonic()
    bot = BotProcess(settings).start()
    assert bot.proc is not None
    try:
        await jadwal_latency(tg, asker, within=120)
        took = time.monotonic() - began
        return took, cpu_seconds(bot.proc.pid)
    finally:
        await bot.stop()


async def startups(count: int, runs: int) -> None:
    """Only the start-up from the process, `runs` times: a first start on a new data folder
    (the FAQ index is built, after the reply) and a restart (it is read from the cache)."""
    first: list[tuple[float, float]] = []
    again: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):
            (Path(tmp) / str(run)).mkdir()
            tg, settings, db = await seeded(
                Path(tmp) / str(run), "s", count, timedelta(hours=2), "3h"
            )
            await db.close()
            try:
                first.append(await first_reply(tg, settings, 2_000_000 + 2 * run))
                again.append(await first_reply(tg, settings, 2_000_001 + 2 * run))
            finally:
                await tg.stop()
    for name, got in (("first start", first), ("restart", again)):
        wall, cpu = [t for t, _ in got], [c for _, c in got]
        print(
            f"{name} at {count:,}: first reply {statistics.median(wall):.2f} s after the process "
            f"started, CPU {statistics.median(cpu):.2f} s (medians of {runs}; "
            f"{' '.join(f'{t:.2f}' for t in wall)})"
        )


def compile_bytecode() -> None:
    """The project's bytecode, as an installation compiles it (deploy/): without it every
    start compiles the sources again (about 0.2 s; PYTHONDONTWRITEBYTECODE in some shells)."""
    root = Path(__file__).resolve().parent.parent
    for name in ("handlers", "domain", "schedules", "storage", "locales"):
        compileall.compile_dir(root / name, quiet=1)
    for name in ("bot.py", "cli.py", "config.py"):
        compileall.compile_file(root / name, quiet=1)


async def main(sizes: list[int]) -> None:
    print(
        "| participants | start-up to first reply (window): process / in-process "
        "| /jadwal p50 / p95 (window) | /jadwal p50 / p95 (broadcast to all) | idle CPU |"
    )
    print("|---|---|---|---|---|")
    compile_bytecode()
    with tempfile.TemporaryDirectory() as tmp:
        for count in sizes:
            startup, latencies = await inside_a_window(count, Path(tmp))
            warm = await started_in_process(count, Path(tmp))
            sending = await during_a_broadcast(count, Path(tmp))
            cpu = await idle_cpu(count, Path(tmp))
            print(
                f"| {count:,} | {startup:.2f} s / {warm:.2f} s | {spread(latencies)} | {spread(sending)} "
                f"| {cpu:.1f} % |"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--startup"]:  # --startup RUNS SIZE: the first column only
        compile_bytecode()
        asyncio.run(startups(int(sys.argv[3]) if len(sys.argv) > 3 else 1000, int(sys.argv[2])))
    else:
        asyncio.run(main([int(a) for a in sys.argv[1:]] or [1000, 10000, 50000]))
