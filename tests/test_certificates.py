"""E-certificates end to end: the admin's dry run, issuing once (a second run sends nothing),
the PDF read back, verification by /cek and by the deep link, a deleted holder's certificate
still genuine without the name, the participant's /sertifikat, role checks and forged presses,
and the command line."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import timedelta
from pathlib import Path

import pypdf

from domain import privacy
from storage import attendance as store
from storage import certificates as certificate_store
from storage import outbox
from tests.conftest import ADMIN_ID, ORGANISER_ID
from tests.harness import RunningBot, make_settings, run_cli
from tests.schedule_helpers import now, seed, session, write_event


async def test_issue_once_verify_and_delete(tg, tmp_path: Path) -> None:
    event_file = write_event(
        tmp_path / "event.yaml",
        [
            [session("h1", now() - timedelta(days=2)), session("h2", now() - timedelta(days=1))],
            [session("later", now() + timedelta(days=3))],  # stage 2: not over yet
        ],
        ["1d"],
    )
    settings = make_settings(tg, tmp_path / "bot.sqlite3", admin_ids=[ADMIN_ID],
                             organiser_ids=[ORGANISER_ID], event_file=event_file)  # fmt: skip
    bot = await RunningBot(settings).start()
    try:
        db = bot.db
        await seed(db, 7601, full_name="Dr. Ir. Siti Rahmawati, S.Kom., M.T.")
        await seed(db, 7602, full_name="Bambang Sekali")  # one of two sessions: not enough
        await seed(db, 7603, full_name="Citra Kemudian Hapus", role="narasumber")
        for user_id, sessions in ((7601, ("h1", "h2")), (7602, ("h1",)), (7603, ("h1", "h2"))):
            for sid in sessions:
                await store.record(db, sid, user_id, mode="offline", method="qr")
        admin = tg.user(first_name="Admin", language_code="id", user_id=ADMIN_ID)
        siti = tg.user(first_name="Siti", language_code="id", user_id=7601)
        bambang = tg.user(first_name="Bambang", language_code="id", user_id=7602)

        await admin.send("/sertifikat")
        await admin.expect("Penerbitan e-sertifikat")
        await admin.press("Tahap 1")
        dry = await admin.expect("Uji coba: Tahap 1")
        assert "belum menerima: 2" in dry.text and "Bambang" not in dry.text
        assert "belum selesai" not in dry.text  # stage 1 is over
        assert "Siti Rahmawati" in dry.text and "Citra" in dry.text
        assert await certificate_store.holders(db, 1) == set()  # a dry run issues nothing
        go_data = dry.button_data[0]
        await admin.press("Terbitkan 2 sertifikat", msg=dry)
        await admin.expect("2 e-sertifikat Tahap 1 diterbitkan")

        doc = await siti.expect("E-sertifikat Tahap 1", timeout=10)
        assert doc.document is not None and doc.document.filename.endswith(".pdf")
        code = re.search(r"Nomor sertifikat: ([A-Z0-9]{10})", doc.caption or "").group(1)  # type: ignore[union-attr]
        text = pypdf.PdfReader(io.BytesIO(doc.document.content)).pages[0].extract_text()
        for expected in ("SERTIFIKAT", code, "Dr. Ir. Siti Rahmawati, S.Kom., M.T.", "Tim Pelaksana",
                         "Dinas Komunikasi", "Tahap 1", "Kepala Bappeda", "/cek " + code):  # fmt: skip
            assert expected in text, expected

        # A second run (the same button again) sends nothing twice.
        await admin.press_data(go_data, msg=dry)
        await admin.expect("0 e-sertifikat Tahap 1 diterbitkan")
        await asyncio.sleep(1.5)  # time for a second copy to arrive, were one sent
        # (the session's rating invitation may arrive meanwhile: it is not a certificate)
        assert len([m for m in siti.messages if m.document is not None]) == 1
        rows = await db.fetchall("SELECT chat_id FROM outbox WHERE kind = 'certificate'")
        assert sorted(r["chat_id"] for r in rows) == [7601, 7603]
        await bambang.expect_silence(0.2)
        assert not [m for m in bambang.messages if m.document is not None]

        # Verification by command and by deep link, by anyone.
        await bambang.send(f"/cek {code.lower()}")
        ok = await bambang.expect("Sertifikat asli")
        assert "Siti Rahmawati" in ok.text and "Tahap 1" in ok.text
        await bambang.send(f"/start cek_{code}")
        await bambang.expect("Sertifikat asli")
        await bambang.send("/cek ZZZZZZZZZZ")
        await bambang.expect("Tidak ada sertifikat")

        # The holder gets theirs again.
        await siti.send("/sertifikat")
        again = await siti.expect("E-sertifikat Tahap 1")
        assert again.document is not None and again.document.content == doc.document.content

        # A holder who deletes their data: the certificate stays genuine without the name.
        [citra] = await certificate_store.of_user(db, 7603)
        copy = await privacy.collect_data(db, 7603)
        assert [c["code"] for c in copy["certificates"]] == [citra.code]  # type: ignore[index]
        assert [a["session_id"] for a in copy["attendance"]] == ["h1", "h2"]  # type: ignore[index]
        await privacy.delete_user_data(db, 7603)
        assert await store.of_user(db, 7603) == []
        assert await privacy.collect_data(db, 7603) and not (
            await certificate_store.of_user(db, 7603)
        )
        await bambang.send(f"/cek {citra.code}")
        erased = await bambang.expect("Sertifikat asli")
        assert "Citra" not in erased.text and "dihapus" in erased.text
        assert await certificate_store.load_file(db, certificate_store.file_key(citra.code)) is None
        counts = await outbox.counts(db, "certificate", "stage:1")
        assert sum(counts.values()) == 2

        # A stage not over yet: the dry run warns that later sessions are not counted.
        await admin.send("/sertifikat")
        await admin.press("Tahap 2", msg=await admin.expect("Penerbitan e-sertifikat"))
        early = await admin.expect("Uji coba: Tahap 2")
        assert "⚠️ Tahap ini belum selesai" in early.text

        # Only admins issue; forged presses change nothing.
        for data in ("crt:dry:1", "crt:go:1", "crt:go:99", "crt:dry:x"):
            answer = await bambang.press_data(data, chat=bambang.id)
            assert answer is not None and "hanya untuk admin" in str(answer), data
        organiser = tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
        await organiser.send("/sertifikat")
        await organiser.expect("belum memiliki e-sertifikat")
        assert len(await db.fetchall("SELECT code FROM certificates")) == 2
    finally:
        await bot.stop()

    env = {"BOT_TOKEN": "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz",
           "DATABASE_PATH": str(settings.database_path), "EVENT_FILE": str(event_file)}  # fmt: skip
    dry_run = run_cli("certificates", "issue", "--stage", "1", "--dry-run", **env)
    assert dry_run.returncode == 0, dry_run.stderr
    assert "0 qualify and have none yet, 1 have one already" in dry_run.stdout
    assert "Dry run" in dry_run.stdout
    # A late manual marking, then the command line issues (the bot's @username is known from
    # its start) and queues exactly one more.
    from storage.db import Database

    db = await Database(settings.database_path).open()
    try:
        for sid in ("h1", "h2"):
            await store.record(db, sid, 7602, mode="offline", method="manual", marked_by=ADMIN_ID)
    finally:
        await db.close()
    issued = run_cli("certificates", "issue", "--stage", "1", **env)
    assert issued.returncode == 0, issued.stderr
    assert "Issued 1 certificates" in issued.stdout
    db = await Database(settings.database_path).open()
    try:
        rows = await db.fetchall("SELECT chat_id, payload FROM outbox WHERE kind = 'certificate'")
        assert sorted(r["chat_id"] for r in rows) == [7601, 7602, 7603]
        [holder] = await certificate_store.of_user(db, 7602)
        stored = await certificate_store.load_file(db, certificate_store.file_key(holder.code))
        assert stored is not None
        pdf_text = pypdf.PdfReader(io.BytesIO(stored[1])).pages[0].extract_text()
        assert "Bambang Sekali" in pdf_text and "bimtek_test_bot" not in pdf_text
    finally:
        await db.close()
    again = run_cli("certificates", "issue", "--stage", "1", **env)
    assert "Issued 0 certificates" in again.stdout
    bad = run_cli("certificates", "issue", "--stage", "7", **env)
    assert bad.returncode == 2 and "no certificate rule" in bad.stderr
