"""An update the bot cannot read is skipped with one log line without personal data; the
updates before and after it are answered, during this run and after a restart (issue:
faults, "an unparsable update")."""

from __future__ import annotations

import asyncio
import logging

from tests.harness import RunningBot


def broken_message(user, text: str) -> dict:
    """A message whose chat lacks its type: PTB cannot build the Update."""
    return {
        "message": {
            "message_id": 999,
            "from": user.to_dict(),
            "chat": {"id": user.id, "first_name": user.first_name},
            "date": 1_700_000_000,
            "text": text,
        }
    }


async def test_an_unreadable_update_between_two_good_ones_is_skipped(tg, settings, caplog) -> None:
    caplog.set_level(logging.INFO)
    siti = tg.user(first_name="Siti Rahasia", language_code="id")
    bot = await RunningBot(settings).start()
    try:
        await siti.send("/jadwal")
        await siti.expect("Jadwal")
        bad_id = tg.enqueue_raw(broken_message(siti, "Siti Rahasia 0812-3456-7890"))
        await siti.send("/bantuan")
        await siti.expect("Perintah yang tersedia", timeout=10)
        await asyncio.sleep(0.3)
        lines = [r.getMessage() for r in caplog.records if str(bad_id) in r.getMessage()]
        assert any("could not be read" in line for line in lines), lines
        everything = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
        assert "Siti Rahasia" not in everything and "0812" not in everything
        assert not [r for r in caplog.records if r.levelno >= logging.CRITICAL]
        await bot.restart()
        await siti.send("/faq")
        await siti.expect("Pertanyaan yang sering diajukan", timeout=10)
    finally:
        await bot.stop()
