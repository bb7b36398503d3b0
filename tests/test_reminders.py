"""Reminders: on time to the right audience, catch-up, no duplicates, muting, late
registration, schedule changes. Sessions are written seconds ahead; the bot is real."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

from schedules.event import load_event
from schedules.reminders import dropped, due
from schedules.timefmt import format_time
from storage import outbox, participants
from storage.db import Database
from tests.conftest import ADMIN_ID
from tests.harness import BotProcess, RunningBot, make_settings
from tests.schedule_helpers import LINK, VENUE, now, seed, session, write_event


def _participant(user_id: int, **fields) -> participants.Participant:
    values = dict(
        user_id=user_id, status="registered", full_name="X", opd_id="dlh", opd_other=None,
        role="tim_pelaksana", dimension="governance", mode="offline", phone=None,
        reminders_muted=False, created_at="", updated_at="", registered_at=None,
    )  # fmt: skip
    values.update(fields)
    return participants.Participant(**values)


def test_planning_picks_audience_by_role_dimension_mode(tmp_path: Path) -> None:
    start = now() + timedelta(hours=2)
    path = write_event(
        tmp_path / "e.yaml",
        [[
            session("gov", start, audience={"dimensions": ["governance"]}),
            session("dewan", start, audience={"roles": ["dewan"], "modes": ["online"]}),
            session("started", now() - timedelta(minutes=5)),
        ]],
        ["1d", "1h", "3h"],
    )  # fmt: skip
    event = load_event(path)
    people = [
        _participant(1),
        _participant(2, dimension="economy"),
        _participant(3, dimension="all", role="dewan", mode="online"),
        _participant(4, role="dewan", mode="offline"),
        _participant(5, reminders_muted=True),
        _participant(6, status="draft"),
    ]
    got = {
        (d.fire.session.id, d.fire.offset, d.participant.user_id) for d in due(event, people, now())
    }
    # 1d and 3h are overdue, 1h is not: only the latest overdue offset (3h) goes out.
    assert got == {("gov", "3h", 1), ("gov", "3h", 3), ("gov", "3h", 4), ("dewan", "3h", 3)}
    assert {d.participant.user_id for d in dropped(event, people, now())} == {1, 2, 3, 4}
    later = now() + timedelta(hours=1, minutes=30)
    assert {(d.fire.offset, d.participant.user_id) for d in due(event, people, later)} >= {
        ("1h", 1)
    }


def _settings(tg, tmp_path: Path, event_file: Path):
    return make_settings(tg, tmp_path / "bot.sqlite3", admin_ids=[ADMIN_ID], event_file=event_file)


async def _seed_all(db_path: Path, people: list[tuple[int, str, dict]]) -> None:
    db = await Database(db_path).open()
    try:
        for user_id, lang, fields in people:
            await seed(db, user_id, lang, registered_ago=timedelta(days=7), **fields)
    finally:
        await db.close()


async def test_reminders_on_time_right_audience_no_duplicates(tg, tmp_path: Path) -> None:
    start = now() + timedelta(seconds=6)
    path = write_event(
        tmp_path / "e.yaml",
        [
            [session("s0", now() - timedelta(minutes=1))],  # already started: skipped
            [session("s1", start, audience={"roles": ["tim_pelaksana", "dewan"]})],
        ],
        ["1h", "3s"],
    )
    offline = tg.user(first_name="Ani", language_code="id", user_id=7001)
    online = tg.user(first_name="Bob", language_code="en", user_id=7002)
    muted = tg.user(first_name="Citra", language_code="id", user_id=7003)
    guide = tg.user(first_name="Dedi", language_code="id", user_id=7004)
    late = tg.user(first_name="Eka", language_code="id", user_id=7005)
    settings = _settings(tg, tmp_path, path)
    await _seed_all(
        settings.database_path,
        [
            (7001, "id", {}),
            (7002, "en", {"role": "dewan", "mode": "online", "dimension": "all"}),
            (7003, "id", {}),
            (7004, "id", {"role": "narasumber"}),
        ],
    )
    db = await Database(settings.database_path).open()
    await participants.set_reminders_muted(db, 7003, True)
    await db.close()
    bot = await RunningBot(settings).start()
    try:
        # Catch-up at start-up: the overdue "1h" reminder, session not started yet.
        first = await offline.expect("Pengingat bimtek", timeout=5)
        assert VENUE in first.text and LINK not in first.text
        en = await online.expect("Workshop reminder", timeout=5)
        assert LINK in en.text and VENUE not in en.text
        # Registers after the 1h reminder's time: gets only the later one.
        await seed(bot.db, 7005, "id")
        # The "3s" reminder, on time.
        second = await offline.expect("Pengingat bimtek", timeout=8)
        assert "Sesi s1" in second.text
        await online.expect("Workshop reminder", timeout=5)
        late_msg = await late.expect("Pengingat bimtek", timeout=5)
        assert "Sesi s1" in late_msg.text
        # Restart in the middle of the session's reminders: nothing is sent again.
        await bot.restart()
        await offline.expect_silence(1.0)
        await late.expect_silence(0.1)
        await muted.expect_silence(0.1)
        await guide.expect_silence(0.1)
        texts = [m.text for m in offline.messages]
        assert len(texts) == 2 and not any("Sesi s0" in t for t in texts)
        assert len(late.messages) == 1
        keys = [
            r["dedupe_key"]
            for r in await bot.db.fetchall("SELECT dedupe_key FROM outbox WHERE kind='reminder'")
        ]
        assert sorted(keys) == sorted(
            [
                "reminder:s1:1h:7001", "reminder:s1:1h:7002",
                "reminder:s1:3s:7001", "reminder:s1:3s:7002", "reminder:s1:3s:7005",
            ]
        )  # fmt: skip
    finally:
        await bot.stop()


async def test_pengingat_toggles_muting(tg, tmp_path: Path) -> None:
    path = write_event(tmp_path / "e.yaml", [[session("s1", now() + timedelta(days=3))]], ["1d"])
    settings = _settings(tg, tmp_path, path)
    await _seed_all(settings.database_path, [(7101, "id", {})])
    user = tg.user(first_name="Fajar", language_code="id", user_id=7101)
    stranger = tg.user(first_name="Gita", language_code="en", user_id=7102)
    bot = await RunningBot(settings).start()
    try:
        await user.send("/pengingat")
        await user.expect("dimatikan")
        assert (await participants.get(bot.db, 7101)).reminders_muted
        await user.send("/pengingat")
        on = await user.expect("dinyalakan kembali")
        assert "dikirim 1 hari sebelum setiap sesi" in on.text  # what was turned on
        assert not (await participants.get(bot.db, 7101)).reminders_muted
        await stranger.send("/pengingat")
        await stranger.expect("registered participants")
    finally:
        await bot.stop()


async def test_schedule_change_announced_once_and_bad_file_changes_nothing(
    tg, tmp_path: Path
) -> None:
    start = now() + timedelta(days=2)
    path = write_event(tmp_path / "e.yaml", [[session("s1", start)]], ["1d"])
    settings = _settings(tg, tmp_path, path)
    await _seed_all(settings.database_path, [(7201, "id", {}), (7202, "en", {"mode": "online"})])
    admin = tg.user(first_name="Admin", language_code="id", user_id=ADMIN_ID)
    offline = tg.user(first_name="Hana", language_code="id", user_id=7201)
    online = tg.user(first_name="Ivan", language_code="en", user_id=7202)
    bot = await RunningBot(settings).start()
    try:
        await offline.send("/muatulang")
        await offline.expect("admin")
        write_event(path, [[session("s1", start + timedelta(hours=2), location="Pendopo")]], ["1d"])
        for _ in range(2):
            await admin.send("/muatulang")
            await admin.expect("dimuat ulang")
        change = await offline.expect("Perubahan jadwal")
        assert "Pendopo" in change.text and VENUE in change.text
        tz = bot.services.event.tz
        assert format_time(start, tz) in change.text
        assert format_time(start + timedelta(hours=2), tz) in change.text
        en = await online.expect("Schedule change")
        assert LINK in en.text
        await offline.expect_silence(0.5)
        assert bot.services.event.stages[0].sessions[0].location == "Pendopo"
        path.write_text("stages: [oops", encoding="utf-8")
        await admin.send("/muatulang")
        await admin.expect("tidak valid")
        assert bot.services.event.stages[0].sessions[0].location == "Pendopo"
        rows = await outbox.counts(bot.db, "schedule_change", "s1")
        assert sum(rows.values()) == 2
    finally:
        await bot.stop()


async def test_cli_reload_request_is_served_by_the_running_bot(tg, tmp_path: Path) -> None:
    start = now() + timedelta(days=2)
    path = write_event(tmp_path / "e.yaml", [[session("s1", start)]], ["1d"])
    settings = _settings(tg, tmp_path, path)
    await _seed_all(settings.database_path, [(7301, "id", {})])
    user = tg.user(first_name="Joko", language_code="id", user_id=7301)
    bot = await RunningBot(settings).start()
    try:
        write_event(path, [[session("s1", start, location="Aula Baru")]], ["1d"])
        env = {
            "BOT_TOKEN": "x",
            "DATABASE_PATH": str(settings.database_path),
            "EVENT_FILE": str(path),
        }
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "bot.py", "event", "reload", "--wait", "8",
            env={**os.environ, **env},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await proc.communicate()
        assert proc.returncode == 0, out.decode()
        assert "Reloaded by the running bot" in out.decode()
        await user.expect("Aula Baru")
    finally:
        await bot.stop()


async def test_no_duplicate_after_sigkill(tg, tmp_path: Path) -> None:
    # Room for two process start-ups (about 2 s each, more on a loaded machine) before the
    # second offset, and for its delivery before the session starts.
    start = now() + timedelta(seconds=16)
    path = write_event(tmp_path / "e.yaml", [[session("k1", start)]], ["1h", "6s"])
    settings = _settings(tg, tmp_path, path)
    await _seed_all(settings.database_path, [(7401, "id", {}), (7402, "id", {})])
    users = [tg.user(first_name=f"U{i}", language_code="id", user_id=i) for i in (7401, 7402)]
    proc = BotProcess(settings).start()
    try:
        for user in users:  # catch-up of the overdue 1h reminder
            await user.expect("Pengingat bimtek", timeout=8)
        # Kill between the two offsets, once the sender has recorded the first batch as sent:
        # a message in flight at the very instant of a SIGKILL is the outbox's known window.
        await _wait_sent(settings.database_path, 2)
        proc.kill()
        proc = BotProcess(settings).start()
        for user in users:  # the 6s reminder, once
            await user.expect("Pengingat bimtek", timeout=15)
        await users[0].expect_silence(1.5)
        for user in users:
            assert len(user.messages) == 2, proc.log()
    finally:
        await proc.stop()


async def _wait_sent(db_path: Path, count: int) -> None:
    db = await Database(db_path).open()
    try:
        for _ in range(100):
            row = await db.fetchone("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")
            if row[0] >= count:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("outbox rows not marked sent")
    finally:
        await db.close()


async def test_unmuting_inside_a_reminder_window_gets_the_due_reminder_once(
    tg, tmp_path: Path
) -> None:
    """Between fire times the check reads only the participants who changed: one who turns
    reminders back on after the fire time still gets the due reminder, once."""
    start = now() + timedelta(minutes=40)
    path = write_event(tmp_path / "e.yaml", [[session("u1", start)]], ["1h"])
    settings = _settings(tg, tmp_path, path)
    await _seed_all(settings.database_path, [(7701, "id", {}), (7702, "id", {})])
    db = await Database(settings.database_path).open()
    await participants.set_reminders_muted(db, 7702, True)
    await db.close()
    on, off = (
        tg.user(first_name=n, language_code="id", user_id=i)
        for n, i in (("On", 7701), ("Off", 7702))
    )
    bot = await RunningBot(settings).start()
    try:
        await on.expect("Pengingat bimtek", timeout=8)  # the catch-up, for everyone at once
        await off.expect_silence(1.0)
        await participants.set_reminders_muted(bot.db, 7702, False)
        await off.expect("Pengingat bimtek", timeout=8)  # read as a changed participant
        await on.expect_silence(4.0)  # later checks add nothing
        await off.expect_silence(0.1)
        assert (len(on.messages), len(off.messages)) == (1, 1)
    finally:
        await bot.stop()


def test_reminder_offsets_are_said_in_words() -> None:
    from handlers.schedule.commands import offsets_text

    assert offsets_text(["1d", "1h"], "id") == "1 hari dan 1 jam"
    assert offsets_text(["2d", "1h", "30m"], "en") == "2 days, 1 hour and 30 minutes"
    assert offsets_text(["90s"], "en") == "90 seconds"
