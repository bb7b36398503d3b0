"""The schedule tells one story: a session in progress is marked, reminders say how far
away the session is ("besok, pukul 08.00", "1 jam lagi") (issue: trust, point 6)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from schedules.timefmt import format_relative
from storage.db import Database
from tests.conftest import ADMIN_ID
from tests.harness import RunningBot, make_settings
from tests.schedule_helpers import now, seed, session, write_event

JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY_8 = datetime(2027, 1, 11, 8, 0, tzinfo=JAKARTA)


@pytest.mark.parametrize(
    ("before", "lang", "said"),
    [
        (timedelta(minutes=30), "id", "30 menit lagi"),
        (timedelta(hours=1), "id", "1 jam lagi"),
        (timedelta(hours=3), "id", "3 jam lagi"),
        (timedelta(hours=1), "en", "in 1 hour"),
        (timedelta(days=1), "id", "besok, pukul 08.00"),
        (timedelta(days=1), "en", "tomorrow at 08:00"),
        (timedelta(days=2), "id", "lusa, pukul 08.00"),
        (timedelta(days=4), "id", "Senin, pukul 08.00"),
        (timedelta(days=9), "id", "Senin, 11 Januari 2027, 08.00 WIB"),
    ],
)
def test_relative_times_as_people_say_them(before: timedelta, lang: str, said: str) -> None:
    assert format_relative(MONDAY_8, MONDAY_8 - before, JAKARTA, lang) == said


def test_an_hour_before_midnight_is_still_an_hour() -> None:
    midnight = datetime(2027, 1, 12, 0, 0, tzinfo=JAKARTA)
    assert format_relative(midnight, midnight - timedelta(hours=1), JAKARTA, "id") == "1 jam lagi"
    later = midnight + timedelta(hours=4)  # 5 hours ahead, on the next day: said with its hour
    assert format_relative(later, midnight - timedelta(hours=1), JAKARTA, "id") == (
        "besok, pukul 04.00"
    )


def test_a_session_later_today_is_said_with_its_hour() -> None:
    seven_hours_before = MONDAY_8.replace(hour=1)
    assert format_relative(MONDAY_8, seven_hours_before, JAKARTA, "id") == "hari ini, pukul 08.00"


async def test_session_in_progress_and_relative_reminder(tg, tmp_path: Path) -> None:
    start = now() + timedelta(minutes=60, seconds=3)
    path = write_event(
        tmp_path / "e.yaml",
        [[session("s0", now() - timedelta(minutes=10))], [session("s1", start)]],
        ["1h"],
    )
    settings = make_settings(tg, tmp_path / "bot.sqlite3", admin_ids=[ADMIN_ID], event_file=path)
    db = await Database(settings.database_path).open()
    await seed(db, 7301, "id", registered_ago=timedelta(days=7))
    await seed(db, 7302, "en", registered_ago=timedelta(days=7))
    await db.close()
    ani = tg.user(first_name="Ani", language_code="id", user_id=7301)
    bob = tg.user(first_name="Bob", language_code="en", user_id=7302)
    bot = await RunningBot(settings).start()
    try:
        reminder = await ani.expect("Pengingat bimtek", timeout=10)
        assert "⏰ 1 jam lagi" in reminder.text and "Sesi s1" in reminder.text
        english = await bob.expect("Workshop reminder", timeout=10)
        assert "⏰ in 1 hour" in english.text
        await ani.send("/jadwal")
        schedule = await ani.expect("Jadwal")
        assert "Sedang berlangsung: Sesi s0" in schedule.text
        assert "Berikutnya: Sesi s1" not in schedule.text  # the next one is the one in progress
    finally:
        await bot.stop()


async def test_the_past_default_event_says_so_at_start(tg, tmp_path: Path) -> None:
    from config import DEFAULT_EVENT_FILE
    from tests.harness import BotProcess

    settings = make_settings(tg, tmp_path / "bot.sqlite3", event_file=DEFAULT_EVENT_FILE)
    process = BotProcess(settings).start()
    try:
        for _ in range(100):
            if "every session of this event is over" in process.log():
                break
            await asyncio.sleep(0.1)
        log = process.log()
        assert "EVENT_FILE=data/events/demo-future.yaml make run" in log
        assert "Traceback" not in log
    finally:
        await process.stop()


async def test_reload_explains_a_bad_field_and_names_the_changed_session(
    tg, tmp_path: Path
) -> None:
    start = now() + timedelta(days=2)
    path = write_event(tmp_path / "e.yaml", [[session("s1", start)]], ["1d"])
    settings = make_settings(tg, tmp_path / "bot.sqlite3", admin_ids=[ADMIN_ID], event_file=path)
    admin = tg.user(first_name="Admin", language_code="id", user_id=ADMIN_ID)
    bot = await RunningBot(settings).start()
    try:
        bad = session("s1", start)
        bad["start"] = "2027-01-11 08:00"  # no time zone
        write_event(path, [[bad]], ["1d"])
        await admin.send("/muatulang")
        refused = await admin.expect("tidak valid")
        assert "Kolom stages[0].sessions[0].start" in refused.text
        assert "zona waktu" in refused.text and "2027-01-11T08:00:00+07:00" in refused.text
        assert "Traceback" not in refused.text and "Value error" not in refused.text
        write_event(path, [[session("s1", start + timedelta(hours=1))]], ["1d"])
        await admin.send("/muatulang")
        done = await admin.expect("dimuat ulang")
        assert "Sesi yang berubah: 1" in done.text and "• Sesi s1:" in done.text
        assert "→" in done.text
    finally:
        await bot.stop()
