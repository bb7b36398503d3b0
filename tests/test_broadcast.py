"""Announcements end to end (/umumkan, /siaran): the real bot against localtg, with
Telegram's flood limits enforced by the fake server."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

import locales
from storage import audit, broadcasts, consents, participants, staff, users
from tests.conftest import ADMIN_ID, ORGANISER_ID
from tests.harness import FUTURE_EVENT, BotProcess, RunningBot, future_event, make_settings
from tests.seeding import registered

EVENT = future_event()
DIMENSION = {d.id: d.name for d in EVENT.dimensions}
OPD = {o.id: o.short_name for o in EVENT.opds}  # the buttons show short names


def label(key: str, **values: object) -> str:
    """A button of /umumkan, from the locale catalogue."""
    return locales.plain("id", f"broadcast.{key}", **values)


# (user id, role, dimension, OPD, attendance mode)
PEOPLE = [
    (810001, "tim_pelaksana", "governance", "diskominfo", "offline"),
    (810002, "tim_pelaksana", "branding", "disparbud", "offline"),
    (810003, "tim_pelaksana", "economy", "dkpp", "online"),
    (810004, "dewan", "all", "bappeda", "online"),
    (810005, "narasumber", "all", None, "online"),
    (810006, "tim_pelaksana", "environment", "dlh", "offline"),
]
DRAFT_ONLY = 810007  # started registering, never finished
WITHDRAWN = 810008  # registered, then withdrew consent
COUNT = re.compile(r"Jumlah penerima: (\d+) orang")


async def seed(db, tg, people=PEOPLE) -> dict[int, object]:
    """Registered participants with consent, as the registration flow leaves them."""
    sims = {}
    for user_id, role, dimension, opd, mode in people:
        await registered(db, user_id, opd_id=opd, role=role, dimension=dimension, mode=mode)
        sims[user_id] = tg.user(first_name=f"P{user_id}", language_code="id", user_id=user_id)
    return sims


async def seed_excluded(db, tg) -> None:
    """A draft registration and a withdrawn consent: neither may receive anything."""
    await seed(db, tg, [(WITHDRAWN, "tim_pelaksana", "economy", "dkpp", "online")])
    await consents.withdraw(db, WITHDRAWN)
    await users.touch(db, DRAFT_ONLY, "id")
    await participants.start_draft(db, DRAFT_ONLY)
    tg.user(first_name="Draft", language_code="id", user_id=DRAFT_ONLY)


async def choose_audience(org, kind: str, picks=(), single: str | None = None) -> int:
    """Walk /umumkan up to the message prompt; return the recipient count shown. `kind` is
    the audience type ("all", "dimensions", "role", "opds", "mode", "stage")."""
    await org.send("/umumkan")
    await org.expect("Kepada siapa")
    await org.press(label(f"aud_{kind}"))
    if picks or single is not None:
        await org.expect("Silakan pilih")
    for pick in picks:
        await org.press("▫️ " + pick)
        await org.expect("Jumlah penerima")  # the menu shows the choice and the count
    if picks:
        await org.press(label("btn_next"))
    if single is not None:
        await org.press(single)
    prompt = await org.expect("Silakan kirim isi pengumuman")
    return int(COUNT.search(prompt.text).group(1))


async def send_now(org, text: str) -> None:
    """From the message prompt: the text, the preview, Kirim, Kirim sekarang, the report."""
    await org.send(text)
    await org.expect("Kirim pengumuman di atas")
    await org.press(label("btn_send"))
    await org.expect("Kirim sekarang atau jadwalkan")
    await org.press(label("btn_now"))


async def wait_for(predicate, within: float = 15.0) -> None:
    """Poll a condition on the fake server's record (it has no event to wait on)."""
    for _ in range(int(within / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"condition not reached within {within} s")


HEADERS = {  # as recipients read it (the bold is an entity)
    lang: re.sub(r"</?b>", "", locales.plain(lang, "broadcast.header"))
    for lang in locales.LANGUAGES
}


def received(tg, user_id: int) -> list[str]:
    """What the announcements said, below their header (which each must start with)."""
    bodies = []
    for m in tg.sent_messages(user_id):
        head, _, body = m.content.partition("\n\n")
        assert head in HEADERS.values(), m.content
        bodies.append(body)
    return bodies


def stage_event_file(tmp_path: Path) -> Path:
    """The demo event, with stage 4 for the council and the guides only."""
    data = yaml.safe_load(FUTURE_EVENT.read_text(encoding="utf-8"))
    stage = next(s for s in data["stages"] if s["number"] == 4)
    for session in stage["sessions"]:
        session["audience"] = {"roles": ["dewan", "narasumber"]}
    path = tmp_path / "event.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


async def test_every_audience_choice_reaches_exactly_its_people(tg, tmp_path) -> None:
    tg.enforce_limits = True
    settings = make_settings(
        tg,
        tmp_path / "db.sqlite3",
        admin_ids=[ADMIN_ID],
        organiser_ids=[ORGANISER_ID],
        event_file=stage_event_file(tmp_path),
    )
    bot = await RunningBot(settings).start()
    try:
        await seed(bot.db, tg)
        await seed_excluded(bot.db, tg)
        organiser_ids = [ADMIN_ID, ORGANISER_ID, 900011, 900012, 900013, 900014]
        for extra in organiser_ids[2:]:
            await staff.add_organiser(bot.db, extra, ADMIN_ID)
        orgs = [
            tg.user(first_name=f"Panitia{i}", language_code="id", user_id=i) for i in organiser_ids
        ]
        cases = [
            # (audience button, toggles, single choice, expected recipients)
            ("all", (), None, {810001, 810002, 810003, 810004, 810005, 810006}),
            (
                "dimensions",
                (DIMENSION["economy"], DIMENSION["environment"]),
                None,
                {810003, 810006, 810004, 810005},  # "all dimensions" belong to every group
            ),
            ("role", (), locales.plain("id", "registration.role_dewan"), {810004}),
            ("opds", (OPD["disparbud"], OPD["dlh"]), None, {810002, 810006}),
            ("mode", (), label("aud_desc_online"), {810003, 810004, 810005}),
            ("stage", (), EVENT.stage(4).title_in("id"), {810004, 810005}),
        ]

        async def announce(org, case, n: int) -> None:
            kind, picks, single, expected = case
            shown = await choose_audience(org, kind, picks, single)
            assert shown == len(expected), (kind, shown)
            await send_now(org, f"Pengumuman uji nomor {n}")
            report = await org.expect("Laporan pengumuman", timeout=20)
            assert f"Terkirim: {len(expected)} dari {len(expected)}" in report.text

        await asyncio.gather(
            *(announce(o, c, n) for n, (o, c) in enumerate(zip(orgs, cases, strict=True)))
        )
        for user_id, *_ in PEOPLE:
            wanted = {f"Pengumuman uji nomor {n}" for n, c in enumerate(cases) if user_id in c[3]}
            got = received(tg, user_id)
            assert sorted(got) == sorted(wanted), (user_id, got)
        assert received(tg, WITHDRAWN) == [] and received(tg, DRAFT_ONLY) == []
        assert tg.limit_violations() == []
        logged = await audit.entries(bot.db, "broadcast.send")
        assert sorted(e["actor_id"] for e in logged) == sorted(organiser_ids)
    finally:
        await bot.stop()


async def test_preview_is_what_recipients_get_and_edit_replaces_it(tg, bot, organiser) -> None:
    sims = await seed(bot.db, tg, PEOPLE[:2])
    assert await choose_audience(organiser, "all") == 2
    await users.choose_language(bot.db, PEOPLE[1][0], "en")  # the header in her language
    text = "Kelompok Smart Branding: bawa Renstra besok <08.00>"
    bold = {"type": "bold", "offset": 0, "length": 24}
    tg.user_message(organiser, organiser.id, {"text": text, "entities": [bold]})
    await organiser.expect("Pratinjau")
    preview = await organiser.expect(text)
    # The header first, as recipients get it ("📢 Pengumuman panitia", bold), then the text.
    header = HEADERS["id"] + "\n\n"
    assert preview.text == header + text
    shift = locales.utf16_length(header)
    assert preview.entities == [
        {"type": "bold", "offset": 3, "length": locales.utf16_length(HEADERS["id"]) - 3},
        {**bold, "offset": shift},
    ]
    await organiser.expect("Kirim pengumuman di atas")
    # Ubah: a different message (a photo with a caption) replaces the first.
    await organiser.press(label("btn_edit"))
    await organiser.expect("isi pengumuman yang baru")
    await organiser.send_photo(caption="Denah Ruang Tengger")
    photo_preview = await organiser.expect("Denah Ruang Tengger")
    assert photo_preview.kind == "photo"
    assert photo_preview.caption == HEADERS["id"] + "\n\nDenah Ruang Tengger"
    await organiser.expect("Kirim pengumuman di atas")
    await organiser.press(label("btn_send"))
    await organiser.expect("Kirim sekarang atau jadwalkan")
    await organiser.press(label("btn_now"))
    await organiser.expect("Laporan pengumuman", timeout=15)
    for user_id, sim in sims.items():
        (got,) = sim.messages
        lang = "en" if user_id == PEOPLE[1][0] else "id"
        assert got.kind == "photo" and got.caption == HEADERS[lang] + "\n\nDenah Ruang Tengger"
        assert got.photo.file_id == photo_preview.photo.file_id


async def test_bad_content_and_cancel_send_nothing(tg, bot, organiser) -> None:
    sims = await seed(bot.db, tg, PEOPLE[:2])
    await choose_audience(organiser, "all")
    await organiser.send_sticker()
    await organiser.expect("berupa teks, foto, atau dokumen")
    await organiser.send("Rapat dibatalkan")
    await organiser.expect("Kirim pengumuman di atas")
    await organiser.press(label("btn_cancel"))
    await organiser.expect("pengumuman dibatalkan")
    # /batal in the middle of the flow, too.
    await choose_audience(organiser, "all")
    await organiser.send("/batal")
    await organiser.expect("pengumuman dibatalkan")
    await organiser.wait_idle(0.3)
    assert await broadcasts.recent(bot.db, 10) == []
    assert all(sim.messages == [] for sim in sims.values())


async def test_scheduled_send_list_and_cancel(tg, bot, organiser) -> None:
    sims = await seed(bot.db, tg, PEOPLE[:3])
    await choose_audience(organiser, "all")
    await organiser.send("Besok bawa Renstra")
    await organiser.expect("Kirim pengumuman di atas")
    await organiser.press(label("btn_send"))
    await organiser.expect("Kirim sekarang atau jadwalkan")
    await organiser.send("kirim pada besok 07.30")
    await organiser.expect("Jadwalkan pengumuman pada")
    await organiser.press(label("btn_schedule_yes"))
    await organiser.expect("dijadwalkan pada")
    # A second one on a ready-made time, to be cancelled.
    await choose_audience(organiser, "all")
    await organiser.send("Pengumuman yang batal")
    await organiser.expect("Kirim pengumuman di atas")
    await organiser.press(label("btn_send"))
    await organiser.expect("Kirim sekarang atau jadwalkan")
    await organiser.press(re.compile("^🕒 .*16[.:]00"))
    second = await organiser.expect("dijadwalkan pada")
    second_id = int(re.search(r"#(\d+)", second.text).group(1))

    await organiser.send("/siaran")
    listing = await organiser.expect("Pengumuman")
    assert "Besok bawa Renstra" in listing.text and "terjadwal" in listing.text
    await organiser.press(f"Batalkan #{second_id}", listing)
    await organiser.expect("dibatalkan (jadwal")
    assert (await broadcasts.get(bot.db, second_id)).status == "cancelled"
    await organiser.wait_idle(0.5)
    assert all(sim.messages == [] for sim in sims.values())  # nothing before its time

    bot.services.clock.shift(timedelta(days=2))
    bot.services.broadcasts.wake()
    await organiser.expect("Laporan pengumuman", timeout=15)
    for sim in sims.values():
        assert received(tg, sim.id) == ["Besok bawa Renstra"]
    assert (await audit.entries(bot.db, "broadcast.cancel"))[0]["actor_id"] == organiser.id


async def test_blocked_recipients_are_reported_and_come_back_with_start(tg, bot, organiser) -> None:
    sims = await seed(bot.db, tg, PEOPLE[:3])
    blocker = sims[810002]
    tg.block(blocker, notify=False)  # the bot only learns it from the 403
    await choose_audience(organiser, "all")
    await send_now(organiser, "Materi sesi 1 sudah diunggah")
    report = await organiser.expect("Laporan pengumuman", timeout=15)
    assert "Terkirim: 2 dari 3" in report.text and "Telah memblokir bot: 1" in report.text
    assert not await users.is_active(bot.db, blocker.id)
    # The next announcement says so before sending, and skips them without trying.
    sends_before = len(tg.calls("sendMessage", blocker.id))
    assert await choose_audience(organiser, "all") == 3
    assert "1 di antaranya telah memblokir bot" in organiser.messages[-1].text
    await send_now(organiser, "Pengumuman kedua")
    await organiser.expect("Laporan pengumuman", timeout=15)
    assert len(tg.calls("sendMessage", blocker.id)) == sends_before
    # Unblocking and /start make them reachable again.
    tg.unblock(blocker, notify=False)
    await blocker.send("/start")
    await blocker.expect("Selamat datang")
    assert await users.is_active(bot.db, blocker.id)


async def test_block_notice_from_telegram_marks_inactive(tg, bot) -> None:
    sims = await seed(bot.db, tg, PEOPLE[:1])
    tg.block(sims[810001])  # Telegram sends my_chat_member "kicked"
    await wait_for(lambda: tg.pending_updates == [])
    await asyncio.sleep(0.2)
    assert not await users.is_active(bot.db, 810001)


async def test_storm_of_429_and_5xx_lose_nothing(tg, bot, organiser) -> None:
    tg.enforce_limits = True
    people = [(820000 + i, "tim_pelaksana", "economy", "dkpp", "offline") for i in range(40)]
    await seed(bot.db, tg, people)
    await choose_audience(organiser, "all")
    await organiser.send("Ruang pindah ke Aula Diskominfo")
    await organiser.expect("Kirim pengumuman di atas")
    await organiser.press(label("btn_send"))
    await organiser.expect("Kirim sekarang atau jadwalkan")
    tg.inject_retry_after("sendMessage", retry_after=1, times=15)
    tg.inject_error("sendMessage", 502, times=4)
    await organiser.press(label("btn_now"))
    started = await organiser.expect("mulai dikirim")
    assert "semua peserta terdaftar (40 orang)" in started.text and not started.inline_keyboard
    report = await organiser.expect("Laporan pengumuman", timeout=30)
    assert "Terkirim: 40 dari 40" in report.text and "Gagal: 0" in report.text
    await organiser.wait_idle()
    ends = [m for m in organiser.messages if m.content.startswith(("Pengumuman #", "Laporan"))]
    # One message, edited as sending goes on and at last into the report: no second one.
    assert len(ends) == 1 and ends[0].content.startswith("Laporan pengumuman #")
    for user_id, *_ in people:
        assert received(tg, user_id) == ["Ruang pindah ke Aula Diskominfo"]
    assert tg.limit_violations() == []


async def test_sigkill_in_the_middle_resumes_without_missing_anyone(tg, settings) -> None:
    from storage.db import Database

    tg.enforce_limits = True
    people = [(830000 + i, "dewan", "all", "bappeda", "online") for i in range(150)]
    db = await Database(settings.database_path).open()
    await seed(db, tg, people)
    await db.close()
    organiser = tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
    text = "Tautan Zoom hari 2 berubah"
    delivered = lambda: sum(1 for uid, *_ in people if received(tg, uid))  # noqa: E731

    proc = BotProcess(settings).start()
    try:
        await organiser.send("/umumkan")
        await organiser.expect("Kepada siapa", timeout=15)
        await organiser.press(label("aud_all"))
        await organiser.expect("Silakan kirim isi pengumuman")
        await send_now(organiser, text)
        await wait_for(lambda: delivered() >= 30, within=20)
        proc.kill()
        assert delivered() < len(people)  # really in the middle
        proc = BotProcess(settings).start()
        await wait_for(lambda: delivered() == len(people), within=30)
        await organiser.expect("Laporan pengumuman", timeout=15)
    finally:
        await proc.stop()
    copies = [len(received(tg, uid)) for uid, *_ in people]
    assert all(c >= 1 for c in copies)
    # Only the messages in flight at the moment of the kill may arrive twice.
    assert sum(copies) - len(people) <= 40
    assert all(set(received(tg, uid)) == {text} for uid, *_ in people)
    assert tg.limit_violations() == []


async def test_roles_are_checked_on_commands_and_buttons(tg, bot, organiser) -> None:
    await seed(bot.db, tg, PEOPLE[:2])
    participant = tg.get_user(810001)
    for command in ("/umumkan", "/siaran"):
        await participant.send(command)
        await participant.expect("hanya untuk panitia")
    # A scheduled announcement, then forged buttons from a participant.
    await choose_audience(organiser, "all")
    await organiser.send("Pengumuman rahasia panitia")
    await organiser.expect("Kirim pengumuman di atas")
    await organiser.press(label("btn_send"))
    await organiser.expect("Kirim sekarang atau jadwalkan")
    await organiser.press(re.compile("^🕒 "))
    scheduled = await organiser.expect("dijadwalkan pada")
    broadcast_id = int(re.search(r"#(\d+)", scheduled.text).group(1))
    target = participant.messages[-1]  # any message in their own chat
    for data in (f"bc:c:{broadcast_id}", "bc:a:all", "bc:now", "bc:go"):
        answer = await participant.press_data(data, target)
        assert "hanya untuk panitia" in answer.text
    assert (await broadcasts.get(bot.db, broadcast_id)).status == "scheduled"
    # An organiser's button from the menu that made it does nothing either, and says so.
    answer = await organiser.press_data("bc:now", scheduled)
    assert answer.text == label("already_made", id=broadcast_id)
    assert (await broadcasts.get(bot.db, broadcast_id)).status == "scheduled"
    # In a group the command points to the private chat.
    group = tg.group()
    await organiser.send("/umumkan@bimtek_test_bot", chat=group)
    await organiser.expect("chat pribadi", chat=group)


async def test_forged_stale_and_wrong_input_change_nothing(tg, bot, organiser) -> None:
    sims = await seed(bot.db, tg, PEOPLE[:2])
    await organiser.send("/umumkan")
    menu = await organiser.expect("Kepada siapa")
    for data in ("bc:a:nope", "bc:t:governance", "bc:go", "bc:c:²", "bc:c:99999999999999999999"):
        answer = await organiser.press_data(data, menu)
        assert "tidak berlaku" in answer.text, data
    await organiser.press("Per dimensi (boleh lebih dari satu)")
    await organiser.expect("Silakan pilih")
    for data in ("bc:t:nope", "bc:ok", "bc:s:dewan"):  # unknown, nothing picked, other step
        answer = await organiser.press_data(data, menu)
        assert "tidak berlaku" in answer.text, data
    await organiser.send("apa saja boleh")
    await organiser.expect("gunakan tombol")
    await organiser.send("Smart Economy")  # a button's label, typed: that button
    await organiser.expect("Pilihan: Smart Economy")
    toggled = await organiser.expect("Jumlah penerima")
    assert "✅ Smart Economy" in [b for row in toggled.buttons for b in row]
    await organiser.press("« Kembali")
    await organiser.expect("Kepada siapa")
    await organiser.press("Semua peserta terdaftar")
    await organiser.expect("Silakan kirim isi pengumuman")
    await organiser.send("/tidakada")
    await organiser.expect("perintah itu tidak dikenal")
    await organiser.send("Pengumuman uji")
    await organiser.expect("Kirim pengumuman di atas")
    answer = await organiser.press_data("bc:x", menu)  # the compose menu, now stale
    assert "tidak berlaku" in answer.text
    await organiser.press("✅ Ya, pilih waktu kirim")
    await organiser.expect("Kirim sekarang atau jadwalkan")
    for data in ("bc:at:²", "bc:at:-5", "bc:at:999999999999999999"):
        answer = await organiser.press_data(data)
        assert "tidak berlaku" in answer.text, data
    await organiser.send_sticker()
    await organiser.expect("waktu itu belum saya pahami")
    await organiser.wait_idle(0.3)
    assert await broadcasts.recent(bot.db, 10) == []
    assert all(sim.messages == [] for sim in sims.values())
    await organiser.press("🚀 Kirim sekarang")
    await organiser.expect("Laporan pengumuman", timeout=15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kirim pada Senin 08.00", "2026-11-30 08:00"),
        ("besok 7.30", "2026-11-29 07:30"),
        ("12/1 08.00", "2027-01-12 08:00"),
        ("12 Januari 2027 pukul 09.15", "2027-01-12 09:15"),
        ("tomorrow 8:00", "2026-11-29 08:00"),
        ("Senin 09.00 WITA", "2026-11-30 08:00"),  # shown in WIB
        ("besok 10.00 WIT", "2026-11-29 08:00"),
        ("kapan-kapan saja", None),
    ],
)
def test_typed_times_are_understood_or_refused(text: str, expected: str | None) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from schedules.whenparse import parse_when

    tz = ZoneInfo("Asia/Jakarta")
    now = datetime(2026, 11, 28, 12, 0, tzinfo=tz)  # a Saturday
    moment = parse_when(text, now, tz)
    shown = moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else None
    assert shown == expected


