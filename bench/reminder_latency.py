"""Print how late reminders arrive after their fire time (real bot, fake Telegram server).

Run: /work/main/.venv/bin/python bench/reminder_latency.py [participants]
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from localtg import FakeTelegram  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.harness import TOKEN, RunningBot, make_settings  # noqa: E402
from tests.schedule_helpers import now, seed, session, write_event  # noqa: E402


async def main(count: int) -> None:
    tg = FakeTelegram(token=TOKEN, bot_username="bench_bot")
    await tg.start()
    with tempfile.TemporaryDirectory() as tmp:
        start = now() + timedelta(seconds=6)
        path = write_event(Path(tmp) / "e.yaml", [[session("b1", start)]], ["3s"])
        settings = make_settings(tg, Path(tmp) / "b.sqlite3", event_file=path)
        db = await Database(settings.database_path).open()
        ids = [810000 + i for i in range(count)]
        for uid in ids:
            await seed(db, uid)
        await db.close()
        users = [tg.user(first_name=f"U{uid}", user_id=uid) for uid in ids]
        fire = start - timedelta(seconds=3)
        fire_mono = time.monotonic() + (fire - datetime.now(UTC)).total_seconds()
        bot = await RunningBot(settings).start()
        try:
            got = [await u.expect("Pengingat", timeout=10 + count) for u in users]
        finally:
            await bot.stop()
    await tg.stop()
    lat = sorted(m.sent_at - fire_mono for m in got)
    print(f"participants: {count}")
    print(f"first delivery after fire time: {lat[0]:.3f} s")
    print(f"median: {lat[len(lat) // 2]:.3f} s, last: {lat[-1]:.3f} s")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
