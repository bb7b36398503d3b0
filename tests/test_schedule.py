"""/jadwal in private and groups, deep link, stage buttons, the .ics file, message splitting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar

import locales
from domain.meeting_links import Viewer
from handlers.schedule.calendar import build_ics
from handlers.schedule.views import render_schedule, split_messages
from schedules.event import load_event
from storage.db import Database
from tests.conftest import ADMIN_ID
from tests.harness import FUTURE_EVENT, RunningBot, make_settings, run_cli
from tests.schedule_helpers import LINK, VENUE, now, seed, session, write_event


def _event_file(tmp_path: Path) -> Path:
    return write_event(
        tmp_path / "e.yaml",
        [
            [session("past1", now() - timedelta(days=30))],
            [
                session("a1", now() + timedelta(days=1), title_en="Day one in English"),
                session("a2", now() + timedelta(days=2), online_url="https://meet.example/x"),
                session("dw", now() + timedelta(days=2), audience={"roles": ["dewan"]}),
            ],
            [session("b1", now() + timedelta(days=30))],
        ],
        ["1d", "1h"],
    )


async def _start(tg, tmp_path: Path) -> RunningBot:
    settings = make_settings(
        tg, tmp_path / "bot.sqlite3", admin_ids=[ADMIN_ID], event_file=_event_file(tmp_path)
    )
    db = await Database(settings.database_path).open()
    await seed(db, 8001, "id", full_name="Rahasia Sekali")
    await seed(db, 8002, "en", mode="online", role="dewan")
    await db.close()
    return await RunningBot(settings).start()


async def test_jadwal_private_offline_english_online_and_group(tg, tmp_path: Path) -> None:
    bot = await _start(tg, tmp_path)
    offline = tg.user(first_name="Rahasia", language_code="id", user_id=8001)
    online = tg.user(first_name="Bob", language_code="en", user_id=8002)
    stranger = tg.user(first_name="Tamu", language_code="id", user_id=8003)
    try:
        await offline.send("/jadwal")
        msg = await offline.expect("Jadwal")
        assert "telah selesai" in msg.text  # past stage, brief
        assert "Sesi past1" not in msg.text
        assert "Berikutnya: Sesi a1" in msg.text and "Day one in English" not in msg.text
        assert VENUE in msg.text and LINK not in msg.text
        assert "Sesi dw" not in msg.text  # not meant for a tim_pelaksana
        assert ["Tambahkan ke kalender"] in msg.buttons
        await online.send("/jadwal")
        en = await online.expect("Schedule of")
        assert LINK in en.text and VENUE not in en.text and "Sesi dw" in en.text
        assert "finished" in en.text
        # English titles where the event file has them, Indonesian where it does not.
        assert "Day one in English" in en.text and "Sesi a1" not in en.text
        assert "Sesi a2" in en.text
        # Unregistered: the venue, and instead of the link where it is sent.
        await stranger.send("/start jadwal")
        both = await stranger.expect("Jadwal")
        assert VENUE in both.text and LINK not in both.text and "meet.example" not in both.text
        assert "khusus untuk peserta terdaftar" in both.text
        # Group: no personal details, no calendar button.
        group = tg.group()
        await offline.send("/jadwal", chat=group)
        in_group = await offline.expect("Jadwal", chat=group)
        assert "Rahasia" not in in_group.text
        assert VENUE in in_group.text and LINK not in in_group.text
        assert "jdw:ics" not in in_group.button_data
        # A stage button opens that stage in full, even a past one.
        await offline.press("Tahap I")
        full = await offline.expect("Sesi past1")
        assert "Tahap 1" in full.text
        # Forged stage number.
        answer = await offline.press_data("jdw:stage:99")
        assert answer is not None and "tidak berlaku" in (answer.text or "")
    finally:
        await bot.stop()


async def test_calendar_file_parsed_back(tg, tmp_path: Path) -> None:
    bot = await _start(tg, tmp_path)
    offline = tg.user(first_name="Rahasia", language_code="id", user_id=8001)
    try:
        await offline.send("/jadwal")
        await offline.expect("Jadwal")
        await offline.press("Tambahkan ke kalender")
        doc = await offline.expect("kalender")
        assert doc.document is not None and doc.document.filename.endswith(".ics")
        cal = Calendar.from_ical(doc.document.content)
        zones = [str(z["TZID"]) for z in cal.walk("VTIMEZONE")]
        assert zones == ["Asia/Jakarta"]
        events = cal.walk("VEVENT")
        assert {str(e["SUMMARY"]).split(" – ")[1] for e in events} == {
            "Sesi past1", "Sesi a1", "Sesi a2", "Sesi b1",
        }  # fmt: skip
        for item in events:
            assert item["DTSTART"].dt.tzinfo is not None
            assert str(item["DTSTART"].params["TZID"]) == "Asia/Jakarta"
            assert str(item["LOCATION"]) == VENUE
            triggers = sorted(a["TRIGGER"].dt for a in item.walk("VALARM"))
            assert triggers == [-timedelta(days=1), -timedelta(hours=1)]
        # UIDs are stable: the same after a reload with changed times.
        uids = {str(e["UID"]) for e in events}
        assert len(uids) == 4
        shifted = [[session("a1", now() + timedelta(days=3), location="Pendopo")]]
        moved = load_event(write_event(tmp_path / "moved.yaml", shifted, ["1d"]))
        again = Calendar.from_ical(build_ics(moved, None, "id")).walk("VEVENT")
        assert str(again[0]["UID"]) in uids and str(again[0]["LOCATION"]) == "Pendopo"
    finally:
        await bot.stop()


def test_a_group_schedule_is_short_the_next_stage_in_full_and_the_link_note_once() -> None:
    event = load_event(FUTURE_EVENT)
    before = datetime(2026, 12, 1, tzinfo=UTC)
    hidden = locales.plain("id", "schedule.link_hidden").strip()
    (group,) = render_schedule(event, before, "id", Viewer(private=False))
    assert len(group) < 1500 and hidden not in group
    assert group.count(locales.plain("id", "schedule.links_group")) == 1
    assert "Hari 1, pembukaan" in group and "Hari 1, pemetaan" not in group  # Tahap II: a line
    assert "<b>Tahap II: Pemetaan Program</b> — Senin, 8 Februari 2027" in group
    assert "💻 Daring\n" in group  # the online-only session still says it is online
    private = "\n".join(render_schedule(event, before, "id", Viewer(private=True)))
    assert "Hari 1, pemetaan" in private and hidden in private


def test_long_schedules_are_split_below_telegram_limit(tmp_path: Path) -> None:
    sessions = [
        [session(f"s{i}-{j}", now() + timedelta(days=i * 10 + j)) for j in range(30)]
        for i in range(4)
    ]
    event = load_event(write_event(tmp_path / "big.yaml", sessions, ["1d"]))
    messages = render_schedule(event, now(), "id", Viewer(private=True))
    assert len(messages) > 1
    assert all(len(m) < 4096 for m in messages)
    joined = "\n\n".join(messages)
    assert all(f"Sesi s{i}-{j}" in joined for i in range(4) for j in range(30))
    assert split_messages(["a" * 10, "b" * 10], limit=15) == ["a" * 10, "b" * 10]


async def test_a_stage_view_gives_that_stage_s_calendar_and_the_whole_schedule_button_all(
    tg, tmp_path: Path
) -> None:
    bot = await _start(tg, tmp_path)
    offline = tg.user(first_name="Rahasia", language_code="id", user_id=8001)

    def summaries(document) -> set[str]:
        events = Calendar.from_ical(document.content).walk("VEVENT")
        return {str(e["SUMMARY"]).split(" – ")[1] for e in events}

    try:
        await offline.send("/jadwal")
        await offline.expect("Jadwal")
        await offline.press("Tahap II")
        view = await offline.expect("Sesi a1")
        assert ["Tambahkan Tahap II ke kalender"] in view.buttons
        assert ["Tambahkan seluruh jadwal ke kalender"] in view.buttons
        await offline.press("Tambahkan Tahap II ke kalender")
        one = await offline.expect("kalender")
        assert one.document.filename == "jadwal-bimtek-tahap-2.ics"
        assert summaries(one.document) == {"Sesi a1", "Sesi a2"}  # "dw" is for the council
        await offline.press("Tambahkan seluruh jadwal ke kalender", view)
        whole = await offline.expect("kalender")
        assert whole.document.filename == "jadwal-bimtek.ics"
        assert summaries(whole.document) == {"Sesi past1", "Sesi a1", "Sesi a2", "Sesi b1"}
        answer = await offline.press_data("jdw:ics:99", view)  # a stage that does not exist
        assert answer is not None and "tidak berlaku" in (answer.text or "")
    finally:
        await bot.stop()


def test_python_bot_py_schedule_prints_the_schedule_and_nothing_else(tmp_path: Path) -> None:
    event_file = _event_file(tmp_path)
    done = run_cli(
        "schedule", EVENT_FILE=str(event_file), DATABASE_PATH=str(tmp_path / "s.sqlite3")
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Bimtek Penyusunan Masterplan Smart City")
    assert any("Sesi a1" in line for line in lines)
    # The log (a fresh database's migrations) goes to stderr, never into the printed schedule.
    assert "migration" in done.stderr
    assert not any(word in done.stdout for word in ("INFO", "WARNING", "migration"))