async def test_second_press_of_kirim_sekarang_makes_nothing_twice(tg, bot, organiser) -> None:
    """ "Kirim sekarang" pressed again on its menu (the reply lost after the announcement
    was committed): one announcement, one copy each, and the organiser is told so."""
    sims = await seed(bot.db, tg, PEOPLE[:2])
    await choose_audience(organiser, "all")
    await organiser.send("Rapat kelompok pukul 13.00")
    await organiser.expect("Kirim pengumuman di atas")
    await organiser.press(label("btn_send"))
    menu = await organiser.expect("Kirim sekarang atau jadwalkan")
    now_data = menu.find_button(label("btn_now"))["callback_data"]
    await organiser.press(label("btn_now"))
    await organiser.expect("Laporan pengumuman", timeout=15)
    (made,) = await broadcasts.recent(bot.db, 10)
    again = await organiser.press_data(now_data, menu)
    assert again.show_alert
    assert again.text == locales.plain("id", "broadcast.already_made", id=made.id)
    await organiser.wait_idle(0.5)
    assert len(await broadcasts.recent(bot.db, 10)) == 1
    for sim in sims.values():
        assert received(tg, sim.id) == ["Rapat kelompok pukul 13.00"]


async def test_lost_answers_cost_at_most_one_copy_each(tg, bot, organiser) -> None:
    """Telegram delivered the message but the answer never came back (the connection
    dropped): the bot cannot know, so that copy goes again. Nobody is missed, and the extra
    copies never exceed the answers lost (no cascade of retries)."""
    people = [(821000 + i, "tim_pelaksana", "economy", "dkpp", "offline") for i in range(60)]
    await seed(bot.db, tg, people)
    await choose_audience(organiser, "all")
    await organiser.send("Bahan rapat sudah dibagikan di meja registrasi")
    await organiser.expect("Kirim pengumuman di atas")
    await organiser.press(label("btn_send"))
    await organiser.expect("Kirim sekarang atau jadwalkan")
    lost = 6
    tg.drop_responses("sendMessage", lost)
    await organiser.press(label("btn_now"))
    report = await organiser.expect("Laporan pengumuman", timeout=40)
    assert "Terkirim: 60 dari 60" in report.text
    copies = [len(received(tg, user_id)) for user_id, *_ in people]
    assert min(copies) == 1
    assert sum(copies) - len(people) <= lost


