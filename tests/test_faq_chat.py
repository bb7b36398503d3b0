"""The FAQ in the chat, end to end through the fake Telegram server: /faq menus, free-text
questions in private chats and groups, "not sure" with "Tanya panitia", the organiser's reply
delivered to the participant, /faqbelum, and flows taking precedence over the FAQ."""

from __future__ import annotations

from domain.faq import index as faq_index
from domain.faq.book import answer_question, load_books
from domain.offices import office_names
from domain.privacy import NOTICE_VERSION
from handlers.base.flows import FlowSpec, Move, Step, Turn
from handlers.base.replies import reply
from storage import consents, faq_log, participants, users
from storage import flows as flow_store
from storage.flows import Flow
from tests.harness import future_event

ZOOM_NEXT = "https://zoom.us/j/89990000001"  # the next session of demo-future.yaml
UNSURE = "boleh bawa anak?"  # out of the FAQ, close to "bawaan", "perwakilan", "daring"


def question(entry_id: str, lang: str = "id") -> str:
    entry = load_books()[lang].get(entry_id)
    assert entry is not None
    return entry.question


async def register(db, user_id: int, dimension: str = "economy") -> None:
    await users.touch(db, user_id, "id")
    await participants.start_draft(db, user_id)
    await participants.update(
        db, user_id, full_name="Siti", opd_id="dkpp", role="tim_pelaksana",
        dimension=dimension, mode="offline",
    )  # fmt: skip
    await participants.mark_registered(db, user_id)
    await consents.give(db, user_id, NOTICE_VERSION)


def link_withheld(message, lang: str = "id") -> bool:
    """An answer about the meeting link that says where it is sent instead of giving it."""
    said = "khusus untuk peserta terdaftar" if lang == "id" else "registered participants only"
    return ZOOM_NEXT not in message.text and said in message.text


async def test_faq_menu_navigation_and_back(tg, bot) -> None:
    budi = tg.user(first_name="Budi", language_code="id")
    await register(bot.db, budi.id)  # the link is for registered participants
    await budi.send("/faq")
    menu = await budi.expect("Pertanyaan yang sering diajukan")
    assert ["Jadwal & tempat"] in menu.buttons and ["Data pribadi"] in menu.buttons
    await budi.press("Jadwal & tempat")
    page = await budi.expect("Silakan pilih pertanyaan")
    assert page.message_id == menu.message_id  # the same message, edited
    assert "Jadwal &amp; tempat" in page.html
    await budi.press(question("tautan-rapat"))
    answer = await budi.expect(ZOOM_NEXT)
    assert answer.message_id == menu.message_id
    await budi.press("« Kembali")
    back = await budi.expect("Silakan pilih pertanyaan")
    assert [question("lokasi")] in back.buttons
    await budi.press("« Kembali")
    home = await budi.expect("Pertanyaan yang sering diajukan")
    assert home.message_id == menu.message_id
    await budi.press("Data pribadi")
    await budi.expect("Silakan pilih pertanyaan")
    await budi.press(question("privasi"))
    await budi.expect(question("privasi"))
    await budi.press("« Kategori")
    await budi.expect("Pertanyaan yang sering diajukan")
    forged = await budi.press_data("faq:q:does-not-exist")
    assert forged.show_alert and "tidak berlaku" in forged.text
    assert len(budi.messages) == 1  # everything happened in one message


async def test_deep_link_opens_the_faq(tg, bot) -> None:
    rina = tg.user(first_name="Rina", language_code="id")
    await rina.send("/start faq")
    await rina.expect("Pertanyaan yang sering diajukan")


async def test_free_text_in_chat_indonesian_and_english(tg, bot) -> None:
    siti = tg.user(first_name="Siti", language_code="id")
    await siti.send("link zoomnya mana pak?")
    link = await siti.expect(question("tautan-rapat"))
    assert "OPD – Nama" in link.text and "08.00–16.00 WIB" in link.text
    assert link_withheld(link)  # not registered yet
    await siti.send("kpn tahap 2?")
    schedule = await siti.expect("➡️ Berikutnya:")  # /jadwal's words
    assert "Tahap II: Pemetaan Program" in schedule.text and "8 Februari 2027" in schedule.text
    await siti.send("kelompok saya apa")
    assert "/daftar" in (await siti.expect(question("kelompok"))).text
    await register(bot.db, siti.id, "economy")
    await siti.send("aku kelompok opo?")
    assert "Smart Economy" in (await siti.expect(question("kelompok"))).text
    await siti.send("link zoomnya mana pak?")
    await siti.expect(ZOOM_NEXT)  # registered now: the link
    await siti.send_sticker()
    await siti.expect("belum memahami")

    alice = tg.user(first_name="Alice", language_code="en")
    await alice.send("where is the workshop held?")
    venue = await alice.expect("Ruang Pertemuan Tengger")
    assert "The workshop is held at" in venue.text
    await alice.send("what is the zoom link?")
    assert link_withheld(await alice.expect("Online meeting link"), "en")


