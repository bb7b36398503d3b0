"""Forgiving input end to end (issue 13): the real bot against localtg. Buttons answered
by typing their label, offices and phone numbers typed by hand, errors that say what is wrong,
documents named, "p" nudged, everyday send times, one Ubah, the group after a new office."""

from __future__ import annotations

import asyncio
import re

import locales
from storage import broadcasts, flows, participants
from storage import proposals as store
from tests.harness import future_event
from tests.proposal_helpers import DIMENSION_NAMES, register, seed_proposals
from tests.seeding import registered

EVENT = future_event()
OPD = {o.id: o.name for o in EVENT.opds}


def plain(key: str, lang: str = "id", **values: object) -> str:
    return locales.plain(lang, key, **values)


async def test_a_whole_registration_typed_without_pressing_a_button(tg, bot) -> None:
    async def indonesian() -> None:
        rina = tg.user(first_name="Rina", language_code="id")
        await rina.send("/daftar")
        await rina.expect("Pemberitahuan Privasi")
        await rina.send("setuju")
        await rina.expect("Langkah 1/6")
        await rina.send("Rina Kartika, S.T.")
        await rina.expect("Langkah 2/6")
        await rina.send("dinkes")  # typed at the list of offices: the OPD it names
        await rina.expect("Instansi tercatat: " + OPD["dinkes"])
        await rina.expect("Langkah 3/6")
        await rina.send("tim pelaksana")
        await rina.expect("Langkah 4/6")
        await rina.send("smart living")
        await rina.expect("Langkah 5/6")
        await rina.send("luring")
        await rina.expect("Langkah 6/6")
        await rina.send("0812-3456-7890")  # typed by hand, not shared
        await rina.expect("Telepon tercatat: +6281234567890")
        summary = await rina.expect("periksa data")
        assert "+6281234567890" in summary.text
        await rina.send("simpan")
        await rina.expect("✅ Pendaftaran")
        profile = await participants.get(bot.db, rina.id)
        assert profile is not None and profile.status == "registered"
        assert (profile.opd_id, profile.role, profile.dimension, profile.mode, profile.phone) == (
            "dinkes",
            "tim_pelaksana",
            "living",
            "offline",
            "+6281234567890",
        )

    async def english() -> None:
        alice = tg.user(first_name="Alice", language_code="en")
        await alice.send("/daftar")
        await alice.expect("Please choose the bot's language")  # offered once: Telegram is English
        await alice.send("english")  # typed, not pressed
        await alice.expect("Privacy notice")
        await alice.send("I agree")
        await alice.expect("Step 1/6")
        await alice.send("Alice Smith")
        await alice.expect("Step 2/6")
        await alice.press(plain("registration.opd_other_button", "en"))
        await alice.send("Universitas Panca Marga")
        await alice.expect("Step 3/6")
        await alice.send("council")
        await alice.expect("Step 4/6")
        await alice.send("all dimensions")
        await alice.expect("Step 5/6")
        await alice.send("online")
        await alice.expect("Step 6/6")
        await alice.send("+62 812 1111 2222")
        await alice.expect("Please check")
        await alice.send("save")
        await alice.expect("✅ Your registration")
        profile = await participants.get(bot.db, alice.id)
        assert profile is not None
        assert (profile.role, profile.dimension, profile.mode, profile.phone) == (
            "dewan",
            "all",
            "online",
            "+6281211112222",
        )

    async with asyncio.TaskGroup() as group:
        group.create_task(indonesian())
        group.create_task(english())


