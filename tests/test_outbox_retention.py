"""Outbox retention (issue: scale): finished rows older than OUTBOX_KEEP_DAYS leave the
outbox, while "never twice" and /siaran's reports survive them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import outbox
from storage.db import Database
from storage.outbox import OutgoingMessage
from tests.harness import RunningBot
from tests.schedule_helpers import now, session, write_event
from tests.test_broadcast import choose_audience, received, seed, send_now
from tests.test_reminders import _seed_all, _settings

LATER = datetime.now(UTC) + timedelta(days=3650)  # every finished row is "old"


def message(key: str, chat_id: int = 1) -> OutgoingMessage:
    return OutgoingMessage("reminder", chat_id, {"text": "x"}, dedupe_key=key)


async def test_prune_keeps_the_keys_and_spares_what_is_not_finished(tmp_path: Path) -> None:
    db = await Database(tmp_path / "o.sqlite3").open()
    try:
        await outbox.enqueue(db, [message("a"), message("b", 2), message("c", 3)])
        await db.execute("UPDATE outbox SET status = 'sent' WHERE dedupe_key IN ('a', 'b')")
        assert await outbox.prune(db, LATER, batch=1) == 2  # batches of one: two rounds
        assert await outbox.size(db) == (1, 2)  # "c" is still pending: kept
        # A pruned key is still sent: enqueueing it again adds nothing.
        assert await outbox.enqueue(db, [message("a"), message("d")]) == 1
        keys = {r[0] for r in await db.fetchall("SELECT dedupe_key FROM outbox")}
        assert keys == {"c", "d"}
        # Recent rows stay however finished they are.
        await db.execute("UPDATE outbox SET status = 'failed'")
        assert await outbox.prune(db, datetime.now(UTC) - timedelta(days=1)) == 0
    finally:
        await db.close()


async def test_a_pruned_reminder_is_not_sent_again(tg, tmp_path: Path) -> None:
    start = now() + timedelta(minutes=30)
    path = write_event(tmp_path / "e.yaml", [[session("p1", start)]], ["1h"])
    settings = _settings(tg, tmp_path, path)
    await _seed_all(settings.database_path, [(7601, "id", {})])
    user = tg.user(first_name="Rina", language_code="id", user_id=7601)
    bot = await RunningBot(settings).start()
    try:
        await user.expect("Pengingat bimtek", timeout=8)  # the overdue 1h reminder, caught up
        for _ in range(100):  # the sender records "sent" just after Telegram's answer
            if await bot.db.fetchone("SELECT 1 FROM outbox WHERE status = 'sent'"):
                break
            await user.expect_silence(0.05)
        assert await outbox.prune(bot.db, LATER) >= 1
        assert await bot.db.fetchone("SELECT 1 FROM outbox WHERE kind = 'reminder'") is None
        await bot.restart()  # the catch-up runs again at start-up
        await user.expect_silence(2.0)
        assert len(user.messages) == 1
    finally:
        await bot.stop()


async def test_siaran_reports_survive_pruning(tg, bot, organiser) -> None:
    sims = await seed(bot.db, tg)
    await choose_audience(organiser, "all")
    await send_now(organiser, "Sesi kedua dimulai pukul 13.00")
    report = await organiser.expect("Laporan pengumuman", timeout=15)
    await organiser.send("/siaran")
    before = await organiser.expect("Terkirim")
    assert await outbox.prune(bot.db, LATER) >= len(sims)
    assert await bot.db.fetchone("SELECT 1 FROM outbox WHERE kind = 'broadcast'") is None
    await organiser.send("/siaran")
    after = await organiser.expect("Terkirim")
    assert after.text == before.text and "Terkirim" in report.text
    for sim in sims.values():
        assert received(tg, sim.id) == ["Sesi kedua dimulai pukul 13.00"]