async def test_greetings_and_thanks_are_not_questions(tg, bot) -> None:
    """Greetings and thanks get a short polite answer: no "not sure", nothing logged,
    no "Tanya panitia" button that would send "halo" to the organisers."""
    siti = tg.user(first_name="Siti", language_code="id")
    await siti.send("Halo pak!")
    hello = await siti.expect("Silakan sampaikan pertanyaan seputar bimtek")
    await siti.send("terima kasih banyak bu")
    thanks = await siti.expect("Sama-sama")
    await siti.send("ok siap")
    ok = await siti.expect("Baik, Bapak/Ibu")
    assert not (hello.buttons or thanks.buttons or ok.buttons)
    await siti.send("halo, link zoomnya mana?")  # a greeting with a question is a question
    await siti.expect(question("tautan-rapat"))
    assert await faq_log.latest(bot.db) == []

    group = tg.group(title="Peserta Bimtek")
    tom = tg.user(first_name="Tom", language_code="en")
    await tom.send("@bimtek_test_bot thank you!", chat=group)
    await tom.expect("You are welcome", chat=group)
    await tom.send("/faq@bimtek_test_bot", chat=group)
    menu = await tom.expect("Frequently asked questions", chat=group)
    assert "mention @bimtek_test_bot" in menu.text  # plain group messages get no answer


async def test_group_only_when_mentioned_or_replied(tg, bot) -> None:
    group = tg.group(title="Peserta Bimtek")
    joko = tg.user(first_name="Joko", language_code="id")
    await joko.send("link zoomnya mana?", chat=group)
    await joko.expect_silence(0.5, chat=group)
    await joko.send("@bimtek_test_bot link zoomnya mana?", chat=group)
    link = await joko.expect(question("tautan-rapat"), chat=group)
    assert ZOOM_NEXT not in link.text and "chat pribadi" in link.text  # never in a group
    await joko.reply(link, "kalau lokasinya di mana?")
    venue = await joko.expect("Bimtek diselenggarakan di", chat=group)
    assert "Ruang Pertemuan Tengger" in venue.text
    await register(bot.db, joko.id, "living")
    await joko.send("@bimtek_test_bot kelompok saya apa", chat=group)
    group_answer = await joko.expect(question("kelompok"), chat=group)
    assert "Smart Living" not in group_answer.text and "chat pribadi" in group_answer.text
    assert joko.messages == []  # nothing went to his private chat


async def test_weak_match_escalation_and_organiser_reply(tg, bot, organiser, admin) -> None:
    await organiser.send("/start")  # organisers have talked to the bot
    await organiser.expect("Selamat datang")
    await admin.send("/start")
    await admin.expect("Selamat datang")
    dewi = tg.user(first_name="Dewi <Bappeda>", language_code="id")
    await dewi.send(UNSURE)
    unsure = await dewi.expect("belum yakin")
    labels = [row[0] for row in unsure.buttons]
    assert len(labels) == 4 and labels[-1] == "Tanya panitia"
    assert question("bawaan") in labels[:3]
    (logged,) = await faq_log.latest(bot.db)
    assert logged.question == UNSURE and logged.status == "unsure"

    await dewi.press(question("bawaan"))
    await dewi.expect(question("bawaan"))  # a new message; the suggestions stay
    assert len(dewi.messages) == 2

    intruder = tg.user(first_name="Eko", language_code="id")
    refused = await intruder.press_data(f"faq:ask:{logged.id}", unsure)
    assert refused.show_alert and "penanya" in refused.text
    assert (await faq_log.get(bot.db, logged.id)).status == "unsure"

    await dewi.press("Tanya panitia", unsure)
    await dewi.expect("sudah diteruskan kepada panitia")
    copy = await organiser.expect(f"Pertanyaan peserta #{logged.id}")
    assert UNSURE in copy.text and "Dewi <Bappeda>" in copy.text
    await admin.expect(f"Pertanyaan peserta #{logged.id}")
    assert (await faq_log.get(bot.db, logged.id)).status == "escalated"
    again = await dewi.press_data(f"faq:ask:{logged.id}", unsure)
    assert again.show_alert and "sudah diteruskan" in again.text

    await organiser.reply(copy, "Mohon maaf, anak tidak diperkenankan <ikut>.")
    confirmed = await organiser.expect("jawaban sudah diteruskan")
    assert confirmed.text.endswith(f"(pertanyaan #{logged.id}).")  # a YAML "#" once cut it
    delivered = await dewi.expect("Jawaban panitia")
    assert "anak tidak diperkenankan <ikut>." in delivered.text and UNSURE in delivered.text
    stored = await faq_log.get(bot.db, logged.id)
    assert stored.status == "answered" and stored.answered_by == organiser.id

    # A reply to any other bot message is an ordinary question, not an answer.
    welcome = organiser.messages[0]
    assert "Selamat datang" in welcome.text
    await organiser.reply(welcome, "link zoom")
    await organiser.expect(question("tautan-rapat"))

    # A registered participant is named as registered, with the office: the organiser knows
    # whom they answer (her Telegram name says little).
    siti = tg.user(first_name="Ibu S", language_code="id")
    await register(bot.db, siti.id)
    await siti.send(UNSURE)
    await siti.press("Tanya panitia", await siti.expect("belum yakin"))
    copy = await organiser.expect("Pertanyaan peserta #")
    assert "Dari: Siti, Dinas Ketahanan Pangan dan Pertanian" in copy.text
    assert "Ibu S" not in copy.text


