"""The bot in a group: one short greeting when it is added, personal matters sent to the
private chat with its button, and thanks answered as thanks."""

from __future__ import annotations

import locales
from localtg import parse_html
from tests.seeding import registered

PRIVATE_ONLY = parse_html(locales.t("id", "common.private_only"))[0]
OPEN_PRIVATE = locales.plain("id", "common.open_private")


def private_link(message) -> str:
    button = message.find_button(OPEN_PRIVATE)
    assert button is not None, message
    return str(button["url"])


async def test_added_to_a_group_the_bot_greets_once_with_the_private_chat_button(tg, bot) -> None:
    group = tg.group("Bimtek Smart City Probolinggo")
    sekretariat = tg.user(first_name="Sekretariat", language_code="id")
    tg.add_bot(group, sekretariat)
    greeting = await sekretariat.expect("telah menambahkan saya ke grup ini", chat=group)
    assert "chat pribadi" in greeting.text and "/jadwal" in greeting.text
    assert private_link(greeting) == "https://t.me/bimtek_test_bot"
    assert (
        locales.visible_length(
            locales.t("id", "groups.greeting", event_name="x" * 70, bot_username="bimtek_test_bot")
        )
        < 500
    )  # short
    # Promoted from member to administrator: nothing more is said.
    tg.add_bot(group, sekretariat, old="member")
    await sekretariat.expect_silence(1.0, chat=group)
    assert len(tg.sent_messages(group.id)) == 1


async def test_personal_commands_and_questions_in_a_group_point_to_the_private_chat(
    tg, bot
) -> None:
    group = tg.group()
    await registered(bot.db, 882_001, full_name="Siti Rahmawati", dimension="living")
    siti = tg.user(first_name="Siti", language_code="id", user_id=882_001)
    for command, payload in (("/pengingat", "pengingat"), ("/bahasa", "bahasa")):
        await siti.send(command, chat=group)
        answer = await siti.expect(PRIVATE_ONLY, chat=group)
        assert private_link(answer).endswith(f"?start={payload}")
    # Reminders were not toggled in the group.
    row = await bot.db.fetchone(
        "SELECT reminders_muted FROM participants WHERE user_id = ?", (siti.id,)
    )
    assert row["reminders_muted"] == 0
    await siti.send("@bimtek_test_bot sy masuk kelompok apa ya", chat=group)
    answer = await siti.expect("chat pribadi", chat=group)
    assert "Smart Living" not in answer.text  # her group is hers: not told in the group
    assert private_link(answer).endswith("?start=profil")
    # The button lands in the private chat, where the profile shows the group.
    await siti.send("/start profil")
    assert "Smart Living" in (await siti.expect("Profil Bapak/Ibu")).text


async def test_thanks_in_reply_to_the_bot_gets_a_short_polite_answer(tg, bot) -> None:
    group = tg.group()
    dewi = tg.user(first_name="Dewi", language_code="id")
    await dewi.send("@bimtek_test_bot kapan tahap 2?", chat=group)
    answer = await dewi.expect("Tahap II", chat=group)
    for text in ("terima kasih infonya", "makasih pak atas jawabannya", "Terima kasih banyak, Pak"):
        await dewi.reply(answer, text)
        thanks = await dewi.expect("Sama-sama", chat=group)
        assert "panitia" not in thanks.text.lower() and not thanks.buttons
    # Thanks with a question in it is a question.
    await dewi.reply(answer, "terima kasih, kapan tahap 3?")
    await dewi.expect("Tahap III", chat=group)
