"""What a person can trust in a conversation, end to end through localtg: typed offices
count for their office, a question is never stored as an answer, every typed answer is said
back, /daftar, /usul and /start say where the form is, and an edited message changes nothing."""

from __future__ import annotations

import asyncio
import re

import locales
from localtg import SimUser
from storage import flows
from storage import proposals as store
from storage.participants import get as get_participant
from tests.harness import future_event
from tests.proposal_helpers import finish_optional, register

EVENT = future_event()
ZOOM_NEXT = "https://zoom.us/j/89990000001"  # the meeting link of demo-future.yaml's next session
# What the FAQ says about the link to someone not registered (yet).
LINK_FOR_REGISTERED = locales.plain("id", "faq.fact_link_private")
DEADLINE = "31 Maret 2027"  # demo-future.yaml's proposals.deadline, as the FAQ says it
DLH = "Dinas Lingkungan Hidup"
ASKED = "Apakah ini jawaban untuk langkah ini, atau pertanyaan?"
EDITED = "Perubahan pesan tidak mengubah jawaban"
ENERGY = EVENT.dimension("environment").elements[2]  # "Energi"
OTHER = locales.plain("id", "registration.opd_other_button")
QUICK_WIN = locales.plain("id", "proposals.horizon.quick_win")


async def consent(user: SimUser) -> None:
    await user.send("/daftar")
    await user.expect("Pemberitahuan Privasi")
    await user.press("Setuju")
    await user.expect("Langkah 1/6")


async def to_typed_office(user: SimUser, name: str) -> None:
    await consent(user)
    await user.send(name)
    await user.expect("Langkah 2/6")
    await user.press(OTHER)
    await user.expect("Universitas Panca Marga")


async def usul_to(user: SimUser, step: str) -> None:
    """/usul for a participant of Smart Environment, up to the question `step` ("3/12"...);
    the typed answers are the ones `fill_all` gives."""
    await user.send("/usul")
    await user.expect("1/12")
    await user.press("✓ Smart Environment")
    await user.expect("2/12")
    await user.press(ENERGY)
    await user.expect("3/12")
    answers = ["Bank sampah digital", "Sampah menumpuk", "Aplikasi setor sampah", "Warga"]
    for number, text in zip(range(3, 7), answers, strict=True):
        if step == f"{number}/12":
            return
        await user.send(text)
        await user.expect(f"{number + 1}/12")
    if step == "7/12":
        return
    await user.press(QUICK_WIN)
    await user.expect("8/12")


async def draft_of(bot, user_id: int) -> store.Proposal:
    draft = await store.latest_draft(bot.db, user_id)
    assert draft is not None
    return draft


# --- 1. typed offices count for their office -----------------------------------------------


async def test_typed_office_at_registration_is_matched_to_the_opd(tg, bot) -> None:
    async def sure(n: int, typed: str) -> None:
        user = tg.user(first_name=f"Sure{n}", language_code="id")
        await to_typed_office(user, "Siti Rahmawati")
        await user.send(typed)
        note = await user.expect("Instansi tercatat")
        assert note.text == f"Instansi tercatat: {DLH}."
        await user.expect("Langkah 3/6")
        profile = await get_participant(bot.db, user.id)
        assert (profile.opd_id, profile.opd_other) == ("dlh", None)

    async def guessed(answer: str, expected: tuple[str | None, str | None]) -> None:
        user = tg.user(first_name=f"Guess{answer}", language_code="id")
        typed = "Badan Lingkungan Hidup" if answer == "Ya" else "Kantor Lingkungan Hidup"
        await to_typed_office(user, "Budi Santoso")
        await user.send(typed)
        question = await user.expect("Maksud Bapak/Ibu")
        assert question.text == f"Maksud Bapak/Ibu: {DLH}?"
        assert f"<b>{DLH}</b>" in (question.html or "")
        assert question.buttons == [["Ya", "Bukan"]]
        # Nothing is stored before the answer; the typed text waits in the flow's data.
        profile = await get_participant(bot.db, user.id)
        assert (profile.opd_id, profile.opd_other) == (None, None)
        state = await flows.get(bot.db, user.id)
        assert state.step == "opd_guess" and state.data["office_guess"]["text"] == typed
        await user.press(answer)
        office = DLH if answer == "Ya" else typed
        note = await user.expect("Instansi tercatat")
        assert note.text == f"Instansi tercatat: {office}."
        assert note.message_id == question.message_id  # the question became the note
        await user.expect("Langkah 3/6")
        profile = await get_participant(bot.db, user.id)
        assert (profile.opd_id, profile.opd_other) == expected

    async def free_text() -> None:
        user = tg.user(first_name="Free", language_code="id")
        await to_typed_office(user, "Rina Kartika")
        await user.send("Universitas Jember")
        note = await user.expect("Instansi tercatat")
        assert note.text == "Instansi tercatat: Universitas Jember."
        await user.expect("Langkah 3/6")
        profile = await get_participant(bot.db, user.id)
        assert (profile.opd_id, profile.opd_other) == (None, "Universitas Jember")

    async with asyncio.TaskGroup() as group:
        group.create_task(sure(1, "DLH"))
        group.create_task(sure(2, "dinas lingkungan hdup"))
        group.create_task(guessed("Ya", ("dlh", None)))
        group.create_task(guessed("Bukan", (None, "Kantor Lingkungan Hidup")))
        group.create_task(free_text())


