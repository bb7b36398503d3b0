"""Print the bot's CPU per 1,000 updates beside a minimal python-telegram-bot echo bot
(bench/echo_bot.py), and the ratio (issue: scale). Both run as their own process against
the fake Telegram server with flood limits off; 200 users send /jadwal and FAQ questions.
The bot's CPU time is read from /proc before and after (utime + stime).

Run: .venv/bin/python bench/update_cost.py [updates] [runs]   (default 1000 updates, 5 runs)
     .venv/bin/python bench/update_cost.py --instructions [updates]   (callgrind, default 200)

The machine's speed swings with other jobs (the echo bot alone took 3.1 to 5.9 s per 1,000
updates in single runs), so the two bots run in turns, `runs` times each, a fresh server and
database every time: the printed figures are medians, and the ratio of a bot's run to the
echo run right after it (same machine load) is given per pair and as the median of pairs.
--instructions counts instructions instead (valgrind's callgrind, one run each): within 3 %
from run to run whatever the load, but user space only (no system calls, no cache misses),
so it is a second view, not the same figure.
Profile the bot meanwhile: UPDATE_COST_PROFILE=/tmp/bot.txt (py-spy record, collapsed stacks;
`pip install py-spy` first). The profiler's own CPU is not the bot's, but sampling slows it a bit.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from localtg import FakeTelegram  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.harness import TOKEN, BotProcess, make_settings  # noqa: E402
from tests.seeding import registered  # noqa: E402

USERS = 200
STARTED = 2.0  # seconds more: the start-up chores (a second after start-up) are done
TEXTS = ["/jadwal", "di mana lokasi bimtek?", "kapan batas usulan?", "apa itu smart city"]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(
    tg: FakeTelegram,
    pid: int,
    updates: int,
    answers: int,
    *,
    profiled: bool = False,
    meter: Callable[[], float] | None = None,
) -> float:
    """Send `updates` messages from USERS users; wait for `answers` replies each; what
    `meter` counts meanwhile (by default the process's CPU seconds)."""
    meter = meter or (lambda: cpu_seconds(pid))
    users = [
        tg.user(first_name=f"U{i}", language_code="id", user_id=880_000 + i) for i in range(USERS)
    ]
    # Start-up done (its CPU is not counted): a sleep was not enough on a loaded machine (a
    # profile showed the FAQ index being built inside the measured window), so wait until the
    # bot has answered a warm-up user.
    # The FAQ index is loaded in a worker thread after start-up: a FAQ question waits for it.
    warm = tg.user(first_name="Warm", language_code="id", user_id=879_999)
    for text in TEXTS[:2]:
        await warm.send(text)
        await warm.expect("", timeout=600)  # valgrind (--instructions) is slow
    await tg.wait_idle(quiet=0.5, timeout=120)
    await asyncio.sleep(STARTED)
    profiler = profile(pid) if profiled else None
    before = meter()

    async def one(index: int) -> None:
        user = users[index % USERS]
        await user.send(TEXTS[index % len(TEXTS)])

    for start in range(0, updates, USERS):
        end = min(updates, start + USERS)
        await asyncio.gather(*(one(i) for i in range(start, end)))
        # Every update of the round answered (a reply may wait for its chat's flood limit,
        # longer than a quiet moment), then quiet.
        for _ in range(2400):  # at most 2 minutes
            if sum(len(u.messages) for u in users) >= end:
                break
            await asyncio.sleep(0.05)
        await tg.wait_idle(quiet=0.3, timeout=120)
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        profiler.wait(timeout=30)
    sent = sum(len(u.messages) for u in users)
    if sent < answers:
        raise SystemExit(f"only {sent} replies of {answers}")
    return meter() - before


def profile(pid: int) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the bot (process `pid`) into $UPDATE_COST_PROFILE, when that is set."""
    out = os.environ.get("UPDATE_COST_PROFILE")
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not out:
        return None
    command = [spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "200"]
    command += ["--nonblocking", "-o", out]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def bot_run(updates: int, tmp: Path, profiled: bool) -> float:
    """The bot's CPU seconds for `updates` updates (a new server and database)."""
    tg = FakeTelegram(token=TOKEN, bot_username="bench_bot")
    await tg.start()
    settings = make_settings(tg, tmp / "u.sqlite3", log_level="WARNING")
    db = await Database(settings.database_path).open()
    for i in range(USERS):
        await registered(db, 880_000 + i)
    await db.close()
    bot = BotProcess(settings).start()
    assert bot.proc is not None
    try:
        return await drive(tg, bot.proc.pid, updates, updates, profiled=profiled)
    finally:
        await bot.stop()
        await tg.stop()


async def echo_run(updates: int) -> float:
    """The echo bot's CPU seconds for `updates` updates."""
    tg = FakeTelegram(token=TOKEN, bot_username="echo_bot")
    await tg.start()
    env = {**os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": tg.base_url}
    echo = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "bench" / "echo_bot.py"), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        return await drive(tg, echo.pid, updates, updates)
    finally:
        echo.terminate()
        await echo.wait()
        await tg.stop()


class Instructions:
    """Instructions a process under callgrind executes (instrumentation off until the first
    call; each call toggles it and returns the count so far): deterministic, whatever the
    machine's load. The process runs about fifty times slower, so its timers (the sender, the
    chores) fire fifty times more often per update; `idle` measures what they cost per second
    with nothing to do, to take out of the window."""

    def __init__(self, pid: int, out: Path) -> None:
        self.pid, self.out, self.on, self.total = pid, out, False, 0.0
        self.started = self.seconds = 0.0

    def __call__(self) -> float:
        self.on = not self.on
        subprocess.run(
            ["callgrind_control", "-i", "on" if self.on else "off", str(self.pid)],
            capture_output=True, check=True,
        )  # fmt: skip
        if self.on:
            self.started = time.monotonic()
            return self.total
        self.seconds = time.monotonic() - self.started
        subprocess.run(["callgrind_control", "-d", str(self.pid)], capture_output=True, check=True)
        self.total = float(sum(_totals(f) for f in self.out.parent.glob(f"{self.out.name}*")))
        return self.total

    async def idle(self, seconds: float) -> float:
        """Instructions per second with nothing to do."""
        before = self()
        await asyncio.sleep(seconds)
        return (self() - before) / self.seconds


def _totals(dump: Path) -> int:
    for line in dump.read_text(errors="replace").splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    return 0


VALGRIND = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]


