"""Materials and session feedback end to end: an organiser adds a file to a session and
announces it (only that session's audience gets it, by file_id); participants list and open
the materials of their sessions; after a session those recorded present rate it once (and may
change it until the next day) with an optional comment; organisers see the average."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import openpyxl

from domain import feedback as feedback_rules
from domain.exports import attendance as daftar_hadir
from schedules.timefmt import format_date
from storage import attendance as store
from storage import feedback, materials
from tests.conftest import ADMIN_ID, ORGANISER_ID
from tests.harness import RunningBot, make_settings
from tests.schedule_helpers import now, seed, session, write_event


async def _bot(tg, tmp_path: Path) -> RunningBot:
    event_file = write_event(
        tmp_path / "event.yaml",
        [[
            session("gov", now() + timedelta(days=1), audience={"dimensions": ["governance"]}),
            session("usai", now() - timedelta(minutes=70), minutes=60),
        ]],
        ["1d"],
    )  # fmt: skip
    settings = make_settings(tg, tmp_path / "bot.sqlite3", admin_ids=[ADMIN_ID],
                             organiser_ids=[ORGANISER_ID], event_file=event_file)  # fmt: skip
    return await RunningBot(settings).start()


async def test_materials_to_the_right_audience(tg, tmp_path: Path) -> None:
    bot = await _bot(tg, tmp_path)
    try:
        await seed(bot.db, 7701, full_name="Gita Governance")
        await seed(bot.db, 7702, full_name="Eko Economy", dimension="economy")
        organiser = tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
        gita = tg.user(first_name="Gita", language_code="id", user_id=7701)
        eko = tg.user(first_name="Eko", language_code="id", user_id=7702)
        stranger = tg.user(first_name="Tamu", language_code="id", user_id=7703)

        await organiser.send("/materi")
        await organiser.expect("Silakan kirim dokumen")
        await organiser.send("ini teks, bukan berkas")
        await organiser.expect("sebagai dokumen atau foto")
        slides = b"%PDF-1.4 slides tentang Smart Governance"
        await organiser.send_document(slides, filename="Paparan <Smart> Governance.pdf")
        await organiser.expect("untuk sesi yang mana")
        await organiser.press("Tahap 1 · Sesi gov")
        # said back with the file's name (escaped: the fake server refuses bad HTML)
        await organiser.expect("Materi Paparan <Smart> Governance.pdf tersimpan untuk")
        await organiser.press("Umumkan")
        await organiser.expect("sedang dikirim kepada 1 peserta")

        got = await gita.expect("Materi baru", timeout=8)
        assert got.document is not None and got.document.content == slides
        await eko.expect_silence(1.0)
        assert not [m for m in eko.messages if m.document is not None]

        await gita.send("/materi")
        listing = await gita.expect("Materi bimtek")
        assert listing.buttons == [["📄 Paparan <Smart> Governance.pdf"]]
        await gita.press("📄 Paparan <Smart> Governance.pdf", msg=listing)
        again = await gita.expect("Materi: ")
        assert again.document is not None and again.document.content == slides
        await eko.send("/materi")
        await eko.expect("Belum ada materi")
        [item] = await materials.all_materials(bot.db)
        answer = await eko.press_data(f"mat:g:{item.id}", chat=eko.id)
        assert answer is not None and "tidak berlaku" in str(answer)
        await stranger.send("/materi")
        await stranger.expect("untuk peserta terdaftar")
        # Organisers only in the flow: a participant's forged flow press changes nothing.
        answer = await eko.press_data("mat:s:gov", chat=eko.id)
        assert answer is not None
        assert len(await materials.all_materials(bot.db)) == 1
    finally:
        await bot.stop()


async def test_feedback_once_changeable_with_comment(tg, tmp_path: Path) -> None:
    bot = await _bot(tg, tmp_path)
    try:
        await seed(bot.db, 7801, full_name="Hadi Hadir")
        await seed(bot.db, 7802, full_name="Absen Saja")
        await store.record(bot.db, "usai", 7801, mode="offline", method="qr")
        hadi = tg.user(first_name="Hadi", language_code="id", user_id=7801)
        absen = tg.user(first_name="Absen", language_code="id", user_id=7802)
        ask = await hadi.expect("Penilaian sesi", timeout=12)
        assert ask.buttons == [["1", "2", "3", "4", "5"]]
        # The last day, not the midnight after it ("sampai Jumat, 00.00" sounded a day more).
        session = bot.services.event.session("usai")[1]
        last = format_date(feedback_rules.deadline(bot.services.event, session) - timedelta(seconds=1),
                           bot.services.event.tz, "id")  # fmt: skip
        assert f"diubah sampai akhir hari {last}." in ask.text and "00.00" not in ask.text
        await hadi.press("4", msg=ask)
        await hadi.expect("4 dari 5")
        current = next(m for m in hadi.messages if m.message_id == ask.message_id)
        await hadi.press("5", msg=current)
        await hadi.expect("5 dari 5")
        row = await feedback.get(bot.db, "usai", 7801)
        assert row is not None and row["rating"] == 5
        current = next(m for m in hadi.messages if m.message_id == ask.message_id)
        await hadi.press("Tambah komentar", msg=current)
        await hadi.expect("Silakan tulis komentar")
        await hadi.send("Materinya bermanfaat, mohon waktu diskusi ditambah?")
        await hadi.expect("Komentar tercatat")
        row = await feedback.get(bot.db, "usai", 7801)
        assert row is not None and row["comment"].startswith("Materinya bermanfaat")
        assert len(await feedback.answers(bot.db, "usai")) == 1

        # Someone not recorded present gets no question and cannot answer with forged data.
        await absen.send("/start")
        await absen.wait_idle(0.5)
        assert not [m for m in absen.messages if "Penilaian sesi" in m.content]
        reply = await absen.press_data("fb:r:usai:1", chat=absen.id)
        assert reply is not None and "tidak tersedia" in str(reply)
        assert await feedback.get(bot.db, "usai", 7802) is None

        organiser = tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
        await organiser.send("/umpanbalik")
        summary = await organiser.expect("Penilaian sesi")
        assert re.search(r"rata-rata 5,0 dari 5 \(1 penilaian\)", summary.text)
        assert "\n\n\n" not in summary.text  # one blank line between the title and a session
        assert re.search(r"penilaian\)\n• «Materinya bermanfaat", summary.text)  # its comments
        assert "Materinya bermanfaat" in summary.text and "Hadi" not in summary.text
        await absen.send("/umpanbalik")
        await absen.expect("hanya untuk panitia")

        # The daftar hadir carries the answers.
        sheet = await daftar_hadir.collect(bot.db, bot.services.event, "usai", now(),
                                           await feedback.answers(bot.db, "usai"))  # fmt: skip
        assert sheet is not None
        wb = openpyxl.load_workbook(io.BytesIO(daftar_hadir.build_xlsx(sheet)))
        rows = list(wb["Umpan balik"].iter_rows(values_only=True))
        assert any(r[1] == 5 and str(r[2]).startswith("Materinya") for r in rows)

        # After the next day the answer can no longer change.
        bot.clock.shift(timedelta(days=3))
        current = next(m for m in hadi.messages if m.message_id == ask.message_id)
        reply = await hadi.press("1", msg=current)
        assert "tidak tersedia" in str(reply)
        row = await feedback.get(bot.db, "usai", 7801)
        assert row is not None and row["rating"] == 5
    finally:
        await bot.stop()
