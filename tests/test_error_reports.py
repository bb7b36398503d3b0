"""Unexpected errors reach the admins (at most once an hour per distinct error, without
personal data), and LOG_FORMAT=json writes one JSON object per line, token redacted."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import handlers.start.commands
import locales
from cli import JsonFormatter, RedactToken
from schedules.clock import Clock
from storage import status
from tests.conftest import ADMIN_ID
from tests.harness import TOKEN, BotProcess, RunningBot, make_settings, webhook_settings
from tests.test_broadcast import wait_for

PERSONAL = "Siti Rahmawati 081234567890"


def reports(tg, place: str = "help_command") -> list[str]:
    """The admin's reports of the error at `place` (the first /bantuan of a new user also
    fails where the bot remembers the user: another place, so another error, another report)."""
    return [
        m.content
        for m in tg.sent_messages(ADMIN_ID)
        if "Kesalahan pada bot" in m.content and place in m.content
    ]


async def test_admins_hear_of_an_error_once_an_hour_without_personal_data(
    tg, tmp_path, monkeypatch
) -> None:
    async def broken(context, user_id):  # noqa: ANN001, ANN202 (the replaced function's shape)
        raise RuntimeError(f"cannot look up {PERSONAL}")

    clock = Clock()
    settings = make_settings(tg, tmp_path / "bot.sqlite3", admin_ids=[ADMIN_ID])
    bot = await RunningBot(settings, clock=clock).start()
    try:
        admin = tg.user(first_name="Admin", language_code="id", user_id=ADMIN_ID)
        await admin.send("/start")  # the admin has a private chat with the bot
        await tg.wait_idle(quiet=0.3)
        monkeypatch.setattr(handlers.start.commands, "is_organiser", broken)
        user = tg.user(first_name="Siti", language_code="id")
        for _ in range(3):
            await user.send("/bantuan")
            await user.expect(locales.plain("id", "common.error"))  # the short polite message
        await wait_for(lambda: len(reports(tg)) == 1)
        await tg.wait_idle(quiet=1.0)
        (first,) = reports(tg)
        assert (
            "handlers/start/commands.py:help_command > tests/test_error_reports.py:broken" in first
        )
        assert "RuntimeError" in first and "(message)" in first
        assert "Terjadi 1 kali" in first
        assert PERSONAL not in first and "Siti" not in first and TOKEN not in first
        last = await status.get(bot.db, "error")
        assert last["count"] == 3 and "help_command" in last["summary"]
        clock.shift(timedelta(hours=1, minutes=1))  # an hour later the same error is told again
        await user.send("/bantuan")
        await wait_for(lambda: len(reports(tg)) == 2)
        assert "Terjadi 4 kali, 3 di antaranya sejak laporan sebelumnya" in reports(tg)[1]
    finally:
        await bot.stop()
    assert all(PERSONAL not in m.content for m in tg.sent_messages())  # nobody saw it


def test_json_log_lines_are_objects_without_token_or_trace() -> None:
    record = logging.LogRecord(
        "bimtek", logging.ERROR, __file__, 1, "call %s failed", (f"/bot{TOKEN}/getMe",), None
    )
    try:
        raise ValueError(f"bad token {TOKEN}\nsecond line")
    except ValueError as exc:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    RedactToken([TOKEN, "hook-secret"]).filter(record)
    line = JsonFormatter([TOKEN, "hook-secret"]).format(record)
    entry = json.loads(line)
    assert "\n" not in line and TOKEN not in line and "Traceback" not in line
    assert entry["level"] == "ERROR" and entry["logger"] == "bimtek"
    assert entry["message"] == "call /bot<BOT_TOKEN>/getMe failed"
    assert (
        entry["error_type"] == "ValueError"
        and entry["error"] == "bad token <BOT_TOKEN> | second line"
    )
    assert entry["time"].endswith("+00:00")


async def test_the_running_bot_logs_json_with_log_format_json(tg, tmp_path) -> None:
    settings = webhook_settings(tg, tmp_path / "bot.sqlite3", log_format="json")
    proc = BotProcess(settings).start()
    try:
        user = tg.user(first_name="Ani", language_code="id")
        await user.send("/bantuan")
        await user.expect("/jadwal", timeout=20)
    finally:
        await proc.stop()
    lines = [line for line in proc.log().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any("ready (webhook)" in e["message"] for e in entries)
    text = proc.log()
    assert TOKEN not in text and "s3cret-Token_1" not in text
