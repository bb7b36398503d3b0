"""`python bot.py status`: what an IT officer (and monitoring) reads, from the database alone."""

from __future__ import annotations

import asyncio
import hashlib
import re
import socket
from datetime import UTC, datetime, timedelta

from storage import instance, outbox, processed_updates, status
from storage.db import Database
from storage.outbox import IN_DOUBT, OutgoingMessage
from tests.harness import BotProcess, RunningBot, run_cli, webhook_settings


def status_of(settings, *extra: str):
    env = {k: v for k, v in BotProcess(settings).env().items() if k != "PATH" and v}
    return run_cli("status", *extra, **env)


async def seed_outbox(db) -> None:
    rows = [
        OutgoingMessage("broadcast", 700 + i, {"text": "x"}, ref="1", dedupe_key=f"b:{i}")
        for i in range(5)
    ] + [OutgoingMessage("reminder", 800, {"text": "r"}, ref="s1", dedupe_key="r:1")]
    await outbox.enqueue(db, rows)
    # Two sent, one failed, one blocked, one still pending; the reminder in doubt.
    found = await db.fetchall("SELECT id, kind FROM outbox ORDER BY id")
    ids = [r["id"] for r in found]
    for row_id, state in zip(ids[:4], ("sent", "sent", "failed", "blocked"), strict=True):
        await outbox.mark(db, row_id, state)
    await outbox.mark(db, ids[5], "failed", IN_DOUBT)


async def test_status_of_a_running_bot_says_everything_on_one_screen(tg, tmp_path) -> None:
    settings = webhook_settings(tg, tmp_path / "bot.sqlite3")
    bot = await RunningBot(settings).start()
    try:
        await seed_outbox(bot.db)
        for _ in range(100):  # the first daily backup runs a moment after start-up
            if await status.get(bot.db, "backup") is not None:
                break
            await asyncio.sleep(0.05)
        await status.put(bot.db, "backup", path="/srv/b/x.sqlite3", size=123456, via="daily")
        user = tg.user(first_name="Sari", language_code="id")
        await user.send("/bantuan")
        await user.expect("/jadwal")
        await tg.wait_idle(quiet=0.3)
        # Finished updates reach SQLite in batches, at most FLUSH_AFTER (1 s) later.
        for _ in range(60):
            if await processed_updates.last_processed(bot.db) is not None:
                break
            await asyncio.sleep(0.05)
        result = status_of(settings)
    finally:
        await bot.stop()
    out = result.stdout
    assert result.returncode == 0, (out, result.stderr)
    assert f"running, webhook at {settings.webhook_url}" in out
    assert f"on {socket.gethostname()}" in out
    assert re.search(r"Heartbeat: +\S+ \S+ UTC \(\d+ s ago\)", out)
    assert re.search(r"Last update: +\S+ \S+ UTC \(\d+ s ago\)", out)
    assert "Outbox:          1 waiting, 2 failed (1 in doubt" in out
    assert "1 blocked the bot, 2 sent" in out
    assert re.search(r"broadcast +pending 1, sent 2, failed 1, blocked 1", out)
    assert re.search(r"Next reminder: +20\d\d-\d\d-\d\d \d\d:\d\d WIB, Tahap", out)
    assert "Last backup:     " in out and "/srv/b/x.sqlite3 (0.1 MB)" in out
    assert "Status:          OK" in out
    assert "TEST-TOKEN" not in out + result.stderr


async def test_status_exits_1_when_no_bot_runs_or_its_heartbeat_is_old(
    tg, tmp_path, settings
) -> None:
    bot = await RunningBot(settings).start()
    await bot.stop()
    digest = hashlib.sha256(settings.database_path.read_bytes()).hexdigest()
    stopped = status_of(settings)
    assert stopped.returncode == 1
    assert "NOT RUNNING (last stopped: " in stopped.stdout
    assert "PROBLEM: no bot is running on this database" in stopped.stdout
    # Reading changed nothing in the file.
    assert hashlib.sha256(settings.database_path.read_bytes()).hexdigest() == digest

    db = await Database(settings.database_path).open()
    old = datetime.now(UTC) - timedelta(minutes=10)
    await instance.take(db, "elsewhere:1:x", "elsewhere", 1, old)
    await db.close()
    stale = status_of(settings)
    assert stale.returncode == 1
    assert re.search(r"PROBLEM: the heartbeat is 6\d\d s old \(limit 120 s\)", stale.stdout)
    assert status_of(settings, "--max-age", "3600").returncode == 0


def test_status_on_a_missing_database_is_one_clear_line(tmp_path) -> None:
    result = run_cli("status", DATABASE_PATH=str(tmp_path / "none.sqlite3"))
    assert result.returncode == 2
    assert "No database at" in result.stderr and "has not run" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "none.sqlite3").exists()