async def test_an_office_guess_survives_a_restart(tg, bot) -> None:
    user = tg.user(first_name="Restart", language_code="id")
    await to_typed_office(user, "Gita Permata")
    await user.send("Badan Lingkungan Hidup")
    await user.expect("Maksud Bapak/Ibu")
    await bot.restart()
    await user.send("/daftar")
    resumed = await user.expect("Melanjutkan pendaftaran")
    assert f"Maksud Bapak/Ibu: {DLH}?" in resumed.text
    await user.press("Ya", resumed)
    await user.expect("Langkah 3/6")
    assert (await get_participant(bot.db, user.id)).opd_id == "dlh"


async def test_typed_lead_office_is_counted_for_its_office_in_rekap(tg, bot, organiser) -> None:
    async def propose(
        n: int, typed: str, office: str, answer: str | None = None, said: str | None = None
    ) -> None:
        uid = 810_000 + n
        # From Diskominfo: their own office is not the one typed.
        await register(bot.db, uid, dimension="environment", opd_id="diskominfo")
        user = tg.user(first_name=f"Lead{n}", language_code="id", user_id=uid)
        await usul_to(user, "8/12")
        await user.send(typed)
        if answer is not None:
            question = await user.expect("Maksud Bapak/Ibu")
            assert question.text == f"Maksud Bapak/Ibu: {DLH}?"
            assert (await draft_of(bot, uid)).lead_opd_other is None  # nothing stored yet
            await user.press(answer)
        expected = said or f"OPD pengampu tercatat: {office}."
        note = await user.expect(expected)
        await finish_optional(user)
        assert note.text == expected
        await user.expect("Pratinjau usulan")
        await user.press("Kirim")
        await user.expect("sudah terkirim")

    async with asyncio.TaskGroup() as group:
        # "DLH" is the office's button label (its short name): taken as that button.
        group.create_task(propose(1, "DLH", DLH, said="Pilihan: DLH"))
        group.create_task(propose(2, "dinas lingkungan hdup", DLH))
        group.create_task(propose(3, "Badan Lingkungan Hidup", DLH, "Ya"))
        group.create_task(propose(4, "Kantor Lingkungan Hidup", "Kantor Lingkungan Hidup", "Bukan"))
        group.create_task(propose(5, "Universitas Jember", "Universitas Jember"))
    rows = await bot.db.fetchall(
        "SELECT user_id, lead_opd_id, lead_opd_other FROM proposals ORDER BY user_id"
    )
    assert [(r["lead_opd_id"], r["lead_opd_other"]) for r in rows] == [
        ("dlh", None),
        ("dlh", None),
        ("dlh", None),
        (None, "Kantor Lingkungan Hidup"),
        (None, "Universitas Jember"),
    ]
    await organiser.send("/rekap")
    rekap = await organiser.expect("Rekap usulan")
    table = {line.split()[0]: line.split()[-7:] for line in rekap.text.splitlines() if line}
    # Gov Bra Eco Liv Soc Env Σ: three for DLH in Smart Environment, two other institutions.
    assert table["DLH"] == ["0", "0", "0", "0", "0", "3", "3"]
    assert table["Instansi"] == ["0", "0", "0", "0", "0", "2", "2"]
    # DLH has its proposal in its own dimension now: it is not listed as missing.
    assert f"• {DLH} (Smart Environment)" not in rekap.text


