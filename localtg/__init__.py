"""localtg: a local Telegram Bot API server (aiohttp on 127.0.0.1), a component of the product.

The end-to-end tests run the real bot against it, and so does the sandbox (sandbox/app.py:
`python bot.py sandbox`, or `make run` without a token). It keeps Telegram's shapes, errors and
flood limits, so that what works here works on Telegram. It imports nothing of the project
(import-linter checks). See server.py."""

from .html import HTMLParseError, parse_html
from .server import COUNTED_METHODS, ApiError, FakeTelegram, LimitViolation, RequestRecord
from .users import BotMessage, CallbackAnswer, FileInfo, SimChat, SimUser

__all__ = [
    "COUNTED_METHODS",
    "ApiError",
    "BotMessage",
    "CallbackAnswer",
    "FakeTelegram",
    "FileInfo",
    "HTMLParseError",
    "LimitViolation",
    "RequestRecord",
    "SimChat",
    "SimUser",
    "parse_html",
]
