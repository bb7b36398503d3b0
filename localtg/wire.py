"""The wire format of the fake Bot API: errors shaped like Telegram's, decoded request
parameters, the log record of a call, and Telegram's size limits.

What PTB 22 sends: every method is ``POST {base}/bot{TOKEN}/{method}``. Without files the body
is ``application/x-www-form-urlencoded`` where strings are sent as-is and every other value
(ints, bools, lists, dicts: reply_markup, entities, commands, scope, reply_parameters, ...) is a
JSON string. With files it is ``multipart/form-data``: the same fields plus one file part per
upload, named after the parameter ("document", "photo") or a random "attached<hex>" name
referenced as ``attach://<name>`` (thumbnails, media groups). Plain JSON bodies and GET query
strings are accepted too (other clients use them)."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from aiohttp import web

__all__ = ["ApiError", "COUNTED_METHODS", "RequestRecord"]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

COUNTED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendSticker",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendMediaGroup",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)

_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "file_id",
        "language_code",
        "action",
        "title",
        "description",
        "short_description",
        "name",
        "emoji",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "address",
        "question",
        "secret_token",
        "business_connection_id",
        "message_effect_id",
        "custom_title",
        "photo",
        "document",
        "audio",
        "voice",
        "video",
        "animation",
        "sticker",
        "video_note",
        "thumbnail",
    }
)

_MEDIA_KINDS = (
    "photo",
    "document",
    "voice",
    "audio",
    "video",
    "animation",
    "sticker",
    "video_note",
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


class ApiError(Exception):
    """An error response, shaped exactly like Telegram's."""

    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _too_many(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


class RequestRecord(NamedTuple):
    """One API call: ``(time, method, params, chat_id, status)``; time is time.monotonic()."""

    time: float
    method: str
    params: dict
    chat_id: int | None
    status: int


class _Upload(NamedTuple):
    filename: str | None
    content: bytes
    content_type: str | None


class _Params(dict):
    """Decoded request parameters; uploaded file parts live in ``files``."""

    def __init__(self, values: dict, files: dict[str, _Upload]) -> None:
        super().__init__(values)
        self.files = files

    def int(self, key: str, *, required: bool = False, default: int | None = None) -> int | None:
        value = self.get(key)
        if value is None or value == "":
            if required:
                raise _bad(f"{key} is empty")
            return default
        if isinstance(value, bool):
            raise _bad(f"wrong {key} specified")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise _bad(f"wrong {key} specified") from None

    def bool(self, key: str) -> bool:
        value = self.get(key)
        return value is True or value in ("true", "True", "1", 1)

    def loggable(self) -> dict:
        out = dict(self)
        for name, upload in self.files.items():
            out[name] = {"filename": upload.filename, "size": len(upload.content)}
        return out


def _decode_value(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def read_params(request: web.Request) -> _Params:
    """The parameters of one call: query string, then the form, multipart or JSON body."""
    values: dict[str, Any] = {}
    files: dict[str, _Upload] = {}
    for key, value in request.query.items():
        values[key] = _decode_value(key, value)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                values.update(body)
        else:
            form = await request.post()
            for key, item in form.items():
                if isinstance(item, web.FileField):
                    files[key] = _Upload(item.filename, item.file.read(), item.content_type)
                elif isinstance(item, str):
                    values[key] = _decode_value(key, item)
                else:
                    values[key] = _decode_value(key, bytes(item).decode("utf-8", "replace"))
    return _Params(values, files)