async def test_an_unsure_typed_answer_is_asked_about_never_taken(tg, bot) -> None:
    async def shared_word() -> None:
        dodi = tg.user(first_name="Dodi", language_code="id")
        await registered(bot.db, dodi.id, dimension="economy", opd_id="dkpp")
        await participants.update(bot.db, dodi.id, dimension=None)  # a dimension to choose
        await dodi.send("/profil")
        await dodi.expect("Profil Bapak/Ibu")
        await dodi.press(plain("registration.field_dimension"))
        await dodi.expect("Kelompok dimensi mana")
        await dodi.send("smart")  # every "Smart ..." holds it: which one?
        which = await dodi.expect("Maksud Bapak/Ibu yang mana?")
        labels = [b for row in which.buttons for b in row]
        assert DIMENSION_NAMES["living"] in labels and plain("forgiving.choice_again") in labels
        assert (await participants.get(bot.db, dodi.id)).dimension is None  # nothing yet
        await dodi.press(plain("forgiving.choice_again"), which)
        again = await dodi.expect("Kelompok dimensi mana")  # every choice once more
        # (a Tim Pelaksana: one group each, no "all")
        assert len([b for row in again.buttons for b in row]) == len(EVENT.dimensions)
        await dodi.send("smart")
        which = await dodi.expect("Maksud Bapak/Ibu yang mana?")
        await dodi.press(DIMENSION_NAMES["living"], which)
        await dodi.expect("Profil diperbarui")
        assert (await participants.get(bot.db, dodi.id)).dimension == "living"

    async def weak_consent() -> None:
        sari = tg.user(first_name="Sari", language_code="id")
        await sari.send("/daftar")
        await sari.expect("Pemberitahuan Privasi")
        await sari.send("setuju?")  # asks rather than agrees: not taken as the button
        await sari.expect("Mohon tekan Setuju")
        assert await participants.get(bot.db, sari.id) is None
        await sari.send("setju")  # a typo as close to both: consent is never guessed
        guess = await sari.expect("Maksud Bapak/Ibu yang mana?")
        assert [b for row in guess.buttons for b in row][:2] == ["Setuju", "Tidak setuju"]
        assert await participants.get(bot.db, sari.id) is None
        await sari.press(plain("registration.agree"), guess)
        await sari.expect("Langkah 1/6")
        await sari.send("Sari Dewi")
        await sari.expect("Langkah 2/6")
        await sari.send("dinas lingkngan")  # a far typo: the office matcher's own question
        guess = await sari.expect("Maksud Bapak/Ibu: " + OPD["dlh"])
        await sari.press(plain("common.office_guess_yes"), guess)
        await sari.expect("Langkah 3/6")
        assert (await participants.get(bot.db, sari.id)).opd_id == "dlh"

    async with asyncio.TaskGroup() as group:
        group.create_task(shared_word())
        group.create_task(weak_consent())


async def test_a_document_is_named_and_an_invalid_number_is_explained(tg, bot) -> None:
    dewi = tg.user(first_name="Dewi", language_code="id")
    await dewi.send("/daftar")
    await dewi.expect("Pemberitahuan Privasi")
    await dewi.send_document(filename="KTP Dewi.pdf")
    reminder = await dewi.expect("belum dapat membaca berkas KTP Dewi.pdf")
    assert "Mohon tekan Setuju" in reminder.text  # the short reminder, not the notice
    await dewi.send("Setuju")
    await dewi.expect("Langkah 1/6")
    await dewi.send_document(filename="daftar-hadir.xlsx")
    await dewi.expect("belum dapat membaca berkas daftar-hadir.xlsx")
    profile = await participants.get(bot.db, dewi.id)
    assert profile is not None and profile.full_name is None


async def test_noise_gets_a_nudge_not_the_organisers(tg, bot) -> None:
    budi = tg.user(first_name="Budi", language_code="id")
    for typed in ("p", "?", "👍"):
        await budi.send(typed)
        nudge = await budi.expect("Silakan tulis pertanyaan Bapak/Ibu tentang bimtek")
        assert nudge.buttons == []  # no "Tanya panitia"
    await budi.expect_silence(0.3)


async def test_usul_buttons_typed_in_the_menu_bound_form(tg, bot) -> None:
    await register(bot.db, 910_001, dimension="living")
    nina = tg.user(first_name="Nina", language_code="id", user_id=910_001)
    await nina.send("/usul")
    first = await nina.expect("1/12")
    await nina.send("smart")  # six buttons hold it: asked, and the question is the live menu
    which = await nina.expect("Maksud Bapak/Ibu yang mana?")
    assert "tidak berlaku" in (await nina.press("Smart Economy", first)).text
    await nina.press(plain("forgiving.choice_again"), which)
    await nina.expect("1/12")  # the question again, as a new live menu
    assert (await flows.get(bot.db, 910_001)).step == "dimension"  # nothing chosen by it
    await nina.send("smart living")
    await nina.expect("Pilihan: Smart Living")  # says which button the text was taken as
    element = await nina.expect("2/12")
    assert element.buttons  # the elements of Smart Living
    draft = await store.latest_draft(bot.db, 910_001)
    assert draft is not None and draft.dimension == "living"
    await nina.send(element.buttons[0][0].lower())
    await nina.expect("3/12")
    await nina.send_document(filename="proposal-lengkap.docx")  # at a text step
    await nina.expect("belum dapat membaca berkas proposal-lengkap.docx")
    await nina.expect("Mohon jawab dengan teks")
    draft = await store.latest_draft(bot.db, 910_001)
    assert draft is not None and draft.element == element.buttons[0][0] and draft.name is None


async def test_one_ubah_from_usulanku(tg, bot) -> None:
    await register(bot.db, 910_002)
    await seed_proposals(bot.db, 910_002, 1)
    [proposal] = await store.of_user(bot.db, 910_002)
    tono = tg.user(first_name="Tono", language_code="id", user_id=910_002)
    await tono.send("/usulanku")
    await tono.expect("Usulan saya")
    await tono.press(f"#{proposal.id} {proposal.name}")
    await tono.expect(f"Usulan #{proposal.id}")
    before = len(tono.messages)
    await tono.press(plain("proposals.btn.edit"))
    await tono.expect("Bagian mana")
    assert len(tono.messages) == before + 1  # straight there: no preview to press Ubah on
    await tono.press(plain("proposals.field.name"))
    await tono.expect("3/12")