# --- 2. a question typed at a free-text step is asked about, never stored ------------------


async def test_a_question_at_the_name_step_is_answered_not_stored(tg, bot) -> None:
    user = tg.user(first_name="Siti", language_code="id")
    await consent(user)
    await user.send("link zoom nya mana ya pak")
    asked = await user.expect(ASKED)
    assert asked.buttons == [["Jawaban", "Pertanyaan"]]
    assert (await get_participant(bot.db, user.id)).full_name is None
    state = await flows.get(bot.db, user.id)
    assert state.step == "full_name"
    assert state.data["_question"]["text"] == "link zoom nya mana ya pak"  # kept, committed
    await user.press("Pertanyaan")
    # The FAQ's answer about the meeting link; the link itself only once registered.
    answer = await user.expect(LINK_FOR_REGISTERED)
    assert ZOOM_NEXT not in answer.text
    await user.expect("Silakan tulis nama lengkap")  # and the name is asked again
    assert (await get_participant(bot.db, user.id)).full_name is None
    assert "_question" not in (await flows.get(bot.db, user.id)).data
    # The question shows the choice, without its buttons, which do nothing any more.
    settled = next(m for m in user.messages if m.message_id == asked.message_id)
    assert settled.text.endswith(f"{ASKED} Pertanyaan") and settled.buttons == []
    stale = await user.press_data("flow:answer", asked)
    assert stale.show_alert and "tidak berlaku" in (stale.text or "")
    assert (await get_participant(bot.db, user.id)).full_name is None
    await user.send("Siti Rahmawati, S.Kom.")
    note = await user.expect("Nama tercatat")
    assert note.text == "Nama tercatat: Siti Rahmawati, S.Kom."
    await user.expect("Langkah 2/6")
    assert (await get_participant(bot.db, user.id)).full_name == "Siti Rahmawati, S.Kom."


async def test_a_question_at_the_problem_step_is_stored_only_as_an_answer(tg, bot) -> None:
    async def answer_it() -> None:
        await register(bot.db, 820_001, dimension="environment")
        user = tg.user(first_name="Jawab", language_code="id", user_id=820_001)
        await usul_to(user, "4/12")
        await user.send("deadline usulan kapan ya?")
        await user.expect(ASKED)
        assert (await draft_of(bot, 820_001)).problem is None
        await user.press("Jawaban")  # it is the answer after all: stored as if typed
        note = await user.expect("Permasalahan/potensi tercatat")
        assert note.text == "Permasalahan/potensi tercatat: deadline usulan kapan ya?"
        await user.expect("5/12")
        assert (await draft_of(bot, 820_001)).problem == "deadline usulan kapan ya?"

    async def ask_it() -> None:
        await register(bot.db, 820_002, dimension="environment")
        user = tg.user(first_name="Tanya", language_code="id", user_id=820_002)
        await usul_to(user, "4/12")
        await user.send("deadline usulan kapan ya?")
        await user.expect(ASKED)
        await user.press("Pertanyaan")
        await user.expect(DEADLINE)  # the FAQ's answer
        await user.expect("4/12")  # the same question again
        assert (await draft_of(bot, 820_002)).problem is None
        await user.send("Sampah menumpuk di pasar")
        await user.expect("5/12")
        assert (await draft_of(bot, 820_002)).problem == "Sampah menumpuk di pasar"

    async def in_english() -> None:
        alice = tg.user(first_name="Alice", language_code="en")
        await alice.send("/daftar")
        await alice.expect("Please choose the bot's language")
        await alice.press("English")
        await alice.expect("Privacy notice")
        await alice.press("I agree")
        await alice.expect("Step 1/6")
        await alice.send("where is the venue?")
        asked = await alice.expect("Is this your answer to this step, or a question?")
        assert asked.buttons == [["Answer", "Question"]]
        await alice.press("Answer")  # not a name: refused as a typed one would be
        await alice.expect("the name cannot contain the character ?")
        assert (await get_participant(bot.db, alice.id)).full_name is None

    async with asyncio.TaskGroup() as group:
        group.create_task(answer_it())
        group.create_task(ask_it())
        group.create_task(in_english())


