"""Meeting links are for registered participants, in their private chat: /jadwal and its
stage buttons, the FAQ answers (private and group) and the .ics show the link only to a
registered participant with consent in force; everyone else, and every group, reads that it
is sent to registered participants in the private chat, with a button there. Reminders (which
carry the link) go only to registered participants with consent."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from icalendar import Calendar

import locales
from domain.faq.book import load_books
from domain.privacy import delete_user_data, give_consent
from localtg import BotMessage, SimUser
from storage import participants, users
from storage.db import Database
from tests.conftest import ADMIN_ID
from tests.harness import RunningBot, make_settings
from tests.schedule_helpers import LINK, VENUE, now, seed, session, write_event

ONLINE_ONLY = "https://zoom.us/j/555000111"  # a session with no venue, only a link
NOTE_PRIVATE = locales.plain("id", "schedule.links_private")
NOTE_GROUP = locales.plain("id", "schedule.links_group")
OPEN_PRIVATE = locales.plain("id", "common.open_private")
REGISTER = locales.plain("id", "schedule.links_register_button")

PARTICIPANT = 8101  # registered, consent in force: the only one who sees the links
NO_CONSENT = 8102  # registered, but no consent in force
DRAFT = 8103  # gave consent, never finished registering
ERASED = 8104  # registered, then deleted their data (/hapusdata)
STRANGER = 8105  # has only talked to the bot
NOT_ENTITLED = (NO_CONSENT, DRAFT, ERASED, STRANGER)


def _event_file(tmp_path: Path, first_start, offsets: list[str]) -> Path:
    return write_event(
        tmp_path / "e.yaml",
        [
            [
                session("a1", first_start),
                session(
                    "on", first_start + timedelta(hours=3), location="", online_url=ONLINE_ONLY
                ),
            ],
            [session("b1", now() + timedelta(days=30))],
        ],
        offsets,
    )


async def _seed_people(db_path: Path) -> None:
    db = await Database(db_path).open()
    try:
        await seed(db, PARTICIPANT, mode="online", registered_ago=timedelta(days=7))
        await seed(db, NO_CONSENT, registered_ago=timedelta(days=7), consent=False)
        await give_consent(db, DRAFT, "id")
        await participants.update(db, DRAFT, full_name="Belum Selesai", mode="online")
        await seed(db, ERASED, mode="online", registered_ago=timedelta(days=7))
        assert await delete_user_data(db, ERASED)
        await users.touch(db, STRANGER, "id")
    finally:
        await db.close()


async def _start(tg, tmp_path: Path, first_start, offsets: list[str]) -> RunningBot:
    path = _event_file(tmp_path, first_start, offsets)
    settings = make_settings(tg, tmp_path / "bot.sqlite3", admin_ids=[ADMIN_ID], event_file=path)
    await _seed_people(settings.database_path)
    return await RunningBot(settings).start()


def _links_in(text: str) -> bool:
    return LINK in text or ONLINE_ONLY in text


def _url_button(msg: BotMessage, label: str) -> str:
    button = msg.find_button(label)
    assert button is not None and "url" in button, msg
    return button["url"]


def _payload(url: str) -> str:
    return parse_qs(urlsplit(url).query)["start"][0]


async def _calendar(user: SimUser, label: str = "Tambahkan ke kalender") -> tuple[Calendar, str]:
    """The .ics the calendar button sends, parsed and as text (folded lines unfolded)."""
    await user.press(label)
    doc = await user.expect("kalender")
    assert doc.document is not None
    text = doc.document.content.decode("utf-8").replace("\r\n ", "")
    return Calendar.from_ical(doc.document.content), text


async def _withheld_everywhere(user: SimUser) -> None:
    """Someone not entitled, in the private chat: no link in /jadwal, a stage, the FAQ or the
    .ics; the note says where it is sent, and a button offers registration."""
    await user.send("/jadwal")
    schedule = await user.expect("Jadwal")
    assert VENUE in schedule.text and not _links_in(schedule.text)
    assert NOTE_PRIVATE in schedule.text and "Daring: tautan khusus" in schedule.text
    assert _payload(_url_button(schedule, REGISTER)) == "daftar"
    await user.press("Tahap I", schedule)
    stage = await user.expect("Sesi on")
    assert not _links_in(stage.text) and NOTE_PRIVATE in stage.text
    cal, text = await _calendar(user, "Tambahkan seluruh jadwal ke kalender")  # a stage's view
    assert not _links_in(text)
    for item in cal.walk("VEVENT"):
        assert "URL" not in item
        assert not _links_in(str(item.get("LOCATION", "")) + str(item.get("DESCRIPTION", "")))
    online_only = next(e for e in cal.walk("VEVENT") if "Sesi on" in str(e["SUMMARY"]))
    assert str(online_only["LOCATION"]) == "Daring"
    assert "peserta terdaftar" in str(online_only["DESCRIPTION"])
    await user.send("link zoomnya mana pak?")
    answer = await user.expect("Tautan rapat daring bimtek")
    assert not _links_in(answer.text) and "khusus untuk peserta terdaftar" in answer.text


async def test_links_only_for_registered_participants_in_private(tg, tmp_path: Path) -> None:
    bot = await _start(tg, tmp_path, now() + timedelta(days=1), ["1d"])
    ani = tg.user(first_name="Ani", language_code="id", user_id=PARTICIPANT)
    others = [tg.user(first_name=f"Tamu {n}", user_id=n) for n in NOT_ENTITLED]
    try:
        # Everyone not entitled at once: each private chat has its own rate budget.
        checks = [_withheld_everywhere(user) for user in others]
        outcomes = await asyncio.gather(*checks, return_exceptions=True)
        failures = [f"{u.id}: {o}" for u, o in zip(others, outcomes, strict=True) if o]
        assert not failures, "\n\n".join(failures)

        # The registered participant, in the private chat: the links, in every view.
        await ani.send("/jadwal")
        mine = await ani.expect("Jadwal")
        assert LINK in mine.text and ONLINE_ONLY in mine.text
        assert NOTE_PRIVATE not in mine.text and mine.find_button(REGISTER) is None
        cal, _ = await _calendar(ani)
        assert {str(e["URL"]) for e in cal.walk("VEVENT")} == {LINK, ONLINE_ONLY}
        await ani.send("link zoomnya mana pak?")
        await ani.expect(LINK)

        # In a group, even for her: no link, the note and a button to the private chat.
        group = tg.group("Peserta Bimtek")
        await ani.send("/jadwal", chat=group)
        in_group = await ani.expect("Jadwal", chat=group)
        assert not _links_in(in_group.text) and NOTE_GROUP in in_group.text
        # Said once, in the footer: not again under every session (a phone's screen).
        assert locales.plain("id", "schedule.link_hidden").strip() not in in_group.text
        assert in_group.text.count("peserta terdaftar") == 1
        assert "jdw:ics" not in in_group.button_data
        deep_link = _url_button(in_group, OPEN_PRIVATE)
        assert deep_link == f"https://t.me/{tg.bot_username}?start=jadwal"
        await ani.press("Tahap I", in_group)
        stage = await ani.expect("Sesi on", chat=group)
        assert not _links_in(stage.text) and NOTE_GROUP in stage.text
        assert stage.text.count("peserta terdaftar") == 1
        assert stage.find_button(OPEN_PRIVATE) is not None
        await ani.send("@bimtek_test_bot link zoomnya mana?", chat=group)
        answer = await ani.expect("Tautan rapat daring bimtek", chat=group)
        assert not _links_in(answer.text) and "chat pribadi" in answer.text
        await ani.send("/faq", chat=group)
        await ani.expect("Pertanyaan yang sering diajukan", chat=group)
        await ani.press("Jadwal & tempat", chat=group)
        await ani.expect("Silakan pilih pertanyaan", chat=group)
        await ani.press(load_books()["id"].get("daring").question, chat=group)
        daring = await ani.expect("hybrid", chat=group)
        assert not _links_in(daring.text)

        # The group's button opens /jadwal in her private chat: with the link.
        await ani.send(f"/start {_payload(deep_link)}")
        followed = await ani.expect("Jadwal")
        assert LINK in followed.text
    finally:
        await bot.stop()


async def test_reminders_only_to_registered_participants_with_consent(tg, tmp_path: Path) -> None:
    bot = await _start(tg, tmp_path, now() + timedelta(seconds=6), ["3s"])
    ani = tg.user(first_name="Ani", language_code="id", user_id=PARTICIPANT)
    others = [tg.user(first_name=f"Tamu {n}", user_id=n) for n in NOT_ENTITLED]
    try:
        reminder = await ani.expect("Pengingat bimtek", timeout=8)
        assert "Sesi a1" in reminder.text and LINK in reminder.text
        await ani.expect_silence(0.5)
        for user in others:
            assert user.messages == []
        rows = await bot.db.fetchall("SELECT chat_id FROM outbox WHERE kind = 'reminder'")
        assert [r["chat_id"] for r in rows] == [PARTICIPANT]
    finally:
        await bot.stop()
