"""Run the real bot against the fake Telegram server: in-process, or as a subprocess that
tests can SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bot import start_in_loop, stop_in_loop
from config import PROJECT_ROOT, Settings
from schedules.clock import Clock
from schedules.event import Event, load_event

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
FUTURE_EVENT = PROJECT_ROOT / "data" / "events" / "demo-future.yaml"


def make_settings(tg: Any, db_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "telegram_api_base_url": tg.base_url,
        "telegram_api_base_file_url": tg.base_file_url,
        "database_path": db_path,
        "event_file": FUTURE_EVENT,
        "admin_ids": [],
        "organiser_ids": [],
        "log_level": "INFO",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


class RunningBot:
    """The real Application, polling the fake server in this event loop."""

    def __init__(self, settings: Settings, event: Event | None = None, clock: Clock | None = None):
        self.settings = settings
        self.clock = clock or Clock()
        self.event = event
        self.app: Any = None

    @property
    def services(self) -> Any:
        return self.app.bot_data["services"]

    @property
    def db(self) -> Any:
        return self.services.db

    async def start(self) -> RunningBot:
        self.app = await start_in_loop(self.settings, event=self.event, clock=self.clock)
        return self

    async def stop(self) -> None:
        if self.app is None:
            return
        app, self.app = self.app, None
        await stop_in_loop(app)

    async def restart(self) -> RunningBot:
        await self.stop()
        return await self.start()


class BotProcess:
    """`python bot.py run` as a child process, for crash tests (SIGKILL)."""

    def __init__(self, settings: Settings, extra_env: dict[str, str] | None = None) -> None:
        self.settings = settings
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = Path(str(settings.database_path) + ".log")

    def env(self) -> dict[str, str]:
        s = self.settings
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
        env.update(
            {
                "BOT_TOKEN": s.bot_token.get_secret_value() if s.bot_token else "",
                "TELEGRAM_API_BASE_URL": s.telegram_api_base_url or "",
                "TELEGRAM_API_BASE_FILE_URL": s.telegram_api_base_file_url or "",
                "DATABASE_PATH": str(s.database_path),
                "EVENT_FILE": str(s.event_file),
                "ADMIN_IDS": ",".join(map(str, s.admin_ids)),
                "ORGANISER_IDS": ",".join(map(str, s.organiser_ids)),
                "LOG_LEVEL": s.log_level,
                "LOG_FORMAT": s.log_format,
                "WEBHOOK_URL": s.webhook_url or "",
                "WEBHOOK_LISTEN": s.webhook_listen,
                "WEBHOOK_PORT": str(s.webhook_port),
                "WEBHOOK_SECRET": s.webhook_secret.get_secret_value() if s.webhook_secret else "",
                "BACKUP_DIR": str(s.backups),
                "BACKUP_KEEP": str(s.backup_keep),
            }
        )
        env.update(self.extra_env)
        return env

    def start(self) -> BotProcess:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, str(PROJECT_ROOT / "bot.py"), "run"],
            cwd=self.settings.database_path.parent,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(5)

    async def terminate(self, within: float = 30.0) -> float:
        """SIGTERM, as `systemctl stop` sends; returns how long the process took to exit."""
        assert self.proc is not None
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        while self.proc.poll() is None:
            if time.monotonic() - started > within:
                self.kill()
                raise AssertionError(f"the bot did not stop within {within} s of SIGTERM")
            await asyncio.sleep(0.05)
        return time.monotonic() - started

    async def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            for _ in range(100):
                if self.proc.poll() is not None:
                    break
                await asyncio.sleep(0.05)
            else:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def free_port() -> int:
    """A TCP port nobody listens on now (for the bot's webhook server in tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def webhook_settings(
    tg: Any, db_path: Path, secret: str = "s3cret-Token_1", **overrides: Any
) -> Settings:
    """Settings for webhook mode: the fake server posts to the bot on a free loopback port."""
    port = free_port()
    return make_settings(
        tg,
        db_path,
        webhook_url=f"http://127.0.0.1:{port}/hook/bimtek",
        webhook_listen="127.0.0.1",
        webhook_port=port,
        webhook_secret=secret,
        **overrides,
    )


def future_event() -> Event:
    return load_event(FUTURE_EVENT)


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python bot.py ARGS` in a bare environment (no .env, no inherited settings)."""
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "bot.py"), *args],
        env={**base, **env},
        cwd="/tmp",
        capture_output=True,
        text=True,
        timeout=60,
    )