async def test_a_waiting_question_survives_a_restart_and_old_ones_are_stale(tg, bot) -> None:
    user = tg.user(first_name="Budi", language_code="id")
    await consent(user)
    await user.send("kapan tahap 2?")
    first = await user.expect(ASKED)
    await user.send("apakah ada sertifikat?")
    second = await user.expect(ASKED)
    older = await user.press_data("flow:answer", first)  # only the latest question acts
    assert older.show_alert and "tidak berlaku" in (older.text or "")
    await bot.restart()
    await user.press("Pertanyaan", second)
    await user.expect("Sertifikat")
    await user.expect("Silakan tulis nama lengkap")
    await user.send("berapa lama acaranya?")
    third = await user.expect(ASKED)
    await user.send("Budi Santoso")  # typing an answer instead settles the question
    await user.expect("Nama tercatat: Budi Santoso.")
    await user.expect("Langkah 2/6")
    later = await user.press_data("flow:question", third)
    assert later.show_alert and "tidak berlaku" in (later.text or "")
    assert (await get_participant(bot.db, user.id)).full_name == "Budi Santoso"
    assert (await flows.get(bot.db, user.id)).step == "opd"


# --- 3. every typed answer is said back ----------------------------------------------------


async def test_typed_proposal_answers_are_said_back_short_and_escaped(tg, bot) -> None:
    await register(bot.db, 830_001, dimension="environment")
    user = tg.user(first_name="Echo", language_code="id", user_id=830_001)
    await usul_to(user, "3/12")
    description = (
        "Aplikasi setor sampah\ndengan poin yang ditukar sembako di warung-warung desa " * 3
    )
    for text, note in (
        ("Bank sampah <digital> & desa", "Nama program tercatat: Bank sampah <digital> & desa."),
        ("Sampah menumpuk di pasar", "Permasalahan/potensi tercatat: Sampah menumpuk di pasar."),
        (description, None),
        ("Warga; indikator: sampah turun 30%.", None),
    ):
        await user.send(text)
        said = await user.expect("tercatat:")
        assert "\n" not in said.text  # one line
        if note is not None:
            assert said.text == note
    # The long description: its first 60 characters, on one line.
    shown = " ".join(description.split())[:60].rstrip()
    descriptions = [m for m in user.messages if m.text.startswith("Deskripsi inovasi tercatat")]
    assert [m.text for m in descriptions] == [f"Deskripsi inovasi tercatat: {shown}…"]
    names = [m for m in user.messages if m.text.startswith("Nama program tercatat")]
    assert "&lt;digital&gt; &amp; desa" in (names[0].html or "")  # escaped
    targets = [m.text for m in user.messages if m.text.startswith("Sasaran")]
    assert targets == [
        "Sasaran, target dan indikator tercatat: Warga; indikator: sampah turun 30%."
    ]
    draft = await draft_of(bot, 830_001)
    assert draft.name == "Bank sampah <digital> & desa"
    assert draft.description == description.strip()


# --- 4. /daftar, /usul and /start say where the form is ------------------------------------


async def test_daftar_and_start_show_the_registration_so_far(tg, bot) -> None:
    user = tg.user(first_name="Dewi", language_code="id")
    await consent(user)
    await user.send("Dewi Sartika")
    await user.expect("Langkah 2/6")
    await user.press(OTHER)
    await user.expect("Universitas Panca Marga")
    await user.send("DLH")
    await user.expect("Langkah 3/6")
    for command in ("/daftar", "/start"):
        await user.send(command)
        resumed = await user.expect("Melanjutkan pendaftaran")
        assert "Yang sudah tersimpan" in resumed.text
        assert "Nama: Dewi Sartika" in resumed.text
        assert f"Instansi: {DLH}" in resumed.text
        assert "Peran:" not in resumed.text  # not answered yet
        assert "Langkah 3/6" in resumed.text and "Apa peran Bapak/Ibu" in resumed.text


