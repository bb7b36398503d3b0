"""The complete proposal form (issue 15, part 1): partners pressed and typed, the link to the
RPJMD/Renstra, budgets typed in several forms and echoed formatted, the source, the location;
in the preview, /usulanku, the exports and /datasaya. Old databases keep every proposal."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from datetime import UTC, datetime

import docx

import locales
from domain import exports as export_files
from handlers.proposals.steps import first_missing
from storage import db as db_module
from storage import proposals as store
from storage import selection
from storage.db import Database
from tests.harness import RunningBot, future_event
from tests.proposal_helpers import EVENT, OPD_NAMES, fill_form, register

BAPPEDA = OPD_NAMES["bappeda"]
SHORT = {o.id: o.short_name for o in EVENT.opds}  # the names on the buttons
POLICY = "Kebijakan"
RPJMD = locales.plain("id", "proposals.planning.rpjmd")
CSR = locales.plain("id", "proposals.source.csr")


async def only_proposal(db, user_id: int) -> store.Proposal:
    rows = await db.fetchall("SELECT id FROM proposals WHERE user_id = ?", (user_id,))
    assert len(rows) == 1, rows
    proposal = await store.get(db, rows[0]["id"], user_id)
    assert proposal is not None
    return proposal


async def test_every_new_field_typed_pressed_shown_and_exported(tg, bot, admin) -> None:
    uid = 730_001
    await register(bot.db, uid, name="Rina Wulandari", dimension="governance")
    rina = tg.user(first_name="Rina", language_code="id", user_id=uid)
    await rina.send("/usul")
    await rina.expect("12 hal singkat")
    await rina.expect("1/12")
    await rina.press("✓ Smart Governance")
    await rina.expect("2/12")
    await rina.press(POLICY)
    for number, text in (
        (3, "Satu data desa"),
        (4, "Data desa tersebar"),
        (5, "Portal data terpadu"),
        (6, "Perangkat desa"),
    ):
        await rina.expect(f"{number}/12")
        await rina.send(text)
    await rina.expect("7/12")
    await rina.press(locales.plain("id", "proposals.horizon.medium"))
    await rina.expect("8/12")
    await rina.press(locales.plain("id", "proposals.own_office", office=SHORT["diskominfo"]))
    menu = await rina.expect("9/12")
    assert menu.find_button(SHORT["diskominfo"]) is None  # the lead office is no partner
    # Pressed twice is undone; pressed once more it is chosen (the ticks change in place).
    for _ in range(3):
        await rina.press(re.compile(rf"^(✓ )?{SHORT['bappeda']}$"))
    assert rina.tg.latest_with_keyboard(uid).find_button("✓ " + SHORT["bappeda"]) is not None
    await rina.send("Diskominfo")  # the lead office itself: said, nothing stored
    await rina.expect("sudah menjadi OPD pengampu")
    await rina.send("Dinkes")  # the office's button label: taken as that button
    await rina.expect("Pilihan: Dinkes")
    await rina.expect("9/12")
    await rina.send("Universitas Jember")
    assert "Universitas Jember" in (await rina.expect("Mitra tercatat")).text
    await rina.expect("9/12")  # the menu again, under the note
    await rina.press("Selesai")
    await rina.expect("10/12")
    await rina.press(RPJMD)
    await rina.expect("kode program")
    await rina.send("Program Penyelenggaraan SPBE")
    await rina.expect("Rujukan program tercatat: Program Penyelenggaraan SPBE.")
    await rina.expect("11/12")
    draft = await only_proposal(bot.db, uid)
    await rina.send("banyak sekali")  # not an amount: asked again, nothing stored
    await rina.expect("belum dapat saya baca")
    assert (await only_proposal(bot.db, uid)).budget_status is None
    assert (await only_proposal(bot.db, uid)).updated_at == draft.updated_at
    await rina.send("1,5 M")
    await rina.expect("Perkiraan anggaran tercatat: Rp 1.500.000.000.")
    await rina.expect("sumber anggaran")
    await rina.press(CSR)
    await rina.expect("12/12")
    await rina.send("Kecamatan Kraksaan")
    preview = await rina.expect("Pratinjau usulan")
    for shown in (
        f"Mitra: {BAPPEDA}, Dinas Kesehatan, Universitas Jember",
        "Kaitan dengan RPJMD/Renstra: Sudah ada di RPJMD",
        "Rujukan program: Program Penyelenggaraan SPBE",
        "Perkiraan anggaran: Rp 1.500.000.000",
        "Sumber anggaran: CSR",
        "Lokasi: Kecamatan Kraksaan",
    ):
        assert shown in preview.text, preview.text
    await rina.press("Kirim")
    await rina.expect("sudah terkirim")
    stored = await only_proposal(bot.db, uid)
    assert stored.partner_ids == ["bappeda", "dinkes"]
    assert stored.partners_other == "Universitas Jember"
    assert (stored.planning, stored.planning_ref) == ("rpjmd", "Program Penyelenggaraan SPBE")
    assert (stored.budget_status, stored.budget, stored.budget_source) == (
        "estimated",
        1_500_000_000,
        "csr",
    )
    assert stored.location == "Kecamatan Kraksaan"

    # Changed from /usulanku: the budget typed another way, said back formatted.
    await rina.send("/usulanku")
    await rina.expect("Usulan saya")
    await rina.press(f"#{stored.id} Satu data desa")
    view = await rina.expect(f"Usulan #{stored.id}")
    assert "Rp 1.500.000.000" in view.text and "Universitas Jember" in view.text
    await rina.press("Ubah")
    await rina.expect("Bagian mana")  # one press of Ubah
    await rina.press("Perkiraan anggaran")
    await rina.expect("11/12")
    await rina.send("Rp 250.000.000")
    await rina.expect("Rp 250.000.000.")
    await rina.expect("sumber anggaran")
    await rina.press(CSR)
    edited = await rina.expect("Usulan #")
    assert "Perkiraan anggaran: Rp 250.000.000" in edited.text
    assert (await only_proposal(bot.db, uid)).budget == 250_000_000

    # /datasaya holds every new field.
    await rina.press("Selesai")
    await rina.expect("tersimpan")
    await rina.send("/datasaya")
    doc = await rina.expect("JSON")
    mine = json.loads(doc.document.content)["proposals"][0]
    assert mine["budget"] == 250_000_000 and mine["budget_source"] == "csr"
    assert json.loads(mine["partner_opds"]) == ["bappeda", "dinkes"]
    assert mine["planning_ref"] == "Program Penyelenggaraan SPBE"
    assert mine["location"] == "Kecamatan Kraksaan"

    # The exports: named partners, planning, budget in rupiah (a number), source, location.
    data = await export_files.collect(bot.db, future_event(), datetime.now(UTC))
    record = json.loads(export_files.build(data, "json"))["proposals"][0]
    assert record["partners"] == f"{BAPPEDA}; Dinas Kesehatan; Universitas Jember"
    assert record["planning"] == "Sudah ada di RPJMD" and record["budget"] == 250_000_000
    assert record["budget_source"] == "CSR" and record["location"] == "Kecamatan Kraksaan"
    text = export_files.build(data, "csv").decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))  # Excel, Indonesian settings
    header, row = table[0], table[1]
    assert row[header.index("Perkiraan anggaran (Rp)")] == "250000000"
    assert row[header.index("Sumber anggaran")] == "CSR"


async def test_budgets_typed_in_several_forms_and_not_estimated(tg, bot) -> None:
    """Four participants at once, each typing the budget another way (or pressing
    Belum diperkirakan); each is read to the same rupiah the test knows."""
    cases = [
        ("750 juta", 750_000_000),
        ("1.500.000.000", 1_500_000_000),
        ("2 miliar", 2_000_000_000),
        (None, None),
    ]

    async def propose(n: int, typed: str | None, rupiah: int | None) -> None:
        uid = 731_000 + n
        await register(bot.db, uid, name=f"Peserta {n}", dimension="governance")
        user = tg.user(first_name=f"P{n}", language_code="id", user_id=uid)
        preview = await fill_form(user, "governance", POLICY, f"Program anggaran {n}", budget=typed)
        shown = f"Rp {rupiah:,}".replace(",", ".") if rupiah else "Belum diperkirakan"
        assert f"Perkiraan anggaran: {shown}" in preview.text
        stored = await only_proposal(bot.db, uid)
        assert stored.budget == rupiah
        assert stored.budget_status == ("estimated" if rupiah else "unknown")
        assert stored.planning == "new" and stored.planning_ref == ""  # no reference asked
        assert stored.location == "" and stored.partner_ids == []  # skipped, still answered
        assert first_missing(future_event(), stored) is None

    await asyncio.gather(*(propose(n, t, r) for n, (t, r) in enumerate(cases)))


def test_event_file_chooses_the_optional_questions() -> None:
    event = future_event()
    short = event.model_copy(
        update={"proposals": event.proposals.model_copy(update={"optional_fields": []})}
    )
    assert len(event.proposals.questions()) == 12
    assert short.proposals.questions()[-1] == "lead_opd" and len(short.proposals.questions()) == 8
    only_budget = event.proposals.model_validate(
        {"optional_fields": ["location", "budget"]}
    )  # always asked in the form's order
    assert only_budget.optional_fields == ["budget", "location"]


async def test_an_old_database_migrates_without_losing_a_proposal(tmp_path, monkeypatch) -> None:
    path = tmp_path / "old.sqlite3"
    every = db_module.migrations()
    before = [(v, p) for v, p in every if v < 15]
    monkeypatch.setattr(db_module, "migrations", lambda: before)
    old = await Database(path).open()
    await old.execute(
        "INSERT INTO users (user_id, language, first_seen, last_seen) VALUES (1, 'id', 'x', 'x')"
    )
    await old.execute(
        """INSERT INTO proposals (user_id, status, dimension, element, name, problem,
               description, target, horizon, lead_opd_id, stage, created_at, updated_at,
               submitted_at)
           VALUES (1, 'submitted', 'governance', 'Kebijakan', 'Program lama', 'Masalah',
                   'Inovasi', 'Target', 'medium', 'bappeda', 1, '2026-01-01T00:00:00+00:00',
                   '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"""
    )
    await old.close()
    monkeypatch.setattr(db_module, "migrations", lambda: every)
    new = await Database(path).open()
    try:
        assert await new.version() == every[-1][0]
        kept = await store.of_user(new, 1)
        assert [p.name for p in kept] == ["Program lama"]
        assert kept[0].status == "submitted" and kept[0].lead_opd_id == "bappeda"
        assert kept[0].budget is None and kept[0].partner_opds is None
        # Opened for editing it asks the new questions (nothing else is lost).
        assert first_missing(future_event(), kept[0]) == "partners"
    finally:
        await new.close()


