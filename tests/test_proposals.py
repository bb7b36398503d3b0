"""Programme proposals end to end: /usul, /start usul, /usulanku, through the fake server."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import locales
from localtg import SimUser
from storage import flows
from storage import proposals as store
from tests.harness import future_event
from tests.proposal_helpers import (
    DIMENSION_NAMES,
    OFFICE_OF,
    alert_of,
    fill_form,
    finish_optional,
    register,
    seed_proposals,
)

EVENT = future_event()
ELEMENTS = {d.id: d.elements for d in EVENT.dimensions}  # the event file's three per dimension
# The element each dimension's proposal picks.
ELEMENT = {
    dimension: ELEMENTS[dimension][index]
    for dimension, index in (
        ("governance", 0),
        ("branding", 0),
        ("economy", 0),
        ("living", 1),
        ("society", 1),
        ("environment", 2),
    )
}
POLICY = ELEMENTS["governance"][2]  # "Kebijakan"
SUBMIT = locales.plain("id", "proposals.btn.submit")


async def only_proposal(db, user_id: int) -> store.Proposal:
    rows = await db.fetchall("SELECT id FROM proposals WHERE user_id = ?", (user_id,))
    assert len(rows) == 1, rows
    proposal = await store.get(db, rows[0]["id"], user_id)
    assert proposal is not None
    return proposal


async def test_a_submission_in_every_dimension(tg, bot) -> None:
    event = future_event()
    expected_stage = event.current_stage(bot.services.clock.now()).number

    async def submit(n: int, dimension: str) -> None:
        uid = 710_000 + n
        await register(bot.db, uid, name=f"Peserta {n}", dimension=dimension)
        user = tg.user(first_name=f"Peserta{n}", language_code="id", user_id=uid)
        preview = await fill_form(user, dimension, ELEMENT[dimension], f"Program {dimension} 2027")
        assert DIMENSION_NAMES[dimension] in preview.text
        assert OFFICE_OF[dimension][1] in preview.text
        draft = await only_proposal(bot.db, uid)
        assert draft.status == "draft"  # nothing is sent before Kirim
        await user.press(SUBMIT)
        await user.expect("sudah terkirim")
        stored = await only_proposal(bot.db, uid)
        assert stored.status == "submitted"
        assert (stored.dimension, stored.element) == (dimension, ELEMENT[dimension])
        assert stored.name == f"Program {dimension} 2027"
        assert stored.horizon == "quick_win"
        assert stored.lead_opd_id == OFFICE_OF[dimension][0]
        assert stored.stage == expected_stage
        assert await flows.get(bot.db, uid) is None

    # Six participants at once, one per dimension: each chat has its own rate budget.
    await asyncio.gather(*(submit(n, d) for n, d in enumerate(DIMENSION_NAMES)))


async def test_deep_link_and_english_and_typed_other_office(tg, bot) -> None:
    await register(bot.db, 720_001, name="Alice", dimension="economy", language="en")
    alice = tg.user(first_name="Alice", language_code="en", user_id=720_001)
    await alice.send("/start usul")
    await alice.expect("Flagship programme proposal")
    await alice.expect("1/12")
    await alice.press("✓ Smart Economy")
    await alice.expect("2/12")
    await alice.press("People's welfare")  # the element in English
    await alice.expect("3/12")
    for text, next_step in (
        ("Pasar desa digital", "4/12"),
        ("Harga", "5/12"),
        ("Aplikasi pasar", "6/12"),
        ("UMKM", "7/12"),
    ):
        await alice.send(text)
        await alice.expect(next_step)
    await alice.press("Medium term (≤ 5 years)")
    await alice.expect("8/12")
    await alice.send("Universitas Panca Marga")
    await finish_optional(alice, lang="en", planning_label="New programme")
    preview = await alice.expect("Proposal preview")
    assert "Universitas Panca Marga" in preview.text
    # No Indonesian reaches her but proper names: the element and the stage in English.
    assert "People's welfare" in preview.text and "Kesejahteraan" not in preview.text
    assert "Tahap" not in preview.text
    await alice.press("Send")
    await alice.expect("has been sent")
    # A council member in every group has no button ticked: the question promises no ✓.
    await register(
        bot.db, 720_002, name="Bob", dimension="all", opd_id="bappeda", language="en", role="dewan"
    )
    bob = tg.user(first_name="Bob", language_code="en", user_id=720_002)
    await bob.send("/propose")
    question = await bob.expect("1/12")
    assert "✓" not in question.text and not any("✓" in b for row in question.buttons for b in row)
    assert "dimension" in question.text
    stored = await only_proposal(bot.db, 720_001)
    assert stored.lead_opd_id is None and stored.lead_opd_other == "Universitas Panca Marga"
    assert stored.horizon == "medium"
    assert stored.element == "Kesejahteraan rakyat"  # stored as the event file names it


async def test_bad_inputs_are_refused_and_change_nothing(tg, bot) -> None:
    stranger = tg.user(first_name="Tamu", language_code="id")
    await stranger.send("/usul")
    assert "/daftar" in (await stranger.expect("peserta terdaftar")).text
    await stranger.send("/usulanku")
    assert "/daftar" in (await stranger.expect("belum ada usulan atas nama")).text
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM proposals"))[0] == 0

    # The independent bad inputs are spread over four participants typing at once: each
    # private chat has its own rate budget, so nobody waits ~1 s per refusal for one chat.
    async def to_step_3(user: SimUser) -> None:
        await user.send("/usul")
        await user.expect("1/12")
        await user.press("✓ " + DIMENSION_NAMES["governance"])
        await user.expect("2/12")
        await user.press(POLICY)
        await user.expect("3/12")

    async def cancel(user: SimUser) -> None:
        await user.send("/batal")
        await user.expect("draf usulan dibatalkan")

    async def buttons() -> None:
        await register(bot.db, 730_001)
        budi = tg.user(first_name="Budi", language_code="id", user_id=730_001)
        await budi.send("/usul")
        menu = await budi.expect("1/12")
        # Typed text that names no button where a button is expected, and a forged value.
        await budi.send("sebentar ya")
        await budi.expect("pilih salah satu tombol")
        old_menu, menu = menu, await budi.expect("1/12")  # asked again: a new live menu
        await budi.press_data("prop:v:dimension:atlantis", menu)
        await budi.expect("tidak berlaku")
        assert (await only_proposal(bot.db, 730_001)).dimension == "governance"
        await budi.press("✓ " + DIMENSION_NAMES["governance"])
        element_menu = await budi.expect("2/12")
        await budi.press_data("prop:v:element:7", element_menu)
        await budi.expect("tidak berlaku")
        # A button of an old menu (the dimension question) no longer works.
        assert "tidak berlaku" in await alert_of(
            budi.press_data("prop:v:dimension:economy", old_menu)
        )
        assert (await only_proposal(bot.db, 730_001)).dimension == "governance"
        await budi.press(POLICY)
        await budi.expect("3/12")
        await cancel(budi)

    async def name() -> None:
        await register(bot.db, 730_002)
        nina = tg.user(first_name="Nina", language_code="id", user_id=730_002)
        await to_step_3(nina)
        await nina.send("Abc")
        msg = await nina.expect("terlalu pendek")
        assert "3 karakter" in msg.text and "minimal 5" in msg.text
        await nina.send("N" * 121)
        msg = await nina.expect("terlalu panjang")
        assert "121 karakter" in msg.text and "batasnya 120" in msg.text
        await nina.send_sticker()
        await nina.expect("jawab dengan teks")
        assert (await only_proposal(bot.db, 730_002)).name is None
        await nina.send("N" * 120)  # exactly the limit is fine
        await nina.expect("4/12")
        assert (await only_proposal(bot.db, 730_002)).name == "N" * 120
        await cancel(nina)

    async def problem_and_description() -> None:
        await register(bot.db, 730_003)
        pras = tg.user(first_name="Pras", language_code="id", user_id=730_003)
        await to_step_3(pras)
        await pras.send("N" * 120)
        await pras.expect("4/12")
        await pras.send("P" * 501)
        msg = await pras.expect("terlalu panjang")
        assert "501 karakter" in msg.text and "batasnya 500" in msg.text
        await pras.send("P" * 500)
        await pras.expect("5/12")
        await pras.send("D" * 701)
        msg = await pras.expect("terlalu panjang")
        assert "701 karakter" in msg.text and "batasnya 700" in msg.text
        await pras.send("D" * 700)
        await pras.expect("6/12")
        await cancel(pras)

    async def target() -> None:
        await register(bot.db, 730_004)
        tari = tg.user(first_name="Tari", language_code="id", user_id=730_004)
        await to_step_3(tari)
        for text, next_step in (("N" * 120, "4/12"), ("P" * 500, "5/12"), ("D" * 700, "6/12")):
            await tari.send(text)
            await tari.expect(next_step)
        await tari.send("T" * 301)
        msg = await tari.expect("terlalu panjang")
        assert "301 karakter" in msg.text and "batasnya 300" in msg.text
        stored = await only_proposal(bot.db, 730_004)
        assert (stored.name, stored.problem, stored.description, stored.target) == (
            "N" * 120,
            "P" * 500,
            "D" * 700,
            None,
        )
        await cancel(tari)

    async with asyncio.TaskGroup() as group:
        for walk in (buttons, name, problem_and_description, target):
            group.create_task(walk())
    assert (await bot.db.fetchone("SELECT COUNT(*) FROM proposals"))[0] == 0


async def test_resume_after_restart(tg, bot) -> None:
    await register(bot.db, 740_001, dimension="living")
    sari = tg.user(first_name="Sari", language_code="id", user_id=740_001)
    await sari.send("/usul")
    await sari.expect("1/12")
    await sari.press("✓ Smart Living")
    await sari.expect("2/12")
    await sari.press("Kesehatan")
    await sari.expect("3/12")
    await sari.send("Telemedisin puskesmas")
    await sari.expect("4/12")

    await bot.restart()
    # The next answer continues at the same step, with the earlier answers kept.
    await sari.send("Dokter spesialis jauh dari desa")
    await sari.expect("5/12")
    await bot.restart()
    await sari.send("/usul")
    await sari.expect("Melanjutkan draf")
    await sari.expect("5/12")  # the question of the step the draft had reached
    stored = await only_proposal(bot.db, 740_001)
    assert stored.name == "Telemedisin puskesmas"
    assert stored.problem == "Dokter spesialis jauh dari desa"
    assert stored.description is None


async def test_per_participant_limit(tg, bot) -> None:
    limit = future_event().proposals.max_per_participant
    await register(bot.db, 750_001)
    await seed_proposals(bot.db, 750_001, limit - 1)
    eko = tg.user(first_name="Eko", language_code="id", user_id=750_001)
    await fill_form(eko, "governance", "Kebijakan", "Program terakhir yang boleh")
    await eko.press("Kirim")
    await eko.expect("sudah terkirim")
    assert await store.count_submitted(bot.db, 750_001) == limit
    await eko.send("/usul")
    msg = await eko.expect("jumlah maksimal")
    assert str(limit) in msg.text
    assert await store.latest_draft(bot.db, 750_001) is None


async def test_deadline_closes_submissions_and_edits(tg, bot) -> None:
    await register(bot.db, 760_001)
    await seed_proposals(bot.db, 760_001, 1)
    wati = tg.user(first_name="Wati", language_code="id", user_id=760_001)
    await wati.send("/usul")
    await wati.expect("1/12")
    deadline = future_event().proposals.deadline
    assert deadline is not None
    bot.services.clock.set(deadline + timedelta(minutes=1))
    await wati.press("✓ Smart Governance")
    msg = await wati.expect("batas waktu")
    assert "31 Maret 2027" in msg.text
    await wati.send("/usul")
    await wati.expect("batas waktu")
    await wati.send("/usulanku")
    [seeded] = await store.of_user(bot.db, 760_001)
    await wati.expect("Usulan saya")
    await wati.press(f"#{seeded.id} Program contoh 0")
    await wati.expect("Usulan #")
    await wati.press("Ubah")
    await wati.expect("batas waktu")
    assert await flows.get(bot.db, 760_001) is None
    assert await store.latest_draft(bot.db, 760_001) is not None  # the draft is kept


async def submitted_as_by_the_form(bot, user_id: int, name: str) -> store.Proposal:
    """A proposal exactly as fill_form + Kirim stores it for Smart Environment / Energi (that
    walk itself is covered by test_a_submission_in_every_dimension)."""
    await register(bot.db, user_id, dimension="environment")
    stage = future_event().current_stage(bot.services.clock.now()).number
    fields = {
        "user_id": user_id,
        "stage": stage,
        "dimension": "environment",
        "element": "Energi",
        "name": name,
        "problem": "Antrean layanan yang panjang di kantor.",
        "description": "Aplikasi antrean daring dan kebijakan layanan satu hari.",
        "target": "Warga; indikator: waktu tunggu turun 50%.",
        "horizon": "quick_win",
        "lead_opd_id": OFFICE_OF["environment"][0],
    }
    await store.insert_submitted(bot.db, [fields])
    return await only_proposal(bot.db, user_id)


async def test_edit_and_withdraw(tg, bot) -> None:
    # Editing and withdrawing are two people at once (each chat has its own rate budget).
    async def edit() -> None:
        proposal = await submitted_as_by_the_form(bot, 770_001, "PLTS atap kantor")
        tono = tg.user(first_name="Tono", language_code="id", user_id=770_001)
        await tono.send("/usulanku")
        await tono.expect("Usulan saya")
        await tono.press(f"#{proposal.id} PLTS atap kantor")
        await tono.expect(f"Usulan #{proposal.id}")
        await tono.press("Ubah")  # one press: straight to "which answer"
        fields = await tono.expect("Bagian mana")
        assert "pilih Ubah" not in fields.text
        await tono.press("Nama program")
        await tono.expect("3/12")
        await tono.send("PLTS atap seluruh kantor OPD")
        preview = await tono.expect("pilih Ubah")
        assert "PLTS atap seluruh kantor OPD" in preview.text
        await tono.press("Ubah")
        await tono.expect("Bagian mana")
        await tono.press("Dimensi")
        await tono.expect("1/12")
        await tono.press("Smart Living")
        await tono.expect("2/12")  # a new dimension needs one of its elements
        await tono.press("Transportasi/mobilitas")
        await tono.expect("pilih Ubah")
        await tono.press("Selesai")
        await tono.expect("sudah tersimpan")
        edited = await only_proposal(bot.db, 770_001)
        assert edited.status == "submitted"
        assert (edited.name, edited.dimension, edited.element) == (
            "PLTS atap seluruh kantor OPD",
            "living",
            "Transportasi/mobilitas",
        )

    async def withdraw() -> None:
        proposal = await submitted_as_by_the_form(bot, 770_002, "PLTS atap puskesmas")
        tari = tg.user(first_name="Tari", language_code="id", user_id=770_002)
        await tari.send("/usulanku")
        await tari.expect("Usulan saya")
        await tari.press(f"#{proposal.id} PLTS atap puskesmas")
        await tari.expect(f"Usulan #{proposal.id}")
        await tari.press("Tarik usulan")
        await tari.expect("Tarik usulan")
        assert (await only_proposal(bot.db, 770_002)).status == "submitted"  # not before "Ya"
        await tari.press("Ya, tarik")
        await tari.expect("sudah ditarik")
        assert (await only_proposal(bot.db, 770_002)).status == "withdrawn"
        await tari.send("/usulanku")
        assert "ditarik" in (await tari.expect("Usulan saya")).text

    async with asyncio.TaskGroup() as group:
        group.create_task(edit())
        group.create_task(withdraw())


async def test_forged_callbacks_cannot_reach_another_participants_proposal(tg, bot) -> None:
    await register(bot.db, 780_001, name="Pemilik")
    await seed_proposals(bot.db, 780_001, 1, name="Rahasia pemilik")
    owner_proposal = (await store.of_user(bot.db, 780_001))[0]
    await register(bot.db, 780_002, name="Penyusup")
    await seed_proposals(bot.db, 780_002, 1)
    intruder = tg.user(first_name="Penyusup", language_code="id", user_id=780_002)
    await intruder.send("/usulanku")
    own_list = await intruder.expect("Usulan saya")
    pid = owner_proposal.id
    for data in (f"usl:view:{pid}", f"usl:edit:{pid}", f"usl:wd:{pid}", f"usl:wdyes:{pid}"):
        assert "tidak ditemukan" in await alert_of(intruder.press_data(data, own_list))
    # The intruder also tries to plant the owner's id into a form of their own.
    await intruder.press_data("prop:send", own_list)
    await intruder.press_data(f"prop:send:{pid}", own_list)
    seen = await intruder.wait_idle(0.3)
    assert all("Rahasia pemilik" not in m.text for m in seen)
    after = await store.get(bot.db, pid, 780_001)
    assert after == owner_proposal  # untouched: same status, fields and timestamps
    assert await flows.get(bot.db, 780_002) is None


async def test_anonymise_for_user_keeps_proposals_without_the_person(tg, bot) -> None:
    await register(bot.db, 790_001, name="Akan Dihapus")
    await seed_proposals(bot.db, 790_001, 2)
    draft_id = await store.create_draft(bot.db, 790_001, 1, dimension="governance")
    changed = await store.anonymise_for_user(bot.db, 790_001)
    assert changed == 2
    assert await store.of_user(bot.db, 790_001) == []
    assert await store.get(bot.db, draft_id, 790_001) is None
    rows = await store.export_rows(bot.db)
    assert len(rows) == 2
    assert all(r["anonymised"] == 1 and r["proposer_name"] is None for r in rows)


async def test_resume_after_sigkill(tg, settings) -> None:
    """`kill -9` between two answers loses nothing: the process restarted resumes the form."""
    from storage.db import Database
    from tests.harness import BotProcess

    db = await Database(settings.database_path).open()
    await register(db, 745_001, dimension="society")
    await db.close()
    dewi = tg.user(first_name="Dewi", language_code="id", user_id=745_001)
    process = BotProcess(settings).start()
    try:
        await dewi.send("/usul")
        await dewi.expect("1/12", timeout=20)
        await dewi.press("✓ Smart Society")
        await dewi.expect("2/12")
        await dewi.press("Ekosistem belajar")
        await dewi.expect("3/12")
        await dewi.send("Sekolah digital desa")
        await dewi.expect("4/12")
        process.kill()
        process = BotProcess(settings).start()
        await dewi.send("Akses belajar terbatas")
        await dewi.expect("5/12", timeout=20)
    finally:
        await process.stop()
    db = await Database(settings.database_path).open()
    try:
        stored = await only_proposal(db, 745_001)
    finally:
        await db.close()
    assert (stored.dimension, stored.element) == ("society", "Ekosistem belajar")
    assert (stored.name, stored.problem) == ("Sekolah digital desa", "Akses belajar terbatas")


async def test_forged_numbers_in_callbacks_are_refused_not_raised(tg, bot) -> None:
    """A superscript digit or an id past 64 bits is no number: the press is stale, nothing raises."""
    await register(bot.db, 795_001)
    await seed_proposals(bot.db, 795_001, 1)
    rina = tg.user(first_name="Rina", language_code="id", user_id=795_001)
    await rina.send("/usulanku")
    own_list = await rina.expect("Usulan saya")
    for data in ("usl:view:²", f"usl:view:{2**70}", "usl:wdyes:-1", "usl:view"):
        assert "tidak berlaku" in await alert_of(rina.press_data(data, own_list))
    await rina.send("/usul")
    await rina.expect("1/12")
    await rina.press("✓ Smart Governance")
    element_menu = await rina.expect("2/12")
    for data in ("prop:v:element:²", f"prop:v:element:{2**70}"):
        await rina.press_data(data, element_menu)
        await rina.expect("tidak berlaku")
    assert "tidak berlaku" in await alert_of(rina.press_data("prop:v:element", element_menu))
    await rina.press("Kebijakan", element_menu)
    await rina.expect("3/12")
    assert (await store.latest_draft(bot.db, 795_001)).element == "Kebijakan"


async def test_second_press_of_kirim_says_already_sent(tg, bot) -> None:
    """Kirim pressed again on the same preview (its reply lost after the commit): the
    proposal is not submitted twice and the participant is told it was sent."""
    uid = 719_001
    await register(bot.db, uid, name="Sri Wahyuni", dimension="living")
    sri = tg.user(first_name="Sri", language_code="id", user_id=uid)
    preview = await fill_form(sri, "living", ELEMENT["living"], "Posyandu digital")
    send_data = preview.find_button(SUBMIT)["callback_data"]
    await sri.press(SUBMIT)
    await sri.expect("sudah terkirim")
    sent = await only_proposal(bot.db, uid)
    again = await sri.press_data(send_data, preview)
    assert again.show_alert
    assert again.text == locales.plain("id", "proposals.already_sent", id=sent.id)
    # A new draft in progress does not make the old button submit it either.
    await sri.send("/usul")
    await sri.expect("1/12")
    third = await sri.press_data(send_data, preview)
    assert third.text == again.text
    rows = await bot.db.fetchall("SELECT id, status FROM proposals WHERE user_id = ?", (uid,))
    assert {r["id"]: r["status"] for r in rows} == {sent.id: "submitted", sent.id + 1: "draft"}
