"""A local fake Telegram Bot API server for end-to-end tests (see server.py)."""

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
