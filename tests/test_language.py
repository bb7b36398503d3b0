"""The language choice (/bahasa, /language): it is stored and wins over Telegram's language in
replies, menus and reminders; registration offers it once; English command names work."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from telegram import BotCommandScopeAllPrivateChats

import locales
from handlers.base.menus import ENGLISH, PARTICIPANT_MENU, names, shown
from storage import users
from tests.conftest import ADMIN_ID
from tests.harness import RunningBot, make_settings
from tests.schedule_helpers import now, seed, session, write_event
from tests.seeding import registered


async def test_the_choice_wins_over_telegram_in_replies_menus_and_a_reminder(
    tg, tmp_path: Path
) -> None:
    path = write_event(
        tmp_path / "e.yaml", [[session("s1", now() + timedelta(seconds=12))]], ["4s"]
    )
    settings = make_settings(tg, tmp_path / "bot.sqlite3", admin_ids=[ADMIN_ID], event_file=path)
    # Telegram in Indonesian, but she reads English better.
    rina = tg.user(first_name="Rina", language_code="id", user_id=880_001)
    # Telegram in English, but he wants the bot in Bahasa Indonesia.
    tom = tg.user(first_name="Tom", language_code="en", user_id=880_002)
    bot = await RunningBot(settings).start()
    try:
        await seed(bot.db, rina.id, "id")
        await seed(bot.db, tom.id, "en")
        await rina.send("/bahasa")
        asked = await rina.expect("Silakan pilih bahasa")
        assert asked.buttons == [["Bahasa Indonesia", "English"]]
        await rina.press("English")
        done = await rina.expect("the bot will speak English with you")
        assert done.message_id == asked.message_id  # the question became the answer
        await tom.send("/language")
        await tom.expect("Please choose your language")
        await tom.press("Bahasa Indonesia")
        await tom.expect("bot akan menggunakan Bahasa Indonesia")
        # Every later reply follows the choice, whatever Telegram says.
        await rina.send("/help")
        help_text = (await rina.expect("Available commands")).text
        assert "/schedule" in help_text and "/jadwal" not in help_text
        # Files too: the calendar in English, named in English.
        await rina.send("/schedule")
        await rina.expect("Schedule of")
        await rina.press("Add to calendar")
        calendar = await rina.expect("Calendar file")
        assert calendar.document.filename == "workshop-schedule.ics"
        assert b"Pengingat" not in calendar.document.content
        await tom.send("/help")
        assert "/jadwal" in (await tom.expect("Perintah yang tersedia")).text
        # Their own chat's menu is in the chosen language (Telegram picks the default menus
        # by the app's language, which the choice overrides).
        rina_menu = await tg_commands(tg, rina.id)
        assert "schedule" in rina_menu and "jadwal" not in rina_menu
        assert "jadwal" in await tg_commands(tg, tom.id)
        assert await users.language(bot.db, rina.id) == "en"
        # The reminder, written by the bot on its own, is in the chosen language too.
        reminder = await rina.expect("Workshop reminder", timeout=15)
        assert "Pengingat" not in reminder.text
        await tom.expect("Pengingat bimtek", timeout=5)
    finally:
        await bot.stop()


async def tg_commands(tg, chat_id: int) -> list[str]:
    """The command names of the menu the bot set for one private chat."""
    calls = [c for c in tg.calls("setMyCommands") if _scope_chat(c) == chat_id]
    assert calls, f"no menu set for chat {chat_id}"
    return [c["command"] for c in calls[-1].params["commands"]]


def _scope_chat(call) -> int | None:
    scope = call.params.get("scope") or {}
    return scope.get("chat_id") if scope.get("type") == "chat" else None


async def test_registration_offers_the_language_once_when_telegram_is_not_indonesian(
    tg, bot
) -> None:
    jan = tg.user(first_name="Jan", language_code="nl")
    await jan.send("/daftar")
    offer = await jan.expect(locales.plain("id", "language.offer").split(".")[0])
    assert offer.buttons == [["Bahasa Indonesia", "English"]]
    await jan.press("English")
    notice = await jan.expect("Privacy notice")
    assert notice.message_id == offer.message_id
    assert await users.language(bot.db, jan.id) == "en"
    await jan.send("/cancel")
    await jan.expect("Registration cancelled")
    # Once: the second /daftar goes straight to the notice, in the language chosen.
    await jan.send("/register")
    await jan.expect("Privacy notice")
    assert not any("choose the bot's language" in m.text for m in jan.messages[-1:])
    # Telegram in Indonesian: nothing is offered.
    ani = tg.user(first_name="Ani", language_code="id")
    await ani.send("/daftar")
    first = await ani.expect("Pemberitahuan Privasi")
    assert "pilih bahasa" not in first.text


async def test_english_command_names_work_for_everyone_and_fill_the_english_menus(tg, bot) -> None:
    await registered(bot.db, 881_001, full_name="Budi Santoso")
    budi = tg.user(first_name="Budi", language_code="id", user_id=881_001)
    await budi.send("/schedule")
    await budi.expect("Jadwal")
    await budi.send("/mydata")
    await budi.expect("Data Bapak/Ibu yang kami simpan")
    await budi.send("/myproposals")
    await budi.expect("belum mengirim usulan")
    await budi.send("/propose")
    await budi.expect("Usulan program unggulan")
    await budi.send("/cancel")
    await budi.expect("draf usulan dibatalkan")
    await budi.send("/deletedata")
    await budi.expect("Bapak/Ibu akan menghapus data pribadi")
    await budi.press(locales.plain("id", "registration.delete_no"))
    await budi.send("/register")
    await budi.expect("sudah terdaftar")
    # The menus Telegram shows English users carry the English names.
    private = BotCommandScopeAllPrivateChats()
    got = await bot.app.bot.get_my_commands(scope=private, language_code="en")
    english = [c.command for c in got]
    assert "register" in english and "schedule" in english and "daftar" not in english
    indonesian = [c.command for c in await bot.app.bot.get_my_commands(scope=private)]
    assert "daftar" in indonesian and "register" not in indonesian


def test_one_alias_per_command_and_no_alias_taken_twice() -> None:
    aliases = list(ENGLISH.values())
    assert len(aliases) == len(set(aliases))
    assert not set(aliases) & set(ENGLISH)  # no English name is another Indonesian one
    assert names("jadwal") == ["jadwal", "schedule"] and names("faq") == ["faq"]
    assert [shown(c, "en") for c in PARTICIPANT_MENU][:3] == ["start", "register", "schedule"]
