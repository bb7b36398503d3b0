"""Webhook mode end to end: the real bot (PTB's own webhook server, tornado) behind
localtg, which posts updates to it as Telegram does (with the secret token header,
retrying until it answers 200)."""

from __future__ import annotations

import asyncio
import time

import httpx

from storage import participants, processed_updates
from tests.conftest import ORGANISER_ID
from tests.harness import TOKEN, BotProcess, RunningBot, make_settings, webhook_settings
from tests.seeding import registered
from tests.test_broadcast import HEADERS, label, send_now, wait_for
from tests.test_registration import ID, check_profile, register_via_bot


def posts_of(tg, update_id: int) -> list[int]:
    """The statuses the bot answered to the deliveries of one update."""
    return [p.status for p in tg.webhook_posts if p.update_id == update_id]


def command_update(tg, user, text: str, update_id: int) -> dict:
    """A raw update carrying a command from `user`, as Telegram would post it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": 9_000 + update_id % 1000,
            "from": user.to_dict(),
            "chat": user.private_chat(),
            "date": int(time.time()),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_registration_and_a_broadcast_in_webhook_mode(tg, tmp_path) -> None:
    settings = webhook_settings(tg, tmp_path / "bot.sqlite3", organiser_ids=[ORGANISER_ID])
    bot = await RunningBot(settings).start()
    try:
        # The bot set the webhook itself, with the secret, and never polls.
        assert tg.webhook_url == settings.webhook_url
        (call,) = tg.calls("setWebhook")
        assert call.params["secret_token"] == "s3cret-Token_1"
        siti = tg.user(first_name="Siti", language_code="id")
        await register_via_bot(
            siti, "id", "Siti Rahmawati", "diskominfo", "tim_pelaksana", "governance", "offline"
        )
        await check_profile(bot.db, siti.id, full_name="Siti Rahmawati", opd_id="diskominfo")

        people = [840001 + i for i in range(5)]
        for user_id in people:
            await registered(bot.db, user_id, role="dewan", dimension="all")
            tg.user(first_name=f"P{user_id}", language_code="id", user_id=user_id)
        organiser = tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
        await organiser.send("/umumkan")
        await organiser.expect("Kepada siapa")
        await organiser.press(label("aud_all"))
        await organiser.expect("Silakan kirim isi pengumuman")
        await send_now(organiser, "Rapat dimulai pukul 09.00")
        await organiser.expect("Laporan pengumuman", timeout=20)
        for user_id in [*people, siti.id]:
            last = tg.sent_messages(user_id)[-1].content
            assert last == HEADERS["id"] + "\n\nRapat dimulai pukul 09.00"
    finally:
        await bot.stop()
    assert not [c for c in tg.calls("getUpdates") if c.status == 200]
    # Every update went by webhook, each taken at the first post.
    ids = {p.update_id for p in tg.webhook_posts}
    assert len(ids) >= 10 and all(posts_of(tg, i) == [200] for i in ids)


async def test_a_request_without_the_right_secret_changes_nothing(tg, tmp_path) -> None:
    settings = webhook_settings(tg, tmp_path / "bot.sqlite3")
    bot = await RunningBot(settings).start()
    try:
        user = tg.user(first_name="Budi", language_code="id")
        await registered(bot.db, user.id, full_name="Budi Santoso")
        forged = command_update(tg, user, "/hapusdata", 77_001)
        assert await tg.post_to_webhook(forged, secret="wrong-secret") == 403
        assert await tg.post_to_webhook(forged, secret=None) == 403
        await user.expect_silence(1.0)
        assert tg.sent_messages(user.id) == []
        assert not await processed_updates.seen(bot.db, 77_001)
        assert (await participants.get(bot.db, user.id)).full_name == "Budi Santoso"
        # The same request with the right secret is taken: the refusals above were the secret.
        assert await tg.post_to_webhook(forged, secret="s3cret-Token_1") == 200
        await user.expect("hapus")
        await tg.wait_idle(quiet=0.3)
        # Finished updates reach SQLite in batches, at most FLUSH_AFTER (1 s) later.
        for _ in range(60):
            if await processed_updates.seen(bot.db, 77_001):
                break
            await asyncio.sleep(0.05)
        assert await processed_updates.seen(bot.db, 77_001)
    finally:
        await bot.stop()


async def test_an_update_posted_again_after_a_lost_answer_is_processed_once(tg, tmp_path) -> None:
    bot = await RunningBot(webhook_settings(tg, tmp_path / "bot.sqlite3")).start()
    try:
        user = tg.user(first_name="Rina", language_code="id")
        await user.send("/privasi")
        await tg.wait_idle(quiet=0.5)
        once = len(tg.sent_messages(user.id))
        assert once >= 1
        tg.lose_webhook_answers(1)
        await user.send("/privasi")
        await tg.wait_idle(quiet=0.5)
        second = max(p.update_id for p in tg.webhook_posts)
        assert len(posts_of(tg, second)) == 2  # Telegram posted it again
        assert len(tg.sent_messages(user.id)) == 2 * once  # but the bot answered once
    finally:
        await bot.stop()


async def test_switching_modes_needs_no_manual_step_and_loses_nothing(tg, tmp_path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    polling = make_settings(tg, db_path)
    webhook = webhook_settings(tg, db_path)
    user = tg.user(first_name="Andi", language_code="id")

    bot = await RunningBot(polling).start()
    await user.send("/privasi")
    await user.expect("Pemberitahuan Privasi")
    await bot.stop()
    await user.send("/bantuan")  # waits at Telegram while no bot runs
    bot = await RunningBot(webhook).start()  # the bot sets the webhook; the update arrives
    try:
        await user.expect("/jadwal", timeout=10)
        assert tg.webhook_url == webhook.webhook_url
        async with httpx.AsyncClient() as client:  # Telegram refuses polling meanwhile
            answer = await client.post(f"{tg.base_url}{TOKEN}/getUpdates")
        assert answer.status_code == 409
    finally:
        await bot.stop()
    count = len(tg.sent_messages(user.id))
    await user.send("/privasi")  # waits while no bot runs: the fake cannot post it
    await wait_for(lambda: any(p.status == 0 for p in tg.webhook_posts), within=5)
    bot = await RunningBot(polling).start()  # deletes the webhook and polls the update
    try:
        await user.expect("Pemberitahuan Privasi", timeout=10)
        await tg.wait_idle(quiet=0.5)
        assert tg.webhook_url == ""
        assert tg.calls("deleteWebhook")
    finally:
        await bot.stop()
    assert len(tg.sent_messages(user.id)) == count + 1
    assert tg.pending_updates == []


async def test_restart_while_updates_wait(tg, tmp_path) -> None:
    """`bot.py run` in webhook mode, stopped mid-registration; the participant goes on
    typing; the restarted bot gets the waiting updates and every answer is stored once."""
    settings = webhook_settings(tg, tmp_path / "bot.sqlite3")
    user = tg.user(first_name="Dewi", language_code="id")
    proc = BotProcess(settings).start()
    try:
        await user.send("/daftar")
        await user.expect(ID["notice"], timeout=20)
        await user.press(ID["agree"])
        await user.expect(ID["step"].format(n=1))
        await proc.stop()
        await user.send("Dewi Lestari, S.T.")  # nobody listens: the fake retries
        await wait_for(lambda: any(p.status == 0 for p in tg.webhook_posts), within=5)
        assert len(tg.pending_updates) == 1
        proc = BotProcess(settings).start()
        await user.expect(ID["step"].format(n=2), timeout=20)
        await tg.wait_idle(quiet=0.5)
    finally:
        await proc.stop()
    assert "Receiving updates by webhook" in proc.log()
    assert "s3cret-Token_1" not in proc.log() and TOKEN not in proc.log()
    stored = [m for m in tg.sent_messages(user.id) if "Dewi Lestari" in m.content]
    assert len(stored) == 1  # "Nama tercatat: ..." once
    assert tg.pending_updates == []


def test_webhook_settings_are_checked_before_anything_starts(tmp_path) -> None:
    import pytest
    from pydantic import ValidationError

    from config import Settings, describe_settings_error
    from tests.harness import run_cli

    def refused(**values: str) -> str:
        with pytest.raises(ValidationError) as caught:
            Settings(_env_file=None, bot_token=TOKEN, **values)
        return describe_settings_error(caught.value)

    url = "https://bot.example.go.id/b"
    assert "WEBHOOK_URL" in refused(webhook_url="http://bot.example.go.id/b", webhook_secret="a")
    assert "https" in refused(webhook_url="ftp://x/b", webhook_secret="abc")
    bad = refused(webhook_url=url, webhook_secret="a b")
    assert "WEBHOOK_SECRET may hold only" in bad and "a b" not in bad
    # The command line: one line, exit 2, before anything starts.
    no_secret = run_cli("check", BOT_TOKEN=TOKEN, WEBHOOK_URL=url)
    assert no_secret.returncode == 2
    assert no_secret.stderr.strip() == (
        "Configuration error: WEBHOOK_SECRET is required with WEBHOOK_URL (1-256 letters, "
        "digits, _ or -; e.g. the output of `openssl rand -hex 32`)"
    )


async def test_an_unreadable_update_by_webhook_is_skipped_not_posted_forever(
    tg, tmp_path, caplog
) -> None:
    import logging

    from tests.test_unreadable_update import broken_message

    caplog.set_level(logging.INFO)
    bot = await RunningBot(webhook_settings(tg, tmp_path / "bot.sqlite3")).start()
    try:
        siti = tg.user(first_name="Siti Rahasia", language_code="id")
        bad_id = tg.enqueue_raw(broken_message(siti, "Siti Rahasia 0812-3456-7890"))
        await siti.send("/bantuan")
        await siti.expect("Perintah yang tersedia", timeout=10)
        await tg.wait_idle(quiet=0.3)
    finally:
        await bot.stop()
    assert posts_of(tg, bad_id) == [200]  # taken at once, not refused and posted again
    lines = [r.getMessage() for r in caplog.records if str(bad_id) in r.getMessage()]
    assert any("could not be read" in line for line in lines), lines
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert "Siti Rahasia" not in everything and "0812" not in everything
