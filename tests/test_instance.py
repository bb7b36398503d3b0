"""One instance at a time: a second bot on the same database refuses to start with one line
while the first runs; a dead or silent instance's claim is taken over (issue: faults)."""

from __future__ import annotations

import asyncio
import socket
import sys
from datetime import UTC, datetime, timedelta

from storage import instance
from storage.db import Database
from tests.harness import BotProcess, RunningBot


async def wait_exit(process: BotProcess, seconds: float = 30.0) -> int | None:
    assert process.proc is not None
    for _ in range(int(seconds * 10)):
        if process.proc.poll() is not None:
            return process.proc.returncode
        await asyncio.sleep(0.1)
    return None


async def wait_ready(process: BotProcess, seconds: float = 30.0) -> bool:
    for _ in range(int(seconds * 10)):
        if "ready" in process.log():
            return True
        await asyncio.sleep(0.1)
    return False


async def test_a_second_instance_refuses_to_start_while_the_first_runs(tg, settings) -> None:
    first = await RunningBot(settings).start()
    second = BotProcess(settings).start()
    try:
        assert await wait_exit(second) == 2
        lines = [line for line in second.log().splitlines() if line.strip()]
        refusal = [line for line in lines if "Another instance" in line]
        assert len(refusal) == 1, lines
        assert "Traceback" not in second.log()
    finally:
        await second.stop()
        await first.stop()
    # Once the first has stopped (and given the lease back), a new one starts.
    third = BotProcess(settings).start()
    try:
        assert await wait_ready(third), third.log()[-2000:]
    finally:
        await third.stop()


async def test_a_dead_or_silent_holder_is_taken_over(tg, settings) -> None:
    db = await Database(settings.database_path).open()
    gone = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import os; print(os.getpid())", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await gone.communicate()
    dead_pid = int(out)  # a process of this machine that no longer exists
    await instance.take(db, "here:dead", socket.gethostname(), dead_pid, datetime.now(UTC))
    await db.close()
    process = BotProcess(settings).start()
    try:
        assert await wait_ready(process), process.log()[-2000:]  # a killed process: at once
    finally:
        await process.stop()
    db = await Database(settings.database_path).open()
    stale = datetime.now(UTC) - timedelta(minutes=2)
    await instance.take(db, "elsewhere:1", "other-host", 1, stale)
    await db.close()
    process = BotProcess(settings).start()
    try:
        assert await wait_ready(process), process.log()[-2000:]  # silent for 2 minutes
    finally:
        await process.stop()