async def test_a_new_office_asks_the_group_and_keeps_the_old_one_only_when_pressed(tg, bot) -> None:
    async def keeps() -> None:
        ani = tg.user(first_name="Ani", language_code="id")
        await registered(bot.db, ani.id, opd_id="diskominfo", dimension="governance")
        await ani.send("/profil")
        await ani.expect("Profil Bapak/Ibu")
        await ani.press(plain("registration.field_opd"))
        await ani.expect("pilih instansi (OPD)")
        await ani.send("dinkes")
        question = await ani.expect("Instansi baru: Dinas Kesehatan")
        assert "Smart Governance" in question.text and "tersimpan setelah" in question.text
        # nothing claims the office is stored before the group is chosen
        assert not [m for m in ani.messages if "Instansi tercatat" in m.content]
        labels = [b for row in question.buttons for b in row]
        assert "✓ " + DIMENSION_NAMES["living"] in labels  # the new office's group
        previous = plain("forgiving.dimension_previous", name=DIMENSION_NAMES["governance"])
        assert previous in labels
        # Nothing written until the group is chosen.
        assert (await participants.get(bot.db, ani.id)).opd_id == "diskominfo"
        await ani.press(previous, question)
        await ani.expect("Profil diperbarui")
        profile = await participants.get(bot.db, ani.id)
        assert (profile.opd_id, profile.dimension) == ("dinkes", "governance")

    async def typed_office_then_cancel() -> None:
        eko = tg.user(first_name="Eko", language_code="id")
        await registered(bot.db, eko.id, opd_id="diskominfo", dimension="governance")
        await eko.send("/profil")
        await eko.expect("Profil Bapak/Ibu")
        await eko.press(plain("registration.field_opd"))
        await eko.expect("pilih instansi (OPD)")
        await eko.press(plain("registration.opd_other_button"))
        await eko.send("Universitas Panca Marga")  # typed: asked all the same
        await eko.expect("Instansi baru: Universitas Panca Marga")
        await eko.send("/batal")
        await eko.expect("profil Bapak/Ibu tidak berubah")
        profile = await participants.get(bot.db, eko.id)
        assert (profile.opd_id, profile.opd_other, profile.dimension) == (
            "diskominfo",
            None,
            "governance",
        )
        assert await flows.get(bot.db, eko.id) is None

    async with asyncio.TaskGroup() as group:
        group.create_task(keeps())
        group.create_task(typed_office_then_cancel())


async def test_everyday_send_times_in_umumkan(tg, bot, organiser) -> None:
    await registered(bot.db, 910_010, opd_id="dinkes", dimension="living")
    tg.user(first_name="Peserta", language_code="id", user_id=910_010)
    # An office typed at the list of offices is picked as if pressed.
    await organiser.send("/umumkan")
    await organiser.expect("Kepada siapa")
    await organiser.press(plain("broadcast.aud_opds"))
    await organiser.expect("pilih satu atau beberapa OPD")
    await organiser.send("dinkes")
    picked = await organiser.expect("Jumlah penerima: 1 orang")
    assert any(b.startswith("✅ Dinkes") for row in picked.buttons for b in row)
    await organiser.send("/batal")
    await organiser.expect("dibatalkan")

    async def to_when(text: str) -> None:
        await organiser.send("/umumkan")
        await organiser.expect("Kepada siapa")
        await organiser.send("semua peserta")  # typed at the audience menu
        await organiser.expect("Silakan kirim isi pengumuman")
        await organiser.send(text)
        await organiser.expect("Kirim pengumuman di atas")
        await organiser.send("kirim")  # the "Kirim" button, typed
        await organiser.expect("Kirim sekarang atau jadwalkan")

    await to_when("Besok bawa Renstra")
    await organiser.send("besok jam setengah 8")
    confirm = await organiser.expect("Jadwalkan pengumuman pada")
    assert re.search(r"07[.:]30", confirm.text)
    await organiser.press(plain("broadcast.btn_schedule_yes"))
    await organiser.expect("dijadwalkan pada")

    await to_when("Rapat persiapan")
    await organiser.send("besok jam 3")  # 03.00 or 15.00?
    which = await organiser.expect("Maksud Bapak/Ibu pukul berapa?")
    times = [b for row in which.buttons for b in row if b.startswith("🕒")]
    assert len(times) == 2 and any("03.00" in b for b in times) and any("15.00" in b for b in times)
    assert len(await broadcasts.recent(bot.db, 10)) == 1  # nothing scheduled by guessing
    await organiser.press(next(b for b in times if "15.00" in b), which)
    done = await organiser.expect("dijadwalkan pada")
    assert "15.00" in done.text
    assert len(await broadcasts.recent(bot.db, 10)) == 2
