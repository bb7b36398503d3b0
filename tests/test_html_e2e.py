"""Lists the bot builds from escaped pieces are escaped exactly once: what a participant
typed reads literally, the bot's own formatting stays formatting."""

from __future__ import annotations

from storage import broadcasts
from storage.outbox import OutgoingMessage


async def test_faqbelum_shows_questions_literally(tg, bot, organiser) -> None:
    rina = tg.user(first_name="Rina", language_code="id")
    question = 'boleh bawa anak & "istri"?'
    await rina.send(question)
    await rina.expect("belum yakin")
    await organiser.send("/faqbelum")
    listing = await organiser.expect("tidak terjawab oleh FAQ")
    assert question in listing.text
    assert "&amp;" not in listing.text and "&quot;" not in listing.text
    assert "&amp;" in listing.html and "&amp;amp;" not in listing.html


async def test_siaran_of_a_sending_announcement_keeps_its_formatting(tg, bot, organiser) -> None:
    # The services stand still, so the announcement stays "sending" while /siaran shows it.
    await bot.services.broadcasts.stop()
    await bot.services.sender.stop()
    now = bot.services.clock.now()
    summary = "Rapat <penting> & mendesak"
    broadcast_id = await broadcasts.create(
        bot.db,
        created_by=organiser.id,
        audience={"type": "all", "values": []},
        payload={"text": "x"},
        summary=summary,
        send_at=now,
        report_chat_id=organiser.id,
        report_lang="id",
    )
    message = OutgoingMessage("broadcast", 4242, {"text": "x"}, str(broadcast_id), "bc:t:4242")
    assert await broadcasts.start_sending(bot.db, broadcast_id, 1, now)
    await broadcasts.queue_recipients(bot.db, broadcast_id, [message])
    await organiser.send("/siaran")
    listing = await organiser.expect("Terkirim 0 / 1")
    assert summary in listing.text  # escaped once: read literally
    assert (
        "<i>" not in listing.text and "<i>Rapat &lt;penting&gt; &amp; mendesak</i>" in listing.html
    )