async def test_a_crash_halfway_through_queueing_resumes_without_loss_or_double(
    tg, settings
) -> None:
    """Recipients are queued in chunks. The database as a crash after the first chunks
    leaves it (the announcement 'sending', part of its rows written, not marked queued):
    the next start queues the rest, and each person gets exactly one copy."""
    from datetime import UTC, datetime

    from handlers.broadcast.compose import with_header
    from storage.db import Database
    from storage.outbox import OutgoingMessage

    people = [(822000 + i, "tim_pelaksana", "economy", "dkpp", "offline") for i in range(30)]
    db = await Database(settings.database_path).open()
    try:
        await seed(db, tg, people)
        now = datetime.now(UTC)
        made = await broadcasts.create(
            db, created_by=ORGANISER_ID, audience={"type": "all", "values": []},
            payload={"text": "Makan siang di Aula"}, summary="Makan siang di Aula",
            send_at=now, report_chat_id=ORGANISER_ID, report_lang="id",
        )  # fmt: skip
        assert await broadcasts.start_sending(db, made, len(people), now)
        first_chunk = [
            OutgoingMessage("broadcast", uid, with_header({"text": "Makan siang di Aula"}, "id"), str(made), f"bc:{made}:{uid}")
            for uid, *_ in people[:12]
        ]  # fmt: skip
        await broadcasts.queue_recipients(db, made, first_chunk)
        await db.execute("UPDATE broadcasts SET queued_at = NULL WHERE id = ?", (made,))
    finally:
        await db.close()
    bot = await RunningBot(settings).start()
    try:
        organiser = tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
        report = await organiser.expect("Laporan pengumuman", timeout=20)
        assert "Terkirim: 30 dari 30" in report.text
        for user_id, *_ in people:
            assert received(tg, user_id) == ["Makan siang di Aula"]
    finally:
        await bot.stop()