async def test_forged_and_stale_presses_on_the_new_questions_change_nothing(tg, bot) -> None:
    uid = 732_001
    await register(bot.db, uid, name="Tono", dimension="governance")
    user = tg.user(first_name="Tono", language_code="id", user_id=uid)
    await user.send("/usul")
    await user.expect("1/12")
    await user.press("✓ Smart Governance")
    await user.expect("2/12")
    await user.press(POLICY)
    for number, text in ((3, "Program uji"), (4, "Masalah"), (5, "Inovasi"), (6, "Warga")):
        await user.expect(f"{number}/12")
        await user.send(text)
    await user.expect("7/12")
    await user.press(locales.plain("id", "proposals.horizon.long"))
    await user.expect("8/12")
    await user.press(locales.plain("id", "proposals.own_office", office=SHORT["diskominfo"]))
    await user.expect("9/12")

    async def refused(data: str, expect_chat: bool = True) -> None:
        before = await only_proposal(bot.db, uid)
        answer = str(await user.press_data(data))
        if expect_chat:
            await user.expect("tidak berlaku")
        else:
            assert "tidak berlaku" in answer, answer
        after = await only_proposal(bot.db, uid)
        assert after == before  # not even updated_at moved

    await refused("prop:v:partners:no-such-office")
    await refused("prop:v:partners:diskominfo")  # the lead office is no partner
    await refused("prop:v:planning:rpjmd", expect_chat=False)  # another step's button
    await user.press("Selesai")
    await user.expect("10/12")
    await refused("prop:v:planning:maybe")
    await user.press(locales.plain("id", "proposals.planning.renstra"))
    await user.expect("kode program")
    await refused("prop:v:planning_ref:xyz")
    await user.press("Lewati")
    await user.expect("11/12")
    await refused("prop:v:budget:_skip")
    await user.send("Rp 2,5 M")
    await user.expect("Rp 2.500.000.000.")
    await user.expect("sumber anggaran")
    await refused("prop:v:budget_source:bitcoin")
    await user.press(locales.plain("id", "proposals.source.kpbu"))
    await user.expect("12/12")
    await user.send("Desa Sukapura")
    preview = await user.expect("Pratinjau usulan")
    assert "Sumber anggaran: KPBU" in preview.text and "Rujukan program" not in preview.text
    stored = await only_proposal(bot.db, uid)
    assert (stored.planning, stored.planning_ref, stored.budget) == ("renstra", "", 2_500_000_000)


