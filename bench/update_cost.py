"""Print the bot's CPU per 1,000 updates beside a minimal python-telegram-bot echo bot
(bench/echo_bot.py), and the ratio (issue: scale). Both run as their own process against
the fake Telegram server with flood limits off; 200 users send /jadwal and FAQ questions.
The bot's CPU time is read from /proc before and after (utime + stime).

Run: .venv/bin/python bench/update_cost.py [updates]   (default 1000)
Profile the bot meanwhile: UPDATE_COST_PROFILE=/tmp/bot.txt (py-spy record, collapsed stacks;
`pip install py-spy` first). The profiler's own CPU is not the bot's, but sampling slows it a bit.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from localtg import FakeTelegram  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.harness import TOKEN, BotProcess, make_settings  # noqa: E402
from tests.seeding import registered  # noqa: E402

USERS = 200
TEXTS = ["/jadwal", "di mana lokasi bimtek?", "kapan batas usulan?", "apa itu smart city"]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def drive(
    tg: FakeTelegram, pid: int, updates: int, answers: int, *, profiled: bool = False
) -> float:
    """Send `updates` messages from USERS users; wait for `answers` replies each; CPU used."""
    users = [
        tg.user(first_name=f"U{i}", language_code="id", user_id=880_000 + i) for i in range(USERS)
    ]
    # Start-up done (its CPU is not counted): a sleep was not enough on a loaded machine (a
    # profile showed the FAQ index being built inside the measured window), so wait until the
    # bot has answered a warm-up user.
    warm = tg.user(first_name="Warm", language_code="id", user_id=879_999)
    await warm.send(TEXTS[0])
    await warm.expect("", timeout=120)
    await tg.wait_idle(quiet=0.5, timeout=120)
    profiler = profile(pid) if profiled else None
    before = cpu_seconds(pid)

    async def one(index: int) -> None:
        user = users[index % USERS]
        await user.send(TEXTS[index % len(TEXTS)])

    for start in range(0, updates, USERS):
        await asyncio.gather(*(one(i) for i in range(start, min(updates, start + USERS))))
        await tg.wait_idle(quiet=0.3, timeout=120)
    if profiler is not None:
        profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        profiler.wait(timeout=30)
    sent = sum(len(u.messages) for u in users)
    if sent < answers:
        raise SystemExit(f"only {sent} replies of {answers}")
    return cpu_seconds(pid) - before


def profile(pid: int) -> subprocess.Popen[bytes] | None:
    """py-spy sampling the bot (process `pid`) into $UPDATE_COST_PROFILE, when that is set."""
    out = os.environ.get("UPDATE_COST_PROFILE")
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not out:
        return None
    command = [spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "200"]
    command += ["--nonblocking", "-o", out]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def main(updates: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tg = FakeTelegram(token=TOKEN, bot_username="bench_bot")
        await tg.start()
        settings = make_settings(tg, Path(tmp) / "u.sqlite3", log_level="WARNING")
        db = await Database(settings.database_path).open()
        for i in range(USERS):
            await registered(db, 880_000 + i)
        await db.close()
        bot = BotProcess(settings).start()
        assert bot.proc is not None
        try:
            ours = await drive(tg, bot.proc.pid, updates, updates, profiled=True)
        finally:
            await bot.stop()
        await tg.stop()

        tg = FakeTelegram(token=TOKEN, bot_username="echo_bot")
        await tg.start()
        env = {**os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": tg.base_url}
        echo = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bench" / "echo_bot.py"), env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            theirs = await drive(tg, echo.pid, updates, updates)
        finally:
            echo.terminate()
            await echo.wait()
        await tg.stop()
    per = 1000 / updates
    print(f"updates: {updates} from {USERS} users (/jadwal and FAQ questions)")
    print(f"bot:      {ours * per:.2f} s CPU per 1,000 updates")
    print(f"echo bot: {theirs * per:.2f} s CPU per 1,000 updates")
    print(f"ratio:    {ours / theirs:.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
