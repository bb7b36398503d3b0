"""Runtime configuration, read from the environment and `.env` through pydantic-settings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_EVENT_FILE = PROJECT_ROOT / "data" / "events" / "probolinggo-2021.yaml"

TOKEN_HELP = (
    "BOT_TOKEN is not set. Create a bot with @BotFather in Telegram, then run "
    "`export BOT_TOKEN=123456:ABC...` or put `BOT_TOKEN=...` in a .env file."
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
    # Finished outbox rows older than this leave the outbox (their dedupe keys are kept).
    outbox_keep_days: int = Field(default=30, ge=1)

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
        name = ".".join(str(p) for p in first.get("loc", ())) or "configuration"
        message = str(first.get("msg", exc)).removeprefix("Value error, ")
        return f"Configuration error: {name.upper()}: {message}"
    return f"Configuration error: {exc}"