async def test_unanswered_list_is_for_organisers_only(tg, bot, organiser) -> None:
    rina = tg.user(first_name="Rina", language_code="id")
    await rina.send(UNSURE)
    await rina.expect("belum yakin")
    await rina.send("berapa harga tiket masuk Bromo?")
    await rina.expect("belum")
    await rina.send("/faqbelum")
    refused = await rina.expect("hanya untuk panitia")
    assert "Bromo" not in refused.text and UNSURE not in refused.text
    await rina.expect_silence(0.3)

    await organiser.send("/faqbelum")
    listing = await organiser.expect("tidak terjawab oleh FAQ")
    assert listing.text.index("Bromo") < listing.text.index(UNSURE)  # newest first
    assert "terbuka" in listing.text


async def test_user_in_a_flow_is_not_answered_by_the_faq(tg, bot) -> None:
    async def on_text(turn: Turn, text: str) -> Move:
        await reply(turn.update, "dummy flow got it")
        return Move()

    async def ask(turn: Turn) -> None:
        return None

    async def wrong_input(turn: Turn, kind: str) -> None:
        return None

    # The step takes questions as answers (check_questions=False): this test is about routing,
    # not about the engine's "Jawaban / Pertanyaan" (tests/test_flow_questions.py).
    steps = {"step1": Step(ask=ask, text=on_text, check_questions=False)}
    bot.services.flows.add(FlowSpec("dummy-faq-test", "dummy", steps, wrong_input))
    budi = tg.user(first_name="Budi", language_code="id")
    await register(bot.db, budi.id)  # so that the FAQ's answer would carry the link
    await flow_store.save(bot.db, Flow(budi.id, "dummy-faq-test", "step1"))
    await budi.send("link zoomnya mana pak?")
    await budi.expect("dummy flow got it")
    got = await budi.wait_idle(0.3)
    assert not any(ZOOM_NEXT in m.text for m in got)
    await flow_store.clear(bot.db, budi.id)
    await budi.send("link zoomnya mana pak?")
    await budi.expect(ZOOM_NEXT)


async def test_did_you_mean_middle_tier(tg, bot, monkeypatch) -> None:
    """A strong but unsure first candidate: its answer under "Mungkin maksud Bapak/Ibu",
    then the other two candidates and "Tanya panitia". The tier's threshold is lowered so
    that UNSURE, whose best candidate is "bawaan", falls in it whatever the calibration."""
    monkeypatch.setattr(faq_index, "MAYBE_AT", 0.0)
    rina = tg.user(first_name="Rina", language_code="id")
    await rina.send(UNSURE)
    maybe = await rina.expect("Mungkin maksud Bapak/Ibu")
    assert question("bawaan") in maybe.text and "Renstra" in maybe.text  # its answer
    others = await rina.expect("Bila bukan itu yang dimaksud")
    labels = [row[0] for row in others.buttons]
    assert labels[-1] == "Tanya panitia" and len(labels) == 3
    assert question("bawaan") not in labels
    (logged,) = await faq_log.latest(bot.db)
    assert logged.status == "unsure" and logged.best_id == "bawaan"
    await rina.press(labels[0], others)
    await rina.expect(labels[0])
    await rina.press("Tanya panitia", others)
    await rina.expect("panitia")


async def test_office_names_are_read_as_opd(tg, bot, monkeypatch) -> None:
    """The bot reads the event's office names ("Bapenda") as "OPD" (domain/faq/text.py
    mark_offices): the score it logs for a question naming an office is the score with the
    event's names, not without. Nothing is sure here, so that the question is logged with
    its score and the closest questions are offered, whatever the calibration."""
    monkeypatch.setattr(faq_index, "SURE_AT", 1.01)
    monkeypatch.setattr(faq_index, "MAYBE_AT", 1.01)
    text = "saya pegawai Bapenda, link zoom mana?"
    names = office_names(future_event())
    with_names, without = answer_question(text, "id", names), answer_question(text, "id")
    assert with_names.score != without.score
    rina = tg.user(first_name="Rina", language_code="id")
    await rina.send(text)
    offered = await rina.expect("belum yakin")
    labels = [row[0] for row in offered.buttons]
    assert labels == [e.question for e in with_names.candidates] + ["Tanya panitia"]
    assert question("tautan-rapat") == labels[0]
    (logged,) = await faq_log.latest(bot.db)
    assert logged.score == with_names.score and logged.best_id == "tautan-rapat"