def target_group_event():
    """The future event with the target group asked (and, to keep it short, the location)."""
    event = future_event()
    asked = event.proposals.model_copy(update={"optional_fields": ["target_group", "location"]})
    return event.model_copy(update={"proposals": asked})


def test_the_target_group_is_asked_only_when_the_event_file_lists_it() -> None:
    assert "target_group" not in future_event().proposals.questions()  # not by default
    assert "target_group" not in EVENT.proposals.model_validate({}).questions()
    asked = target_group_event().proposals.questions()
    assert asked[5:8] == ("target", "target_group", "horizon") and len(asked) == 10


async def test_target_group_asked_shown_edited_and_exported(tg, settings) -> None:
    """With `optional_fields: [target_group, ...]` the form asks the target group after the
    target (Lewati allowed); it is in the preview, /usulanku, /datasaya, the exports, the
    DOCX profile and the FAQ's list of questions."""
    event = target_group_event()
    running = await RunningBot(settings, event=event).start()
    try:
        uid = 733_001
        await register(running.db, uid, name="Dewi Lestari", dimension="economy")
        dewi = tg.user(first_name="Dewi", language_code="id", user_id=uid)
        await dewi.send("/usul")
        await dewi.expect("1/10")
        await dewi.press("✓ Smart Economy")
        await dewi.expect("2/10")
        element = event.dimension("economy").elements_in("id")[0]
        await dewi.press(element)
        for number, text in ((3, "Pasar daring UMKM"), (4, "Penjualan turun"), (5, "Lapak"),
                             (6, "Omzet naik 20%")):  # fmt: skip
            await dewi.expect(f"{number}/10")
            await dewi.send(text)
        question = await dewi.expect("7/10. Silakan tuliskan kelompok sasaran")
        assert question.find_button("Lewati") is not None
        await dewi.send("Pelaku UMKM dan perajin")
        await dewi.expect("Kelompok sasaran")  # said back what was stored
        await dewi.expect("8/10")
        await dewi.press(locales.plain("id", "proposals.horizon.quick_win"))
        await dewi.expect("9/10")
        await dewi.send("Bappeda")
        await dewi.expect("10/10")
        await dewi.press("Lewati")
        preview = await dewi.expect("Pratinjau usulan")
        assert "Kelompok sasaran: Pelaku UMKM dan perajin" in preview.text
        await dewi.press("Kirim")
        await dewi.expect("sudah terkirim")
        stored = await only_proposal(running.db, uid)
        assert stored.target_group == "Pelaku UMKM dan perajin" and stored.location == ""

        await dewi.send("/usulanku")
        await dewi.expect("Usulan saya")
        await dewi.press(f"#{stored.id} Pasar daring UMKM")
        view = await dewi.expect(f"Usulan #{stored.id}")
        assert "Kelompok sasaran: Pelaku UMKM dan perajin" in view.text
        await dewi.press("Ubah")
        await dewi.expect("Bagian mana")
        await dewi.press("Kelompok sasaran")
        await dewi.expect("7/10")
        await dewi.send("Pelaku UMKM perempuan")
        await dewi.expect("Usulan #")
        assert (await only_proposal(running.db, uid)).target_group == "Pelaku UMKM perempuan"
        await dewi.press("Selesai")
        await dewi.expect("tersimpan")

        await dewi.send("/datasaya")
        mine = json.loads((await dewi.expect("JSON")).document.content)["proposals"][0]
        assert mine["target_group"] == "Pelaku UMKM perempuan"

        data = await export_files.collect(running.db, event, datetime.now(UTC))
        record = json.loads(export_files.build(data, "json"))["proposals"][0]
        assert record["target_group"] == "Pelaku UMKM perempuan"
        text = export_files.build(data, "csv").decode("utf-8-sig")
        header, row = list(csv.reader(io.StringIO(text), delimiter=";"))[:2]
        assert row[header.index("Kelompok sasaran")] == "Pelaku UMKM perempuan"
        assert header.index("Kelompok sasaran") == header.index("Sasaran, target dan indikator") + 1
        plain = await export_files.collect(running.db, future_event(), datetime.now(UTC))
        plain_csv = export_files.build(plain, "csv").decode("utf-8-sig")
        assert "Kelompok sasaran" not in plain_csv  # not asked: no column

        # The DOCX profile of the confirmed programme.
        rid = await selection.create(
            running.db, "economy", "all", 1, False, "2000-01-01T00:00:00+00:00", 1, [stored.id]
        )
        await selection.close(running.db, rid)
        await selection.set_chosen(running.db, rid, stored.id, True)
        await selection.confirm(running.db, rid)
        data = await export_files.collect(running.db, event, datetime.now(UTC))
        document = docx.Document(io.BytesIO(export_files.build(data, "docx")))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        assert "Pelaku UMKM perempuan – Omzet naik 20%" in cells

        await dewi.send("Apa saja yang ditanyakan di formulir usulan?")
        faq = await dewi.expect("kelompok sasaran (penerima manfaat")
        assert "lokasi" in faq.text
    finally:
        await running.stop()