async def counted(command: list[str], env: dict[str, str], cwd: Path, out: Path) -> Any:
    return await asyncio.create_subprocess_exec(
        *VALGRIND, f"--callgrind-out-file={out}", *command, env=env, cwd=cwd,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def instructions(updates: int) -> None:
    """--instructions: both bots under callgrind, once each; instructions per update."""
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("bot", "echo bot"):
            tg = FakeTelegram(token=TOKEN, bot_username="bench_bot")
            await tg.start()
            out = Path(tmp) / name.replace(" ", "") / "cg.out"
            out.parent.mkdir()
            if name == "bot":
                settings = make_settings(tg, out.parent / "u.sqlite3", log_level="WARNING")
                db = await Database(settings.database_path).open()
                for i in range(USERS):
                    await registered(db, 880_000 + i)
                await db.close()
                command = [sys.executable, str(ROOT / "bot.py"), "run"]
                env = BotProcess(settings).env()
            else:
                command = [sys.executable, str(ROOT / "bench" / "echo_bot.py")]
                env = {**os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": tg.base_url}
            proc = await counted(command, env, out.parent, out)
            meter = Instructions(proc.pid, out)
            try:
                window = await drive(tg, proc.pid, updates, updates, meter=meter)
                seconds = meter.seconds
                idle = await meter.idle(20.0)
            finally:
                proc.terminate()
                await proc.wait()
                await tg.stop()
            figures[name] = (window, window - idle * seconds, seconds, idle)
    print(f"updates: {updates} from {USERS} users (/jadwal and FAQ questions), under callgrind")
    for name, (window, busy, seconds, idle) in figures.items():
        print(f"{name + ':':9} {window / updates / 1e6:.1f} M instructions per update "
              f"({window / 1e9:.2f} G in {seconds:.0f} s); idle {idle / 1e6:.1f} M/s; "
              f"without idle {busy / updates / 1e6:.1f} M per update")  # fmt: skip
    (bot, bot_busy, *_), (echo, echo_busy, *_) = figures["bot"], figures["echo bot"]
    print(f"ratio:    {bot / echo:.2f}; without idle {bot_busy / echo_busy:.2f}")


async def main(updates: int, runs: int) -> None:
    ours: list[float] = []
    theirs: list[float] = []
    per = 1000 / updates
    print(f"updates: {updates} from {USERS} users (/jadwal and FAQ questions), {runs} runs each")
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):
            folder = Path(tmp) / str(run)
            folder.mkdir()
            ours.append(await bot_run(updates, folder, profiled=run == 0) * per)
            theirs.append(await echo_run(updates) * per)
            print(f"  run {run + 1}: bot {ours[-1]:.2f} s, echo bot {theirs[-1]:.2f} s, "
                  f"ratio {ours[-1] / theirs[-1]:.2f}", flush=True)  # fmt: skip
    pairs = [a / b for a, b in zip(ours, theirs, strict=True)]
    print(f"bot:      {statistics.median(ours):.2f} s CPU per 1,000 updates (median)")
    print(f"echo bot: {statistics.median(theirs):.2f} s CPU per 1,000 updates (median)")
    print(f"ratio:    {statistics.median(pairs):.2f} (median of the pairs; "
          f"{min(pairs):.2f}-{max(pairs):.2f}); of the medians "
          f"{statistics.median(ours) / statistics.median(theirs):.2f}")  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1:2] == ["--instructions"]:
        asyncio.run(instructions(int(sys.argv[2]) if len(sys.argv) > 2 else 200))
    else:
        args = [int(a) for a in sys.argv[1:3]]
        asyncio.run(main(args[0] if args else 1000, args[1] if len(args) > 1 else 5))
