"""Input that would break a flow is refused at input, with the reason, and changes nothing
(issue: faults, "input that breaks a flow")."""

from __future__ import annotations

import locales
from handlers.broadcast.compose import HEADER_ROOM
from storage import broadcasts, faq_log
from tests.test_broadcast import choose_audience, seed

ZERO_WIDTH = " \t\u200b\u200b\n\u2060 "
UNSURE = "boleh bawa anak?"


async def test_empty_or_too_long_announcements_are_refused_and_the_flow_goes_on(
    tg, bot, organiser
) -> None:
    await seed(bot.db, tg)
    await choose_audience(organiser, "all")
    await organiser.send(ZERO_WIDTH)
    empty = await organiser.expect("kosong")
    assert "terjadi kendala" not in empty.text
    await organiser.send("x" * 5000)
    long_text = await organiser.expect("terlalu panjang")
    # What fits is Telegram's limit less the announcement's header ("📢 Pengumuman panitia").
    assert 30 < HEADER_ROOM < 60
    assert "5000 karakter" in long_text.text and f"{4096 - HEADER_ROOM}" in long_text.text
    # Counted as Telegram counts: 2,100 emoji are 4,200 UTF-16 code units.
    await organiser.send("🌋" * 2100)
    emoji = await organiser.expect("terlalu panjang")
    assert "4200 karakter" in emoji.text
    await organiser.send_photo(caption="y" * 1500)
    caption = await organiser.expect("Keterangan foto")
    assert "1500 karakter" in caption.text and f"{1024 - HEADER_ROOM}" in caption.text
    # Still at the same step: a good text gets the preview with its buttons.
    await organiser.send("Rapat persiapan tahap II besok pukul 08.00.")
    preview = await organiser.expect("Kirim")
    assert any(
        locales.plain("id", "broadcast.btn_send") == b for row in preview.buttons for b in row
    )
    assert await broadcasts.recent(bot.db, 5) == []


async def test_an_organiser_answer_too_long_for_one_message_is_refused(tg, bot, organiser) -> None:
    await organiser.send("/start")
    await organiser.expect("Selamat datang")
    dewi = tg.user(first_name="Dewi", language_code="id")
    await dewi.send(UNSURE)
    await dewi.expect("belum yakin")
    await dewi.press("Tanya panitia")
    copy = await organiser.expect("Pertanyaan peserta")
    await organiser.reply(copy, "a" * 4090)
    refused = await organiser.expect("terlalu panjang")
    assert "4090 karakter" in refused.text and "belum ada yang dikirim" in refused.text
    (logged,) = await faq_log.latest(bot.db)
    assert logged.status == "escalated"  # not recorded as answered
    await organiser.reply(copy, ZERO_WIDTH)
    await organiser.expect("balas dengan teks")
    await organiser.reply(copy, "Boleh, asal tertib.")
    await organiser.expect("jawaban sudah diteruskan")
    delivered = await dewi.expect("Jawaban panitia")
    assert "Boleh, asal tertib." in delivered.text


async def test_faqbelum_with_long_questions_is_split_into_messages_that_fit(
    tg, bot, organiser
) -> None:
    from storage import users

    for n in range(20):
        await users.touch(bot.db, 930_000 + n, "id")
        question = f"Pertanyaan {n:02d} " + "🌋<&>" * 120
        logged = await faq_log.add(bot.db, 930_000 + n, 930_000 + n, "id", question, None, 0.1)
        await faq_log.record_answer(bot.db, logged, "Jawaban " + "😀" * 150, organiser.id)
    await organiser.send("/faqbelum")
    first = await organiser.expect("tidak terjawab oleh FAQ")
    await organiser.expect("Pertanyaan 00", timeout=20)  # the oldest comes last
    messages = organiser.messages[organiser.messages.index(first) :]
    assert len(messages) >= 2
    lengths = [len(m.text.encode("utf-16-le")) // 2 for m in messages]
    assert all(n <= 4096 for n in lengths), lengths
    text = "\n".join(m.text for m in messages)
    missing = [n for n in range(20) if f"Pertanyaan {n:02d}" not in text]
    assert missing == [], (len(messages), lengths, text[:300])
