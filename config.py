"""Runtime configuration, read from the environment and `.env` through pydantic-settings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_EVENT_FILE = PROJECT_ROOT / "data" / "events" / "probolinggo-2021.yaml"

TOKEN_HELP = (
    "BOT_TOKEN is not set. Create a bot with @BotFather in Telegram, then run "
    "`export BOT_TOKEN=123456:ABC...` or put `BOT_TOKEN=...` in a .env file. To try the bot "
    "without Telegram: `python bot.py sandbox`."
)
MALFORMED_TOKEN_HELP = (
    "BOT_TOKEN is not a bot token (it looks like 123456789:ABCdef..., digits, a colon and "
    "about 35 letters, digits, - or _). Copy it again from @BotFather."
)
REJECTED_TOKEN_HELP = (
    "BOT_TOKEN was refused by Telegram (revoked or mistyped). Get the current token from "
    "@BotFather (/mybots, API Token) and set BOT_TOKEN again."
)
# Telegram's tokens: the bot's numeric id, a colon, a secret of letters, digits, - and _.
_TOKEN_SHAPE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,100}$")
# Telegram's rule for setWebhook's secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _parse_id_list(value: object) -> list[int]:
    """Accept "1, 2,3", an int, or a list; refuse anything that is not a whole number."""
    if value is None or value == "":
        return []
    if isinstance(value, int):
        return [value]
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    ids: list[int] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if not text.lstrip("-").isdigit():
            raise ValueError(
                f"'{text}' is not a Telegram user id (expected whole numbers, comma-separated)"
            )
        ids.append(int(text))
    return ids


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = None
    telegram_api_base_file_url: str | None = None
    database_path: Path = Path("data/bimtek.sqlite3")
    event_file: Path = DEFAULT_EVENT_FILE
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    organiser_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    #: "text" (one line per record) or "json" (one JSON object per line, for log collectors)
    log_format: Literal["text", "json"] = "text"
    # Webhook mode (polling when WEBHOOK_URL is empty): Telegram posts updates to WEBHOOK_URL,
    # the reverse proxy forwards them to WEBHOOK_LISTEN:WEBHOOK_PORT, same path.
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    # Backups: a daily copy into BACKUP_DIR at BACKUP_TIME (event time zone), the last
    # BACKUP_KEEP kept. No BACKUP_DIR: `<database folder>/backups`.
    backup_dir: Path | None = None
    backup_keep: int = Field(default=7, ge=1, le=365)
    backup_time: str = "02:30"
    # `bot.py status` exits 1 when the running bot's heartbeat is older than this.
    status_max_age: int = Field(default=120, ge=10)
    # Finished outbox rows older than this leave the outbox (their dedupe keys are kept).
    outbox_keep_days: int = Field(default=30, ge=1)
    # The local sandbox's port on 127.0.0.1 (`bot.py sandbox`, `run` without a token); 0: any.
    sandbox_port: int = Field(default=8765, ge=0, le=65535)

    @field_validator("admin_ids", "organiser_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> list[int]:
        return _parse_id_list(value)

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper().strip()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"'{value}' is not a log level (DEBUG, INFO, WARNING, ERROR)")
        return level

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        url = urlsplit(value.strip())
        # Telegram posts only to https; plain http is accepted for a local test server.
        if not url.hostname or (
            url.scheme != "https" and not (url.scheme == "http" and url.hostname in _LOOPBACK)
        ):
            raise ValueError(
                f"'{value}' is not an https:// URL (e.g. https://bot.example.go.id/bimtek)"
            )
        return value.strip()

    @field_validator("backup_time")
    @classmethod
    def _backup_time(cls, value: str) -> str:
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value.strip()):
            raise ValueError(f"'{value}' is not a time of day HH:MM (e.g. 02:30)")
        return value.strip()

    @model_validator(mode="after")
    def _webhook_secret(self) -> Settings:
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if self.webhook_url and not secret:
            raise ValueError(
                "WEBHOOK_SECRET is required with WEBHOOK_URL (1-256 letters, digits, _ or -; "
                "e.g. the output of `openssl rand -hex 32`)"
            )
        if secret and not _SECRET_SHAPE.match(secret):
            raise ValueError("WEBHOOK_SECRET may hold only 1-256 letters, digits, _ and -")
        return self

    @property
    def webhook_path(self) -> str:
        """The path the bot listens on: WEBHOOK_URL's own path (the proxy passes it on)."""
        return urlsplit(self.webhook_url or "").path.strip("/")

    def secrets(self) -> list[str]:
        """Everything no log line may show."""
        values = [self.bot_token, self.webhook_secret]
        return [v.get_secret_value() for v in values if v and v.get_secret_value()]

    @property
    def backups(self) -> Path:
        return self.backup_dir or self.database_path.parent / "backups"

    def token(self) -> str:
        """The bot token; raises a clear error (never showing it) when it is missing or has
        not the shape of a token."""
        if self.bot_token is None or not self.bot_token.get_secret_value().strip():
            raise MissingTokenError(TOKEN_HELP)
        token = self.bot_token.get_secret_value().strip()
        if not _TOKEN_SHAPE.match(token):
            raise MissingTokenError(MALFORMED_TOKEN_HELP)
        return token


class StartupError(RuntimeError):
    """The bot cannot start; the message is one line that says what to do (never a token)."""


class MissingTokenError(StartupError):
    """Raised when the bot is asked to run without a usable BOT_TOKEN (missing, malformed
    or refused by Telegram); the message says what to do and never contains the token."""


def unreachable_help(base_url: str | None) -> str:
    where = f"TELEGRAM_API_BASE_URL ({base_url})" if base_url else "Telegram"
    return f"Cannot reach {where}. Check the network connection and try again."


def describe_settings_error(exc: Exception) -> str:
    """One line naming the setting and what is wrong with it."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        name = ".".join(str(p) for p in first.get("loc", ()))
        message = str(first.get("msg", exc)).removeprefix("Value error, ")
        # A rule across settings names them in its message.
        return (
            f"Configuration error: {name.upper()}: {message}"
            if name
            else f"Configuration error: {message}"
        )
    return f"Configuration error: {exc}"
