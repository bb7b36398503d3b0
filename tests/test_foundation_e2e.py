"""End-to-end: the real Application, over HTTP and long polling, against the fake server."""

from __future__ import annotations

import asyncio
import time

from tests.harness import TOKEN, BotProcess, RunningBot


async def test_start_welcomes_and_points_to_registration(tg, bot) -> None:
    budi = tg.user(first_name="Budi", language_code="id")
    started = time.monotonic()
    await budi.send("/start")
    msg = await budi.expect("Selamat datang", timeout=5)
    assert time.monotonic() - started < 1.0, "the bot should answer /start within a second"
    assert "Bapak/Ibu Budi" in msg.text
    assert "/daftar" in msg.text
    assert "Bimtek Penyusunan Masterplan Smart City" in msg.text


async def test_user_supplied_name_is_escaped(tg, bot) -> None:
    tricky = tg.user(first_name='<b>&"', language_code="id")
    await tricky.send("/start")
    msg = await tricky.expect("Selamat datang")
    # The fake server refuses bad HTML with 400, so arriving at all proves it was escaped;
    # the user sees their name literally, not as markup.
    assert '<b>&"' in msg.text
    assert "&lt;b&gt;&amp;" in msg.html


async def test_english_user_gets_english(tg, bot) -> None:
    alice = tg.user(first_name="Alice", language_code="en")
    await alice.send("/start")
    msg = await alice.expect("Welcome, Alice")
    assert "register" in msg.text
    await alice.send("/help")
    help_msg = await alice.expect("Available commands")
    assert "/schedule" in help_msg.text and "/jadwal" not in help_msg.text
    assert "/export" not in help_msg.text


async def test_help_depends_on_role(tg, bot, admin, organiser) -> None:
    siti = tg.user(first_name="Siti", language_code="id")
    await siti.send("/bantuan")
    text = (await siti.expect("Perintah yang tersedia")).text
    assert "/daftar" in text and "/umumkan" not in text and "/ekspor" not in text

    await organiser.send("/bantuan")
    text = (await organiser.expect("Perintah yang tersedia")).text
    assert "/umumkan" in text and "/ekspor" not in text

    await admin.send("/bantuan")
    text = (await admin.expect("Perintah yang tersedia")).text
    assert "/umumkan" in text and "/ekspor" in text and "/panitia" in text


async def test_unknown_command_and_stray_message_get_a_hint(tg, bot) -> None:
    rina = tg.user(first_name="Rina", language_code="id")
    await rina.send("/abrakadabra")
    assert "tidak dikenal" in (await rina.expect("/bantuan")).text
    await rina.send_sticker()
    assert "/bantuan" in (await rina.expect("belum memahami")).text


async def test_cancel_without_flow(tg, bot) -> None:
    rina = tg.user(first_name="Rina", language_code="id")
    await rina.send("/batal")
    await rina.expect("Tidak ada proses")


async def test_group_start_and_help(tg, bot) -> None:
    group = tg.group(title="Bimtek Probolinggo")
    joko = tg.user(first_name="Joko", language_code="id")
    await joko.send("/start@bimtek_test_bot", chat=group)
    await joko.expect("Halo, Bapak/Ibu. Saya asisten", chat=group)
    await joko.send("/bantuan", chat=group)
    text = (await joko.expect("Perintah yang tersedia", chat=group)).text
    assert "/jadwal" in text and "/datasaya" not in text
    # An unknown command meant for another bot is ignored in a group.
    await joko.send("/lain@other_bot", chat=group)
    assert await joko.wait_idle(0.5, chat=group) == []


async def test_command_menus_in_both_languages(tg, bot) -> None:
    commands = tg.commands
    assert any(code == "en" for (_scope, code) in commands)
    private_id = commands[("all_private_chats", None)]
    assert any(c["command"] == "daftar" for c in private_id)
    assert not any(c["command"] in ("ekspor", "panitia", "umumkan") for c in private_id)


async def test_restart_on_the_same_database(tg, settings) -> None:
    running = await RunningBot(settings).start()
    try:
        dewi = tg.user(first_name="Dewi", language_code="id")
        await dewi.send("/start")
        await dewi.expect("Selamat datang")
        await running.restart()
        row = await running.db.fetchone("SELECT language FROM users WHERE user_id = ?", (dewi.id,))
        assert row is not None and row["language"] == "id"
        await dewi.send("/start")
        await dewi.expect("Selamat datang")
    finally:
        await running.stop()


async def test_bot_process_answers_and_never_logs_the_token(tg, settings) -> None:
    process = BotProcess(settings.model_copy(update={"log_level": "DEBUG"})).start()
    try:
        eko = tg.user(first_name="Eko", language_code="id")
        await eko.send("/start")
        await eko.expect("Selamat datang", timeout=20)
    finally:
        await process.stop()
    await asyncio.sleep(0.1)
    log = process.log()
    assert "getUpdates" in log or "Bot @" in log, log[-2000:]
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log


async def test_staff_menus_per_chat(tg, bot, settings) -> None:
    def menu(user_id: int) -> list[str]:
        return [c["command"] for c in tg.commands[(f"chat:{user_id}", None)]]

    organiser, admin = settings.organiser_ids[0], settings.admin_ids[0]
    # Telegram refuses a chat's menu until the person has opened the bot, so the start-up
    # menus of staff who never wrote are missing; their first message sets them.
    assert (f"chat:{admin}", None) not in tg.commands
    for user_id in (organiser, admin):
        staff = tg.user(first_name="Staf", language_code="id", user_id=user_id)
        await staff.send("/bantuan")
        await staff.expect("Perintah yang tersedia")
    assert {"umumkan", "siaran", "rekap", "statistik"} <= set(menu(organiser))
    assert not {"ekspor", "panitia"} & set(menu(organiser))
    assert {"umumkan", "ekspor", "panitia", "muatulang"} <= set(menu(admin))
