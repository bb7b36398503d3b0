"""/rekap, nudges and /ekspor end to end; the exported files read back and checked."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import sys
import zipfile
from datetime import datetime

from openpyxl import load_workbook

import locales
from config import PROJECT_ROOT
from domain import exports as export_files
from schedules.clock import Clock
from storage import audit, participants
from storage import proposals as store
from tests.harness import future_event
from tests.proposal_helpers import DIMENSION_NAMES, register

HYPERLINK = '=HYPERLINK("http://contoh.id/x","Klik")'
LONG = ("Inovasi layanan terpadu berbasis aplikasi dan kebijakan. " * 13)[:700]
MULTILINE = "Baris pertama\nBaris kedua\n\nBaris keempat"
TRICKY = {
    "name": HYPERLINK,
    "problem": "-1+2",
    "description": LONG,
    "target": MULTILINE,
    "element": "Pelayanan publik",
}


async def seed_tricky(db) -> None:
    """Four participants; proposals whose texts attack or stress a spreadsheet."""
    await register(db, 810_001, name="@Budi <b>tebal</b>", dimension="governance")
    await register(db, 810_002, name="Siti 🌋 Bromo", dimension="branding", opd_id="disparbud")
    await register(db, 810_003, name="Rina", dimension="economy", opd_id="dkpp")
    await register(db, 810_004, name="+62 Joko", dimension="living", opd_id="dinkes")
    base = {"stage": 3, "horizon": "quick_win", "lead_opd_id": "diskominfo"}
    await store.insert_submitted(
        db,
        [
            {**base, "user_id": 810_001, "dimension": "governance", **TRICKY},
            {
                **base,
                "user_id": 810_002,
                "dimension": "branding",
                "element": "Branding pariwisata",
                "name": "Festival 🌋 Bromo digital",
                "problem": "<b>tebal</b> & <i>miring</i>",
                "description": "@semua\tkolom",
                "target": "+100 wisatawan",
                "lead_opd_id": "disparbud",
                "submitted_at": "2027-03-01T01:30:00+00:00",
            },
            {
                **base,
                "user_id": 810_003,
                "dimension": "economy",
                "element": "Ekosistem industri",
                "name": "Pasar tani daring",
                "problem": "Harga",
                "description": "Aplikasi",
                "target": "Petani",
                "lead_opd_id": None,
                "lead_opd_other": "Universitas Panca Marga",
            },
        ],
    )


async def test_export_is_refused_to_non_admins(tg, bot, organiser) -> None:
    await seed_tricky(bot.db)
    participant = tg.user(first_name="Budi", language_code="id", user_id=810_001)
    await participant.send("/ekspor")
    await participant.expect("hanya untuk admin")
    await organiser.send("/ekspor")
    menu = await organiser.expect("hanya untuk admin")
    # A forged format button is refused server-side too: no file, nothing recorded.
    await organiser.press_data("exp:fmt:xlsx", menu)
    await participant.press_data("exp:fmt:csv", menu)
    assert await organiser.wait_idle(0.4) == [] or all(
        m.document is None for m in await organiser.wait_idle(0.1)
    )
    assert await audit.entries(bot.db, "export") == []
    # Participants cannot see the summary either.
    await participant.send("/rekap")
    await participant.expect("hanya untuk panitia")


async def download(tg, message) -> bytes:
    """The bytes of a document the bot sent (the fake server keeps uploaded files)."""
    return message.document.content


def document_name(message) -> str:
    document = message.document
    return document["file_name"] if isinstance(document, dict) else document.filename


async def test_xlsx_export_read_back_cell_by_cell(tg, bot, admin) -> None:
    await seed_tricky(bot.db)
    await admin.send("/ekspor")
    await admin.expect("format ekspor")
    await admin.press("XLSX")
    message = await admin.expect(r"Ekspor usulan: 3 usulan")
    assert document_name(message).endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(await download(tg, message)))
    assert workbook.sheetnames == [
        locales.plain("id", "export.sheet.summary"),
        *DIMENSION_NAMES.values(),  # one sheet per dimension, in the event file's order
        locales.plain("id", "export.sheet.participants"),
    ]
    gov = workbook[DIMENSION_NAMES["governance"]]
    header = [c.value for c in gov[1]]
    assert header[:4] == ["ID", "Elemen", "Nama program", "Permasalahan/potensi"]
    assert "Dikirim (WIB)" in header
    assert gov.freeze_panes == "A2"
    assert gov.auto_filter.ref == f"A1:{gov.cell(1, len(header)).column_letter}2"
    assert gov.column_dimensions["C"].width >= 30
    assert gov.cell(1, 1).font.bold
    assert column_widths(gov)[:4] == [7, 26, 40, 60]  # ID, Elemen, Nama program, Permasalahan
    assert column_widths(workbook["Ringkasan"]) == [44, 20] + [12] * 7
    for sheet in workbook.worksheets:  # every sheet: bold frozen header row with a filter
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.bold for cell in sheet[1]), sheet.title
        assert not any(cell.font.bold for row in sheet.iter_rows(min_row=2) for cell in row)
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" + str(
            sheet.max_row
        ), sheet.title
    date_cell = gov.cell(2, header.index("Dikirim (WIB)") + 1)
    assert date_cell.is_date and date_cell.number_format == "dd/mm/yyyy hh:mm"
    cells = {h: c for h, c in zip(header, gov[2], strict=True)}
    row = {h: c.value for h, c in cells.items()}
    # Text that reads as a formula: stored as typed, as text, with Excel's quote prefix (no
    # visible apostrophe, and it stays text when the cell is edited).
    assert row["Nama program"] == HYPERLINK
    assert gov.cell(2, 3).data_type == "s"
    assert row["Permasalahan/potensi"] == "-1+2"
    assert cells["Nama program"].quotePrefix and cells["Permasalahan/potensi"].quotePrefix
    assert not cells["Deskripsi inovasi"].quotePrefix  # ordinary text: no style
    assert row["Deskripsi inovasi"] == LONG and len(LONG) == 700
    assert row["Sasaran, target dan indikator"] == MULTILINE
    assert row["Pengusul"] == "@Budi <b>tebal</b>" and cells["Pengusul"].quotePrefix
    assert row["Jangka waktu"].startswith("Quick win")
    assert row["OPD pengampu"] == "Dinas Komunikasi, Informatika, Statistik dan Persandian"
    assert row["Tahap"] == 3
    assert isinstance(row["Dikirim (WIB)"], datetime)

    branding = workbook[DIMENSION_NAMES["branding"]]
    b_header = [c.value for c in branding[1]]
    b_cells = {h: c for h, c in zip(b_header, branding[2], strict=True)}
    b_row = {h: c.value for h, c in b_cells.items()}
    assert b_row["Nama program"] == "Festival 🌋 Bromo digital"
    assert b_row["Permasalahan/potensi"] == "<b>tebal</b> & <i>miring</i>"
    assert b_row["Deskripsi inovasi"] == "@semua\tkolom"
    assert b_row["Sasaran, target dan indikator"] == "+100 wisatawan"
    assert b_cells["Sasaran, target dan indikator"].quotePrefix
    assert b_row["Pengusul"] == "Siti 🌋 Bromo"
    # 01:30 UTC is 08:30 WIB: dates are in the event's time zone.
    assert b_row["Dikirim (WIB)"] == datetime(2027, 3, 1, 8, 30)
    economy = workbook[DIMENSION_NAMES["economy"]]
    e_header = [c.value for c in economy[1]]
    e_row = {h: c.value for h, c in zip(e_header, economy[2], strict=True)}
    assert e_row["OPD pengampu"] == "Universitas Panca Marga"
    assert workbook[DIMENSION_NAMES["society"]].max_row == 1  # headers only

    summary = workbook["Ringkasan"]
    s_header = [c.value for c in summary[1]]
    assert s_header[0] == "OPD/instansi" and s_header[-1] == "Jumlah"
    by_office = {r[0].value: [c.value for c in r] for r in summary.iter_rows(min_row=2)}
    diskominfo = by_office["Dinas Komunikasi, Informatika, Statistik dan Persandian"]
    assert diskominfo[1] == DIMENSION_NAMES["governance"]
    assert diskominfo[2] == 1 and diskominfo[-1] == 1
    assert by_office["Dinas Pariwisata dan Kebudayaan"][3] == 1
    assert by_office["Instansi lain"][4] == 1
    assert by_office["Jumlah"][-1] == 3

    people = workbook["Peserta"]
    p_rows = [[c.value for c in r] for r in people.iter_rows(min_row=2)]
    names = [r[0] for r in p_rows]
    assert "+62 Joko" in names and "Siti 🌋 Bromo" in names and len(p_rows) == 4
    assert people.freeze_panes == "A2"
    p_header = [c.value for c in people[1]]
    assert p_header[-3:] == ["Cara hadir", "Terdaftar (WIB)", "Jumlah usulan"]  # not "Kehadiran"
    assert all(isinstance(r[-2], datetime) for r in p_rows)
    assert sorted(r[-1] for r in p_rows) == [0, 1, 1, 1]

    [entry] = await audit.entries(bot.db, "export")
    assert entry["actor_id"] == admin.id and entry["detail"]["format"] == "xlsx"
    assert entry["at"]


def column_widths(sheet) -> list[float]:
    """The width of each column, from the <col> ranges (a writer may merge equal ones)."""
    widths: dict[int, float] = {}
    for dimension in sheet.column_dimensions.values():
        for index in range(dimension.min, dimension.max + 1):
            widths[index] = dimension.width
    return [widths.get(i) for i in range(1, sheet.max_column + 1)]


AWKWARD = {
    "name": "https://contoh.id/usulan",
    "problem": "Baris satu\r\nBaris dua\rBaris tiga",
    "description": "Kode \x01\x1f kontrol _x0041_ tetap",
    "target": "\rSasaran",
    "element": "12345",
    "lead_opd_other": "mailto:panitia@contoh.id",
}


async def test_xlsx_keeps_awkward_texts_as_plain_text(tmp_path) -> None:
    """Links, numbers-as-text, control characters and carriage returns stay text: no
    formula, no hyperlink, nothing read back differently."""
    from storage.db import Database

    db = await Database(tmp_path / "x.sqlite3").open()
    try:
        await register(db, 830_001, name="=1+1", dimension="governance")
        await store.insert_submitted(
            db,
            [
                {
                    "user_id": 830_001,
                    "stage": 2,
                    "dimension": "governance",
                    "horizon": "quick_win",
                    "lead_opd_id": None,
                    **AWKWARD,
                },
            ],
        )
        data = await export_files.collect(db, future_event(), Clock().now())
    finally:
        await db.close()
    content = export_files.build(data, "xlsx")
    gov = load_workbook(io.BytesIO(content))[DIMENSION_NAMES["governance"]]
    header = [c.value for c in gov[1]]
    row = {h: c for h, c in zip(header, gov[2], strict=True)}
    assert row["Nama program"].value == "https://contoh.id/usulan"
    assert row["Elemen"].value == "12345"
    # A cell's line break is \n: \r\n and a lone \r become one.
    assert row["Permasalahan/potensi"].value == "Baris satu\nBaris dua\nBaris tiga"
    assert row["Deskripsi inovasi"].value == "Kode \ufffd\ufffd kontrol _x0041_ tetap"
    assert row["Sasaran, target dan indikator"].value == "\nSasaran"
    assert row["Sasaran, target dan indikator"].quotePrefix
    assert row["OPD pengampu"].value == "mailto:panitia@contoh.id"
    assert row["Pengusul"].value == "=1+1" and row["Pengusul"].quotePrefix
    texts = ["Nama program", "Elemen", "Deskripsi inovasi", "OPD pengampu", "Pengusul"]
    assert {row[h].data_type for h in texts} == {"s"}
    assert row["ID"].data_type == "n" and row["Tahap"].value == 2
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 8
        for name in sheets:
            xml = archive.read(name)
            assert b"<f>" not in xml and b"<f " not in xml and b"hyperlink" not in xml, name
        assert not [n for n in archive.namelist() if n.startswith("xl/worksheets/_rels/")]


def test_repeated_sheet_names_get_a_number() -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    for title in ("Smart Living", "smart living", "S" * 40, "S" * 40):
        workbook.add_worksheet(export_files._unique_title(workbook, title))
    assert [ws.get_name() for ws in workbook.worksheets()] == [
        "Smart Living",
        "smart living1",
        "S" * 31,
        "S" * 30 + "1",
    ]
    workbook.close()


async def test_csv_has_bom_and_neutralised_cells(tg, bot, admin) -> None:
    await seed_tricky(bot.db)
    await admin.send("/ekspor")
    menu = await admin.expect("format ekspor")
    assert menu.buttons[0] == ["XLSX", "CSV (;)", "CSV (,)", "JSON", "DOCX"]
    await admin.press("CSV (;)")  # the default: Excel with Indonesian regional settings
    message = await admin.expect("Ekspor usulan")
    assert document_name(message).endswith(".csv")
    content = await download(tg, message)
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.startswith("ID;Dimensi;Elemen;")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, first = rows[0], rows[1]
    assert header[:3] == ["ID", "Dimensi", "Elemen"]
    record = dict(zip(header, first, strict=True))
    assert record["Nama program"] == "'" + HYPERLINK
    assert record["Permasalahan/potensi"] == "'-1+2"
    assert record["Deskripsi inovasi"] == LONG
    assert record["Sasaran, target dan indikator"] == MULTILINE
    assert len(rows) == 4
    assert (await audit.entries(bot.db, "export"))[0]["detail"]["format"] == "csv"
    # The comma CSV for other tools: the same table.
    await admin.send("/ekspor")
    await admin.expect("format ekspor")
    await admin.press("CSV (,)")
    comma = await admin.expect("Ekspor usulan")
    assert document_name(comma).endswith(".csv")
    comma_text = (await download(tg, comma)).decode("utf-8-sig")
    assert comma_text.startswith("ID,Dimensi,Elemen,")
    assert list(csv.reader(io.StringIO(comma_text))) == rows


async def test_json_keeps_exact_texts(tg, bot, admin) -> None:
    await seed_tricky(bot.db)
    await admin.send("/ekspor")
    await admin.expect("format ekspor")
    await admin.press("JSON")
    message = await admin.expect("Ekspor usulan")
    document = json.loads(await download(tg, message))
    assert document["timezone"] == "Asia/Jakarta"
    gov = next(p for p in document["proposals"] if p["dimension_id"] == "governance")
    assert gov["name"] == HYPERLINK and gov["problem"] == "-1+2"
    assert gov["description"] == LONG and gov["target"] == MULTILINE
    branding = next(p for p in document["proposals"] if p["dimension_id"] == "branding")
    assert branding["submitted_at"] == "2027-03-01T08:30:00+07:00"
    assert branding["proposer"] == "Siti 🌋 Bromo"
    assert len(document["participants"]) == 4
    total = next(s for s in document["summary"] if s["office"] == "Jumlah")
    assert total["total"] == 3


async def test_rekap_counts_missing_offices_and_nudges_once(tg, bot, organiser) -> None:
    await seed_tricky(bot.db)
    # Participants of an office with no proposal in its own dimension (dinkes: living).
    await register(bot.db, 820_001, name="Dokter Ani", dimension="living", opd_id="dinkes")
    await register(bot.db, 820_002, name="Muted", dimension="living", opd_id="dinkes")
    await participants.set_reminders_muted(bot.db, 820_002, True)
    ani = tg.user(first_name="Ani", language_code="id", user_id=820_001)

    await organiser.send("/rekap")
    summary = await organiser.expect("Rekap usulan")
    assert "3 usulan" in summary.text
    # Offices by their short names, never by their ids (issue: trust, point 5).
    assert "Diskominfo" in summary.text and "Dinas Kesehatan (Smart Living)" in summary.text
    assert "Prokopim" in summary.text and "bagian-prokopim" not in summary.text
    assert "Dinas Komunikasi, Informatika, Statistik dan Persandian (" not in summary.text
    assert "Dinas Pariwisata dan Kebudayaan (" not in summary.text
    # Joko and Ani (dinkes) get the reminder; the muted participant is left out. Rina's
    # office (dkpp) proposed in its dimension through her, although her proposal's lead
    # office is a university: she is never told that her office has sent nothing (issue:
    # trust, point 1), and neither is anyone of an office whose proposal leads elsewhere.
    assert "Dinas Ketahanan Pangan dan Pertanian (Smart Economy)" not in summary.text
    nudge_button = locales.plain("id", "export.nudge_button", count=2)
    await organiser.press(nudge_button)
    await organiser.expect("dijadwalkan untuk 2 peserta")
    nudge = await ani.expect("belum mengirim usulan")
    assert "Dinas Kesehatan" in nudge.text and "/usul" in nudge.text
    await organiser.press(nudge_button)  # the same batch again
    await organiser.expect("sudah dikirim sebelumnya")
    rows = await bot.db.fetchall("SELECT chat_id, kind FROM outbox")
    assert sorted(r["chat_id"] for r in rows) == [810_004, 820_001]
    assert {r["kind"] for r in rows} == {"nudge"}
    assert await ani.wait_idle(0.3) == []  # never twice


async def test_cli_export_writes_the_same_file(tg, bot, settings, tmp_path) -> None:
    await seed_tricky(bot.db)
    out = tmp_path / "usulan.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    env.update(
        {"DATABASE_PATH": str(settings.database_path), "EVENT_FILE": str(settings.event_file)}
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(PROJECT_ROOT / "bot.py"),
        "export",
        "--format",
        "json",
        "--out",
        str(out),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    assert b"Wrote 3 proposals" in stdout
    document = json.loads(out.read_bytes())
    assert {p["name"] for p in document["proposals"]} >= {HYPERLINK, "Pasar tani daring"}
    [entry] = await audit.entries(bot.db, "export")
    assert entry["actor_id"] is None and entry["detail"]["via"] == "cli"


async def test_builders_agree_on_an_empty_collection(tmp_path) -> None:
    from storage.db import Database

    db = await Database(tmp_path / "e.sqlite3").open()
    try:
        data = await export_files.collect(db, future_event(), Clock().now())
    finally:
        await db.close()
    assert json.loads(export_files.build(data, "json"))["proposals"] == []
    assert export_files.build(data, "csv").count(b"\n") == 1
    workbook = load_workbook(io.BytesIO(export_files.build(data, "xlsx")))
    assert workbook["Ringkasan"].max_row == 22 + 3
