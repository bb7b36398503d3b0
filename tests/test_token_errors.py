"""A token Telegram refuses, or one that is not a token at all, stops the bot with one line,
exit status 2, no traceback, and never the token itself (issue: trust, point 3)."""

from __future__ import annotations

import asyncio
import sys

from config import PROJECT_ROOT
from tests.harness import FUTURE_EVENT, run_cli

REVOKED = "987654321:REVOKED-token-abcdefghijklmnopqrstuv"


async def run_bot(tg, token: str, tmp_path) -> tuple[int, str, str]:
    """`python bot.py run` against the fake server, without blocking its event loop."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": tg.base_url,
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "EVENT_FILE": str(FUTURE_EVENT),
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(PROJECT_ROOT / "bot.py"),
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_a_revoked_token_stops_the_bot_with_one_line(tg, tmp_path) -> None:
    code, out, err = await run_bot(tg, REVOKED, tmp_path)
    assert code == 2
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert len(lines) == 1, lines  # PTB's own report of the failure is not printed as well
    assert "refused by Telegram" in lines[0] and "@BotFather" in lines[0]
    assert "Traceback" not in out + err
    assert REVOKED not in out + err and REVOKED.split(":")[1] not in out + err


def test_a_malformed_token_is_refused_before_anything_is_sent() -> None:
    result = run_cli("run", BOT_TOKEN="abc")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "not a bot token" in result.stderr and "@BotFather" in result.stderr
    assert "abc" not in result.stderr.replace("ABCdef", "")
    assert "Traceback" not in result.stderr


def test_log_lines_carry_no_traceback_and_no_token() -> None:
    import logging

    from cli import OneLineFormatter

    formatter = OneLineFormatter("%(levelname)s %(name)s: %(message)s", REVOKED)
    try:
        raise ValueError(f"the token `{REVOKED}` was rejected")
    except ValueError:
        import sys as _sys

        record = logging.LogRecord(
            "x", logging.ERROR, "", 0, "Update %s failed", (7,), _sys.exc_info()
        )
    line = formatter.format(record)
    assert "\n" not in line and "Traceback" not in line
    assert "Update 7 failed" in line and "ValueError" in line
    assert REVOKED not in line and "<BOT_TOKEN>" in line
