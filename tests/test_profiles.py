"""Profil Program Unggulan (issue 15, part 4): the DOCX from /ekspor read back with
python-docx (headings per dimension and programme, the TOC field, every field), and the
XLSX "Peringkat" sheet of a dimension with a selection round."""

from __future__ import annotations

import asyncio
import io
import os
import sys
from datetime import UTC, datetime, timedelta

import docx
from openpyxl import load_workbook

from config import PROJECT_ROOT
from domain import exports as export_files
from storage import proposals as store
from storage import reviews, selection
from tests.harness import future_event
from tests.proposal_helpers import register

PROPOSER = 760_001


async def seed_confirmed(db) -> tuple[int, int, int]:
    """Two governance proposals and one economy one, reviewed; governance's round closed
    with the second chosen, economy's with its one chosen."""
    await register(db, PROPOSER, name="Rudi", dimension="governance")
    base = {
        "user_id": PROPOSER,
        "stage": 3,
        "element": "Kebijakan",
        "problem": "Data tersebar",
        "description": "Portal satu data",
        "target": "Perangkat daerah; indikator: 30 OPD terhubung",
        "horizon": "quick_win",
        "lead_opd_id": "diskominfo",
        "partner_opds": '["bappeda"]',
        "partners_other": "Universitas Jember",
        "planning": "rpjmd",
        "planning_ref": "Program SPBE",
        "budget_status": "estimated",
        "budget": 1_500_000_000,
        "budget_source": "apbd",
        "location": "Kraksaan",
    }
    await store.insert_submitted(
        db,
        [
            {**base, "dimension": "governance", "name": "Satu Data Probolinggo"},
            {**base, "dimension": "governance", "name": "Layanan Mal Pelayanan"},
            {**base, "dimension": "economy", "name": "Pasar Tani Daring", "element": "UMKM"},
        ],
    )
    p1, p2, p3 = [p.id for p in await store.of_user(db, PROPOSER)]
    five = dict.fromkeys(("dampak", "kelayakan", "kesesuaian", "inovasi", "efisiensi"), 5)
    four = dict.fromkeys(five, 4)
    await reviews.insert_done(
        db, [(p1, 1, 9, four, "layak"), (p2, 1, 9, five, "layak"), (p3, 1, 9, four, "layak")]
    )
    closes = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="seconds")
    r1 = await selection.create(db, "governance", "layak", 2, False, closes, 1, [p1, p2])
    r2 = await selection.create(db, "economy", "all", 1, False, closes, 1, [p3])
    for rid, pid in ((r1, p2), (r2, p3)):
        await selection.close(db, rid)
        await selection.set_chosen(db, rid, pid, True)
        await selection.confirm(db, rid)
    return p1, p2, p3


async def test_docx_profiles_read_back_and_the_ranking_sheet(tg, bot, admin) -> None:
    p1, p2, p3 = await seed_confirmed(bot.db)
    await admin.send("/ekspor")
    await admin.expect("format ekspor")
    await admin.press("DOCX")
    # The caption counts what the file holds: the two confirmed programmes, not all proposals.
    message = await admin.expect("Profil program unggulan: 2 program yang ditetapkan")
    assert message.document.filename.startswith("profil-program-unggulan-")
    document = docx.Document(io.BytesIO(message.document.content))
    headings = [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings == [
        ("Title", "Profil Program Unggulan"),
        ("Heading 1", "Daftar isi"),
        ("Heading 1", "Smart Governance"),
        ("Heading 2", "Layanan Mal Pelayanan"),  # chosen; Satu Data was not
        ("Heading 1", "Smart Economy"),
        ("Heading 2", "Pasar Tani Daring"),
    ]
    body = document.element.body.xml
    assert 'TOC \\o "1-2"' in body
    table = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert table["Dimensi dan elemen"] == "Smart Governance – Kebijakan"
    assert table["Mitra"] == "Badan Perencanaan Pembangunan Daerah; Universitas Jember"
    assert table["Kaitan dengan RPJMD/Renstra"] == "Sudah ada di RPJMD – Program SPBE"
    assert table["Perkiraan anggaran dan sumber"] == "Rp 1.500.000.000 – APBD"
    assert table["Lokasi"] == "Kraksaan"
    assert table["Ringkasan tinjauan"].startswith("1 tinjauan, nilai rata-rata 5,0")
    assert len(document.tables) == 2

    data = await export_files.collect(bot.db, future_event(), datetime.now(UTC))
    workbook = load_workbook(io.BytesIO(export_files.build(data, "xlsx")))
    sheet = workbook["Peringkat Smart Governance"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["Putaran", "Peringkat", "ID", "Nama program"]
    assert [r[1:4] for r in rows[1:]] == [
        [1, p2, "Layanan Mal Pelayanan"],
        [2, p1, "Satu Data Probolinggo"],
    ]
    assert rows[1][-3:] == [5, 0, "Ya"] and rows[2][-3:] == [4, 0, "Tidak"]
    assert "Peringkat Smart Living" not in workbook.sheetnames  # no round there


async def test_cli_writes_the_profiles(tg, bot, settings, tmp_path) -> None:
    await seed_confirmed(bot.db)
    out = tmp_path / "profil.docx"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    env.update(
        {"DATABASE_PATH": str(settings.database_path), "EVENT_FILE": str(settings.event_file)}
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(PROJECT_ROOT / "bot.py"),
        "export",
        "--format",
        "docx",
        "--out",
        str(out),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    document = docx.Document(str(out))
    titles = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert titles == ["Layanan Mal Pelayanan", "Pasar Tani Daring"]
