"""Attendance end to end: the live QR (replaced every minute), scans inside and outside the
window, a replayed old code, a forged code, a double check-in, an unregistered scanner who
registers and is recorded, the online Hadir button, manual marking, role checks and forged
presses, and the daftar hadir read back (pypdf, openpyxl)."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl
import pypdf

from domain import attendance
from storage import attendance as store
from tests.conftest import ADMIN_ID, ORGANISER_ID
from tests.harness import RunningBot, make_settings
from tests.schedule_helpers import now, seed, session, write_event
from tests.test_registration import register_via_bot

OPEN_SESSION = "buka"
LATER = "nanti"
PAST = "lewat"
ONLINE = "daring"


def _event(tmp_path: Path) -> Path:
    return write_event(
        tmp_path / "event.yaml",
        [
            [
                session(PAST, now() - timedelta(hours=3), minutes=60),
                session(OPEN_SESSION, now() + timedelta(minutes=20), minutes=120),
                session(
                    ONLINE,
                    now() - timedelta(minutes=1),
                    minutes=120,
                    audience={"modes": ["online"]},
                ),  # fmt: skip
                session(LATER, now() + timedelta(hours=5), minutes=60),
            ]
        ],
        ["1d"],
    )


async def _bot(tg, tmp_path: Path) -> RunningBot:
    settings = make_settings(
        tg, tmp_path / "bot.sqlite3", admin_ids=[ADMIN_ID], organiser_ids=[ORGANISER_ID],
        event_file=_event(tmp_path),
    )  # fmt: skip
    return await RunningBot(settings).start()


def _link(code: str) -> str:
    return f"/start hadir_{code}"


async def test_live_qr_scans_window_replay_forgery_and_double(tg, tmp_path: Path) -> None:
    bot = await _bot(tg, tmp_path)
    try:
        db = bot.db
        await seed(db, 7101, full_name="Siti Rahmawati, S.Kom.")
        await seed(db, 7102, full_name="Bambang Prasetyo", dimension="economy")
        organiser = tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
        siti = tg.user(first_name="Siti", language_code="id", user_id=7101)
        await organiser.send("/presensi")
        menu = await organiser.expect("pilih sesi")
        assert any("🟢" in label for row in menu.buttons for label in row)
        await organiser.press(re.compile(r"^🟢 Tahap 1 · Hari \d · \d\d\.\d\d Sesi buka$"))
        panel = await organiser.expect("Hadir 0 / 2")
        assert panel.kind == "photo" and panel.photo is not None
        first_photo = panel.photo.file_id

        secret = await store.secret(db)
        code = attendance.live_code(secret, OPEN_SESSION, bot.clock.now())
        await siti.send(_link(code))
        got = await siti.expect("Kehadiran Bapak/Ibu tercatat")
        assert re.search(
            r"tercatat: Tahap 1, Hari \d, pukul \d\d\.\d\d WIB\.", got.text
        )  # Hari 2 after midnight
        # A second scan changes nothing and says so.
        await siti.send(_link(code))
        await siti.expect("sudah tercatat sebelumnya")
        assert len(await store.of_session(db, OPEN_SESSION)) == 1
        # The organiser's caption counts the scan (refreshed in place).
        await organiser.expect("Hadir 1 / 2", timeout=8)

        # Three minutes later the code is old: a photo sent home is refused, and the image on
        # the screen has been replaced by a new code.
        bot.clock.shift(timedelta(minutes=3))
        bambang = tg.user(first_name="Bambang", language_code="id", user_id=7102)
        await bambang.send(_link(code))
        await bambang.expect("sudah tidak berlaku")
        for _ in range(40):
            current = next(m for m in organiser.messages if m.message_id == panel.message_id)
            if current.photo is not None and current.photo.file_id != first_photo:
                break
            await tg_sleep()
        assert current.photo is not None and current.photo.file_id != first_photo
        # A code made up by hand (wrong MAC) is refused.
        fresh = attendance.live_code(secret, OPEN_SESSION, bot.clock.now())
        forged = fresh[:7] + ("A" if fresh[7] != "A" else "B") + fresh[8:]
        await bambang.send(_link(forged))
        await bambang.expect("tidak dikenali")
        # Outside the window: not open yet, already closed.
        await bambang.send(_link(attendance.live_code(secret, LATER, bot.clock.now())))
        await bambang.expect("belum dibuka")
        await bambang.send(_link(attendance.live_code(secret, PAST, bot.clock.now())))
        await bambang.expect("sudah ditutup")
        # The poster's code works today, inside the window.
        event = bot.services.event
        found = event.session(OPEN_SESSION)
        assert found is not None
        poster = attendance.poster_code(secret, found[1], event)
        await bambang.send(_link(poster))
        await bambang.expect("Kehadiran Bapak/Ibu tercatat")
        records = {r.user_id: r for r in await store.of_session(db, OPEN_SESSION)}
        assert set(records) == {7101, 7102}
        assert records[7101].method == "qr" and records[7102].method == "poster"
        assert all(r.mode == "offline" for r in records.values())
        assert await store.of_session(db, LATER) == [] and await store.of_session(db, PAST) == []

        # Selesai: the code stops changing.
        await organiser.press("Selesai", msg=current)
        await organiser.expect("Kode QR dihentikan")
        assert await store.active_displays(db) == []
    finally:
        await bot.stop()


async def tg_sleep() -> None:
    import asyncio

    await asyncio.sleep(0.25)


async def test_unregistered_scanner_registers_and_is_recorded(tg, tmp_path: Path) -> None:
    bot = await _bot(tg, tmp_path)
    try:
        newcomer = tg.user(first_name="Dewi", language_code="id", user_id=7201)
        code = attendance.live_code(await store.secret(bot.db), OPEN_SESSION, bot.clock.now())
        await newcomer.send(_link(code))
        await newcomer.expect("belum terdaftar sebagai peserta")
        assert await store.of_session(bot.db, OPEN_SESSION) == []
        # The registration starts at once; walking it (with /daftar resuming it) records the scan.
        await register_via_bot(newcomer, "id", "Dewi Lestari", "diskominfo", "tim_pelaksana",
                               "governance", "offline")  # fmt: skip
        await newcomer.expect("Kehadiran Bapak/Ibu tercatat", timeout=8)
        records = await store.of_session(bot.db, OPEN_SESSION)
        assert [(r.user_id, r.method) for r in records] == [(7201, "qr")]
    finally:
        await bot.stop()


async def test_online_hadir_button_and_forged_presses(tg, tmp_path: Path) -> None:
    settings_path = tmp_path
    bot = await _bot(tg, settings_path)
    try:
        await seed(bot.db, 7301, mode="online", full_name="Rina Online")
        await seed(bot.db, 7302, mode="offline", full_name="Oki Offline")
        online = tg.user(first_name="Rina", language_code="id", user_id=7301)
        offline = tg.user(first_name="Oki", language_code="id", user_id=7302)
        invite = await online.expect("Presensi daring", timeout=10)
        assert invite.buttons == [["Hadir"]]
        await offline.send("/presensi")
        await offline.expect("hanya untuk panitia")
        # Someone else's press of the same data is refused (not in the online audience).
        answer = await offline.press_data(invite.button_data[0], chat=offline.id)
        assert answer is not None and "bukan untuk Bapak/Ibu" in str(answer)
        await online.press("Hadir", msg=invite)
        await online.expect("Kehadiran Bapak/Ibu tercatat")
        [record] = await store.of_session(bot.db, ONLINE)
        assert (record.user_id, record.mode, record.method) == (7301, "online", "button")
        # A forged session id changes nothing.
        answer = await online.press_data("att:on:nope", msg=invite)
        assert answer is not None and answer.text
        # Only organisers may use the panel's buttons and commands.
        for data in ("att:s:buka", "att:m:buka:7302", "att:post:buka", "att:dh:buka:pdf",
                     "att:miss:buka", "att:end"):  # fmt: skip
            answer = await offline.press_data(data, chat=offline.id)
            assert answer is not None and "hanya untuk panitia" in str(answer), data
        await offline.send("/tandai Oki")
        await offline.expect("hanya untuk panitia")
        assert len(await store.of_session(bot.db, OPEN_SESSION)) == 0
        await offline.expect_silence(1.0)
        assert not [m for m in offline.messages if "Presensi daring" in m.content]
    finally:
        await bot.stop()


async def test_manual_marking_and_daftar_hadir(tg, tmp_path: Path) -> None:
    bot = await _bot(tg, tmp_path)
    try:
        await seed(bot.db, 7401, full_name="Siti Rahmawati, S.Kom.")
        await seed(bot.db, 7402, full_name="Ahmad Fauzi", opd_id=None)
        await seed(bot.db, 7403, full_name="Ni Luh Putu Ayu Śrī", role="narasumber")
        organiser = tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
        await organiser.send("/tandai Siti")
        await organiser.expect("pilih sesi dahulu")
        await organiser.send("/presensi")
        await organiser.expect("pilih sesi")
        await organiser.press(re.compile(r"Sesi buka$"))
        panel = await organiser.expect("Hadir 0 / 3")
        await organiser.send("/tandai siti rahmawti")
        pick = await organiser.expect("pilih peserta yang hadir")
        await organiser.press(re.compile(r"^Siti Rahmawati, S\.Kom\. · "), msg=pick)
        await organiser.expect("tercatat hadir")
        [record] = await store.of_session(bot.db, OPEN_SESSION)
        assert (record.user_id, record.method, record.marked_by) == (7401, "manual", ORGANISER_ID)
        code = attendance.live_code(await store.secret(bot.db), OPEN_SESSION, bot.clock.now())
        await tg.user(first_name="Ni", language_code="id", user_id=7403).send(_link(code))
        await organiser.expect("Hadir 2 / 3", timeout=8)
        # Who is missing.
        await organiser.press("Belum hadir", msg=panel)
        missing = await organiser.expect("Belum hadir")
        assert "Ahmad Fauzi" in missing.text and "Siti" not in missing.text

        await organiser.press("Daftar hadir PDF", msg=panel)
        doc = await organiser.expect("Daftar hadir PDF")
        assert doc.document is not None
        reader = pypdf.PdfReader(io.BytesIO(doc.document.content))
        text = "\n".join(page.extract_text() for page in reader.pages)
        for expected in ("DAFTAR HADIR", "Tahap 1", "Sesi buka", "Tanda tangan", "Waktu hadir",
                         "Siti Rahmawati, S.Kom.", "Ni Luh Putu Ayu Śrī", "Narasumber",
                         "Halaman 1 dari 1", "Luring"):  # fmt: skip
            assert expected in text, expected
        assert "Ahmad Fauzi" not in text

        await organiser.press("XLSX", msg=panel)
        sheet_doc = await organiser.expect("Daftar hadir XLSX")
        assert sheet_doc.document is not None
        wb = openpyxl.load_workbook(io.BytesIO(sheet_doc.document.content))
        rows = list(wb["Daftar hadir"].iter_rows(values_only=True))
        header_at = next(i for i, r in enumerate(rows) if r[0] == "No")
        names = [r[1] for r in rows[header_at + 1 :]]
        assert names == ["Siti Rahmawati, S.Kom.", "Ni Luh Putu Ayu Śrī"]
        assert rows[header_at + 1][6] == "Manual"
        missing_rows = list(wb["Belum hadir"].iter_rows(values_only=True))
        assert any(r[1] == "Ahmad Fauzi" for r in missing_rows)

        await organiser.press("Poster PDF", msg=panel)
        poster = await organiser.expect("Poster presensi")
        assert poster.document is not None
        poster_text = pypdf.PdfReader(io.BytesIO(poster.document.content)).pages[0].extract_text()
        assert "hanya berlaku" in poster_text and "PRESENSI PESERTA" in poster_text
    finally:
        await bot.stop()


async def test_cli_daftar_hadir_and_deletion(tg, tmp_path: Path) -> None:
    """`python bot.py attendance` writes the same list; /hapusdata takes the person's
    attendance with it and /datasaya shows it before."""
    from domain import privacy
    from storage.db import Database
    from tests.harness import run_cli

    event_file = _event(tmp_path)
    db_file = tmp_path / "cli.sqlite3"
    db = await Database(db_file).open()
    try:
        await seed(db, 7501, full_name="Yohanes Ndun, S.T.")
        await seed(db, 7502, full_name="Made Wirawan")
        await store.record(db, OPEN_SESSION, 7501, mode="offline", method="qr")
        await store.record(db, OPEN_SESSION, 7502, mode="online", method="button")
        data = await privacy.collect_data(db, 7502)
        assert [a["session_id"] for a in data["attendance"]] == [OPEN_SESSION]  # type: ignore[index]
        await privacy.delete_user_data(db, 7502)
        assert [r.user_id for r in await store.of_session(db, OPEN_SESSION)] == [7501]
    finally:
        await db.close()
    env = {"BOT_TOKEN": "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz", "DATABASE_PATH": str(db_file),
           "EVENT_FILE": str(event_file)}  # fmt: skip
    out = tmp_path / "dh.pdf"
    done = run_cli(
        "attendance", "--session", OPEN_SESSION, "--format", "pdf", "--out", str(out), **env
    )
    assert done.returncode == 0, done.stderr
    text = pypdf.PdfReader(out).pages[0].extract_text()
    assert "Yohanes Ndun, S.T." in text and "Made Wirawan" not in text
    xlsx = tmp_path / "dh.xlsx"
    done = run_cli(
        "attendance", "--session", OPEN_SESSION, "--format", "xlsx", "--out", str(xlsx), **env
    )
    assert done.returncode == 0, done.stderr
    rows = list(openpyxl.load_workbook(xlsx)["Daftar hadir"].iter_rows(values_only=True))
    assert any(r[1] == "Yohanes Ndun, S.T." for r in rows)
    bad = run_cli("attendance", "--session", "nope", "--format", "pdf", "--out", str(out), **env)
    assert bad.returncode == 2 and "Unknown session" in bad.stderr


async def test_ekspor_offers_the_daftar_hadir_to_admins(tg, tmp_path: Path) -> None:
    bot = await _bot(tg, tmp_path)
    try:
        await seed(bot.db, 7901, full_name="Ratna Sari Dewi")
        await store.record(bot.db, OPEN_SESSION, 7901, mode="offline", method="qr")
        admin = tg.user(first_name="Admin", language_code="id", user_id=ADMIN_ID)
        await admin.send("/ekspor")
        await admin.expect("pilih format ekspor")
        await admin.press("Daftar hadir per sesi (PDF/XLSX)")
        await admin.expect("pilih sesi untuk daftar hadir")
        await admin.press("Tahap 1 · Sesi buka")
        await admin.expect("pilih format daftar hadir")
        await admin.press("PDF")
        doc = await admin.expect("Daftar hadir PDF")
        assert doc.document is not None
        text = pypdf.PdfReader(io.BytesIO(doc.document.content)).pages[0].extract_text()
        assert "Ratna Sari Dewi" in text and "Sesi buka" in text
        # Organisers and participants may not press the admin's export buttons.
        participant = tg.user(first_name="Ratna", language_code="id", user_id=7901)
        await participant.send("/start")
        await participant.wait_idle(0.5)
        answer = await participant.press_data(f"exp:dh:{OPEN_SESSION}:pdf", chat=participant.id)
        assert answer is not None and "hanya untuk admin" in str(answer)
    finally:
        await bot.stop()


async def test_live_qr_carries_on_after_a_restart(tg, tmp_path: Path) -> None:
    bot = await _bot(tg, tmp_path)
    try:
        organiser = tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
        await organiser.send("/presensi")
        await organiser.expect("pilih sesi")
        await organiser.press(re.compile(r"Sesi buka$"))
        panel = await organiser.expect("Hadir 0 / 0")
        assert panel.photo is not None
        first = panel.photo.file_id
        await bot.restart()
        bot.clock.shift(timedelta(minutes=1))
        for _ in range(40):
            current = next(m for m in organiser.messages if m.message_id == panel.message_id)
            if current.photo is not None and current.photo.file_id != first:
                break
            await tg_sleep()
        assert current.photo is not None and current.photo.file_id != first
        [display] = await store.active_displays(bot.db)
        assert display.message_id == panel.message_id
    finally:
        await bot.stop()