async def test_usul_and_start_show_the_draft_so_far(tg, bot) -> None:
    await register(bot.db, 840_001, dimension="environment")
    user = tg.user(first_name="Sari", language_code="id", user_id=840_001)
    await usul_to(user, "5/12")
    for command in ("/usul", "/start"):
        await user.send(command)
        resumed = await user.expect("Melanjutkan draf")
        assert "Yang sudah tersimpan" in resumed.text
        for line in (
            "Dimensi: Smart Environment",
            f"Elemen: {ENERGY}",
            "Nama program: Bank sampah digital",
            "Permasalahan/potensi: Sampah menumpuk",
        ):
            assert line in resumed.text, line
        assert "Deskripsi inovasi" not in resumed.text  # not answered yet
        await user.expect("5/12")  # then the question it is at
    # At the first question nothing is answered: the pre-filled dimension is not "stored".
    await register(bot.db, 840_002, dimension="environment")
    fresh = tg.user(first_name="Tini", language_code="id", user_id=840_002)
    await fresh.send("/usul")
    await fresh.expect("1/12")
    await fresh.send("/start")
    resumed = await fresh.expect("Melanjutkan draf")
    assert "Yang sudah tersimpan" not in resumed.text and "Dimensi" not in resumed.text
    await fresh.expect("1/12")
    await user.send("Aplikasi setor sampah")
    await user.expect("6/12")


# --- 5. an edited message is not an answer --------------------------------------------------


async def test_an_edited_message_changes_no_answer(tg, bot) -> None:
    async def registration() -> None:
        user = tg.user(first_name="Edit", language_code="id")
        await consent(user)
        sent = await user.send("Siti Aminah")
        await user.expect("Langkah 2/6")
        await user.press(OTHER)
        await user.expect("Universitas Panca Marga")
        await user.edit(sent, "Universitas Jember")  # at a text step: not its answer
        await user.expect(EDITED)
        profile = await get_participant(bot.db, user.id)
        assert (profile.full_name, profile.opd_other) == ("Siti Aminah", None)
        assert (await flows.get(bot.db, user.id)).step == "opd_other"
        # An edited command does not run either: "/bantuan" edited into "/batal" cancels nothing.
        command = await user.send("/bantuan")
        await user.expect("Perintah yang tersedia")
        await user.edit(command, "/batal")
        await user.expect(EDITED)
        assert (await flows.get(bot.db, user.id)).step == "opd_other"
        await user.send("Universitas Jember")
        await user.expect("Langkah 3/6")

    async def proposal() -> None:
        await register(bot.db, 850_001, dimension="environment")
        user = tg.user(first_name="Ubah", language_code="id", user_id=850_001)
        await usul_to(user, "3/12")
        sent = await user.send("Bank sampah digital")
        await user.expect("4/12")
        await user.edit(sent, "Bank sampah pintar")
        notice = await user.expect(EDITED)
        assert "Ubah" in notice.text and "/batal" in notice.text
        draft = await draft_of(bot, 850_001)
        assert (draft.name, draft.problem) == ("Bank sampah digital", None)
        assert (await flows.get(bot.db, 850_001)).step == "problem"

    async def outside_a_flow() -> None:
        user = tg.user(first_name="Luar", language_code="id")
        sent = await user.send("halo")
        await user.expect("Halo")
        await user.edit(sent, "link zoomnya mana?")  # answered as before
        await user.expect(LINK_FOR_REGISTERED)

    async with asyncio.TaskGroup() as group:
        group.create_task(registration())
        group.create_task(proposal())
        group.create_task(outside_a_flow())


def test_the_rekap_table_has_a_row_per_office() -> None:
    """The parsing above relies on the first alias being one word ("DLH")."""
    dlh = EVENT.opd("dlh")
    assert dlh is not None and re.fullmatch(r"\S+", dlh.short_name)
