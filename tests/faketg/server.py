"""A local fake of the Telegram Bot API (aiohttp.web on 127.0.0.1) for end-to-end tests.

The real python-telegram-bot stack (httpx, long polling) talks to it over HTTP exactly as it talks
to api.telegram.org, while simulated users (:class:`~tests.faketg.users.SimUser`) queue updates and
read what the bot sent.

Wire format (what PTB 22 sends): every method is ``POST {base}/bot{TOKEN}/{method}``. Without files
the body is ``application/x-www-form-urlencoded`` where strings are sent as-is and every other value
(ints, bools, lists, dicts: reply_markup, entities, commands, scope, reply_parameters, ...) is a
JSON string. With files it is ``multipart/form-data``: the same fields plus one file part per upload,
named after the parameter ("document", "photo") or a random "attached<hex>" name referenced as
``attach://<name>`` (thumbnails, media groups). Plain JSON bodies and GET query strings are
accepted too (other clients use them).

Rate limits (``enforce_limits``; always used by :meth:`FakeTelegram.limit_violations`), counting
only successful message-creating calls (sendMessage, sendPhoto, sendDocument, copyMessage,
forwardMessage, sendMediaGroup (= 1), ...; not edits, deletes, chat actions or callback answers):

* overall: at most 30 messages in any sliding 1 s window;
* private chat (chat_id > 0): token bucket, burst of 3, refilled at 1 message per second;
* group chat (chat_id < 0): at most 20 messages in any sliding 60 s window.

A refused call gets ``429 Too Many Requests: retry after N`` with ``parameters.retry_after = N``,
N = whole seconds (rounded up, at least 1) until the call would be allowed.
"""

# The test-facing API takes timeout= arguments by design (expect, press, wait_idle).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import itertools
import json
import math
import mimetypes
import re
import secrets
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, NamedTuple

from aiohttp import web

from .html import HTMLParseError, parse_html, strip_formatted, utf16_len
from .users import BotMessage, CallbackAnswer, FileInfo, Pattern, SimChat, SimUser, _matches

__all__ = [
    "ApiError",
    "FakeTelegram",
    "LimitViolation",
    "RequestRecord",
    "COUNTED_METHODS",
]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

GLOBAL_PER_SECOND = 30
PRIVATE_BURST = 3
PRIVATE_PER_SECOND = 1.0
GROUP_PER_MINUTE = 20

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

# Parameters whose form value is a plain string even if it looks like JSON ("123", "true").
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
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
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


@dataclass(frozen=True)
class LimitViolation:
    rule: str  # "global" | "private_chat" | "group_chat"
    time: float
    chat_id: int
    method: str
    detail: str


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


class _Event(NamedTuple):
    msg: BotMessage
    text: str
    kind: str  # "sent" | "edited"


class _Query:
    __slots__ = ("user", "msg", "data", "future")

    def __init__(self, user: SimUser, msg: BotMessage, data: str, future: asyncio.Future) -> None:
        self.user = user
        self.msg = msg
        self.data = data
        self.future = future


class _Injection:
    __slots__ = ("times", "error")

    def __init__(self, times: int, error: ApiError) -> None:
        self.times = times
        self.error = error


class _RateState:
    """The three limits, shared by live enforcement and by limit_violations()."""

    def __init__(self) -> None:
        self.global_times: deque[float] = deque()
        self.private: dict[int, tuple[float, float]] = {}
        self.groups: dict[int, deque[float]] = {}

    def _tokens(self, chat_id: int, t: float) -> float:
        tokens, last = self.private.get(chat_id, (float(PRIVATE_BURST), t))
        return min(float(PRIVATE_BURST), tokens + max(0.0, t - last) * PRIVATE_PER_SECOND)

    def check(self, chat_id: int, t: float) -> tuple[str, float, str] | None:
        """(rule, seconds to wait, detail) of the first limit this send would break."""
        window = self.global_times
        while window and window[0] <= t - 1.0:
            window.popleft()
        if len(window) >= GLOBAL_PER_SECOND:
            return (
                "global",
                window[0] + 1.0 - t,
                f"{len(window) + 1} messages within 1 s (max {GLOBAL_PER_SECOND})",
            )
        if chat_id > 0:
            tokens = self._tokens(chat_id, t)
            if tokens < 1.0 - 1e-9:
                return (
                    "private_chat",
                    (1.0 - tokens) / PRIVATE_PER_SECOND,
                    f"private chat over 1 msg/s (burst {PRIVATE_BURST}); tokens={tokens:.2f}",
                )
        elif chat_id < 0:
            group = self.groups.setdefault(chat_id, deque())
            while group and group[0] <= t - 60.0:
                group.popleft()
            if len(group) >= GROUP_PER_MINUTE:
                return (
                    "group_chat",
                    group[0] + 60.0 - t,
                    f"{len(group) + 1} messages within 60 s (max {GROUP_PER_MINUTE})",
                )
        return None

    def record(self, chat_id: int, t: float) -> None:
        self.global_times.append(t)
        if chat_id > 0:
            self.private[chat_id] = (max(0.0, self._tokens(chat_id, t) - 1.0), t)
        elif chat_id < 0:
            self.groups.setdefault(chat_id, deque()).append(t)


def _retry_after(seconds: float) -> int:
    return max(1, math.ceil(seconds - 1e-9))


_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION_RE = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{4,32}")
_URL_RE = re.compile(r"(?<![\w/])https?://[^\s<>\"]+")


class FakeTelegram:
    """A fake Bot API server. See the module docstring and tests/test_faketg.py for usage."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "bimtek_test_bot",
        *,
        bot_first_name: str = "Bimtek Test Bot",
        strict_html: bool = True,
        privacy_mode: bool = False,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        prefix = token.split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 123456
        self.bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        #: reject a bare "&" in HTML (real Telegram keeps it literally; see html.py)
        self.strict_html = strict_html
        #: deliver only commands, mentions and replies to the bot from groups
        self.privacy_mode = privacy_mode
        #: seconds added to every method call except getUpdates
        self.delay = 0.0
        #: answer 429 when a send would break the limits (see module docstring)
        self.enforce_limits = False
        #: every API call, in order
        self.requests: list[RequestRecord] = []
        #: setMyCommands: {(scope_key, language_code or None): [{"command", "description"}]}
        #: scope_key is scope["type"]; for chat-bound scopes it is "chat:<id>" /
        #: "chat_administrators:<id>" / "chat_member:<chat_id>:<user_id>"
        self.commands: dict[tuple[str, str | None], list[dict]] = {}
        #: setChatMenuButton: {chat_id or None (default): menu button}
        self.menu_buttons: dict[int | None, dict] = {}
        #: setMyName / setMyDescription / setMyShortDescription: {(field, lang): value}
        self.bot_info: dict[tuple[str, str | None], str] = {}
        self.files: dict[str, FileInfo] = {}

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False
        self._signal = asyncio.Event()
        self._ids = itertools.count(1)
        self._user_ids = itertools.count(700_000_001)
        self._group_ids = itertools.count(1)
        self._query_ids = itertools.count(4_382_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._users: dict[int, SimUser] = {}
        self._groups: dict[int, SimChat] = {}
        self._chats: dict[int, dict] = {}
        self._next_mid: dict[int, int] = {}
        self._msgs: dict[tuple[int, int], dict] = {}
        self._deleted: set[tuple[int, int]] = set()
        self._bot_msgs: dict[tuple[int, int], BotMessage] = {}
        self._bot_order: list[BotMessage] = []
        self._events: dict[int, list[_Event]] = {}
        self._cursors: dict[tuple[int, int], int] = {}
        self._timeline: dict[int, list[str]] = {}
        self._last_activity: dict[int, float] = {}
        self._last_any_activity = 0.0
        self._reply_keyboards: dict[int, list[list[str]]] = {}
        self._updates: list[dict] = []
        self._next_update_id = 10_001
        self._delivered_upto = 0
        self._last_delivery = 0.0
        self._allowed_updates: frozenset[str] = _DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._webhook_url = ""
        self._queries: dict[str, _Query] = {}
        self._blocked: set[int] = set()
        self._kicked: set[int] = set()
        self._member_status: dict[tuple[int, int], str] = {}
        self._injections: dict[str, deque[_Injection]] = {}
        self._rate = _RateState()
        self._methods: dict[str, tuple[str, Callable[[_Params], Any]]] = {}
        for name in dir(self):
            if name.startswith("_api_"):
                api_name = name[len("_api_") :]
                self._methods[api_name.lower()] = (api_name, getattr(self, name))

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{rest:.*}", self._handle_api)
        app.router.add_route("GET", "/file/bot{rest:.*}", self._handle_file)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        await site.start()
        self._closing = False
        return self

    async def stop(self) -> None:
        self._closing = True
        self._notify()
        for query in self._queries.values():
            if not query.future.done():
                query.future.cancel()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- world building ------------------------------------------------------------------------

    def user(
        self,
        first_name: str = "Peserta",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "id",
        *,
        user_id: int | None = None,
    ) -> SimUser:
        """A new simulated user (unique positive id unless ``user_id``; private chat id == id)."""
        uid = user_id if user_id is not None else next(self._user_ids)
        while user_id is None and uid in self._users:
            uid = next(self._user_ids)
        if uid <= 0 or uid in self._users or uid == self.bot_id:
            raise ValueError(f"user id {uid} is invalid or taken")
        user = SimUser(self, uid, first_name, last_name, username, language_code)
        self._users[uid] = user
        self._chats[uid] = user.private_chat()
        return user

    def group(self, title: str = "Bimtek Smart City", *, username: str | None = None) -> SimChat:
        """A new supergroup (negative id) that the bot is an administrator of."""
        chat_id = -1_001_000_000_000 - next(self._group_ids)
        chat = SimChat(self, chat_id, title, username)
        self._groups[chat_id] = chat
        self._chats[chat_id] = chat.to_dict()
        return chat

    def get_user(self, user_id: int) -> SimUser | None:
        return self._users.get(user_id)

    def block(self, user: SimUser | int, *, notify: bool = True) -> None:
        """The user blocks the bot: sends to their private chat now fail with 403. With
        ``notify`` a my_chat_member update (status "kicked") is queued, as Telegram does."""
        uid = user if isinstance(user, int) else user.id
        if uid in self._blocked:
            return
        self._blocked.add(uid)
        if notify and uid in self._users:
            self._my_chat_member(uid, "member", "kicked")

    def unblock(self, user: SimUser | int, *, notify: bool = True) -> None:
        uid = user if isinstance(user, int) else user.id
        if uid not in self._blocked:
            return
        self._blocked.discard(uid)
        if notify and uid in self._users:
            self._my_chat_member(uid, "kicked", "member")

    def is_blocked(self, user: SimUser | int) -> bool:
        return (user if isinstance(user, int) else user.id) in self._blocked

    def kick_bot(self, group: SimChat | int) -> None:
        """Remove the bot from a group: sends there fail with 403."""
        self._kicked.add(group if isinstance(group, int) else group.id)

    def set_member_status(self, chat: SimChat | int, user: SimUser | int, status: str) -> None:
        """What getChatMember reports: "creator", "administrator", "member", "restricted",
        "left" or "kicked" (default "member" for every simulated user)."""
        chat_id = chat if isinstance(chat, int) else chat.id
        uid = user if isinstance(user, int) else user.id
        self._member_status[(chat_id, uid)] = status

    def inject_error(
        self,
        method: str,
        status: int = 500,
        times: int = 1,
        description: str | None = None,
        parameters: dict | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` ("*" = any method but getUpdates) fail."""
        if description is None:
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            description = phrase
        self._injections.setdefault(method.lower(), deque()).append(
            _Injection(times, ApiError(status, description, parameters))
        )

    def inject_retry_after(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` get 429 with parameters.retry_after."""
        self._injections.setdefault(method.lower(), deque()).append(
            _Injection(times, _too_many(retry_after))
        )

    def clear_injections(self) -> None:
        self._injections.clear()

    def add_file(
        self,
        content: bytes,
        kind: str,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
        duration: int | None = None,
        width: int | None = None,
        height: int | None = None,
        url: str | None = None,
    ) -> FileInfo:
        """Register a file; its file_id can then be used in sendPhoto/sendDocument/getFile."""
        n = next(self._file_ids)
        ext = (mimetypes.guess_extension(mime_type or "") or "") if not filename else ""
        if filename and "." in filename:
            ext = "." + filename.rsplit(".", 1)[1]
        info = FileInfo(
            file_id=f"FAKE{kind[:3].upper()}{n:05d}{secrets.token_hex(6)}",
            file_unique_id=f"U{n:05d}{secrets.token_hex(3)}",
            kind=kind,
            content=content,
            filename=filename,
            mime_type=mime_type,
            width=width,
            height=height,
            duration=duration,
            url=url,
            file_path=f"{kind}s/file_{n}{ext}",
        )
        self.files[info.file_id] = info
        return info

    # -- simulated user actions (called by SimUser) -----------------------------------------------

    def detect_entities(self, text: str) -> list[dict]:
        """bot_command, mention and url entities as Telegram clients create them."""
        entities = []
        for regex, kind in (
            (_COMMAND_RE, "bot_command"),
            (_MENTION_RE, "mention"),
            (_URL_RE, "url"),
        ):
            for m in regex.finditer(text):
                entities.append(
                    {
                        "type": kind,
                        "offset": utf16_len(text[: m.start()]),
                        "length": utf16_len(m.group()),
                    }
                )
        entities.sort(key=lambda e: e["offset"])
        return entities

    def user_message(
        self, user: SimUser, chat_id: int, content: dict, *, reply_to: Any = None
    ) -> dict:
        """Create a message from ``user`` in ``chat_id`` and queue its update."""
        if chat_id not in self._chats:
            raise ValueError(f"unknown chat {chat_id}")
        if chat_id > 0 and chat_id != user.id:
            raise ValueError(f"{user} cannot write in the private chat of {chat_id}")
        if chat_id == user.id and user.id in self._blocked:
            self.unblock(user)  # writing to a blocked bot restarts it, as the app does
        message = {
            "message_id": self._new_message_id(chat_id),
            "from": user.to_dict(),
            "chat": dict(self._chats[chat_id]),
            "date": int(time.time()),
            **copy.deepcopy(content),
        }
        if reply_to is not None:
            replied = reply_to.raw if isinstance(reply_to, BotMessage) else reply_to
            message["reply_to_message"] = self._without_reply(replied)
        self._msgs[(chat_id, message["message_id"])] = message
        who = user.first_name
        self._log_line(chat_id, f"> {who} #{message['message_id']}: {_describe(message)}")
        if chat_id < 0 and self.privacy_mode and not self._privacy_allows(message):
            return message
        self._enqueue({"message": message})
        return message

    def user_edit(self, user: SimUser, message: dict, text: str) -> dict:
        key = (message["chat"]["id"], message["message_id"])
        stored = self._msgs.get(key)
        if stored is None or stored.get("from", {}).get("id") != user.id:
            raise ValueError("can only edit own messages")
        stored["text"] = text
        entities = self.detect_entities(text)
        if entities:
            stored["entities"] = entities
        else:
            stored.pop("entities", None)
        stored["edit_date"] = int(time.time())
        self._log_line(key[0], f"> {user.first_name} edited #{key[1]}: {text}")
        self._enqueue({"edited_message": stored})
        return stored

    def callback_query(self, user: SimUser, msg: BotMessage, data: str) -> str:
        """Queue a callback_query update for a button press; returns the query id."""
        query_id = str(next(self._query_ids))
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._queries[query_id] = _Query(user, msg, data, future)
        chat_instance = str(abs(hash((msg.chat_id, self.bot_id))) % 10**18)
        update = {
            "callback_query": {
                "id": query_id,
                "from": user.to_dict(),
                "message": msg.raw,
                "chat_instance": chat_instance,
                "data": data,
            }
        }
        self._log_line(msg.chat_id, f"> {user.first_name} pressed {data!r} on #{msg.message_id}")
        self._enqueue(update)
        return query_id

    async def wait_callback_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        query = self._queries[query_id]
        try:
            return await asyncio.wait_for(asyncio.shield(query.future), timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not call answerCallbackQuery for {query.data!r} within {timeout}s\n"
                + self.format_transcript(query.msg.chat_id, query.user.id)
            ) from None

    def enqueue_update(self, update: dict) -> int:
        """Queue a raw update (without update_id); returns its update_id."""
        return self._enqueue(update)

    # -- what the tests read -------------------------------------------------------------------

    def sent_messages(self, chat_id: int | SimChat | SimUser | None = None) -> list[BotMessage]:
        """All messages the bot sent (optionally to one chat), in order, current state."""
        if chat_id is None:
            return list(self._bot_order)
        cid = chat_id if isinstance(chat_id, int) else chat_id.id
        return [m for m in self._bot_order if m.chat_id == cid]

    def last_bot_message(self, chat_id: int) -> BotMessage | None:
        for msg in reversed(self._bot_order):
            if msg.chat_id == chat_id and not msg.deleted:
                return msg
        return None

    def latest_with_keyboard(self, chat_id: int) -> BotMessage | None:
        for msg in reversed(self._bot_order):
            if msg.chat_id == chat_id and not msg.deleted and msg.inline_keyboard:
                return msg
        return None

    def reply_keyboard(self, chat_id: int) -> list[list[str]] | None:
        return self._reply_keyboards.get(chat_id)

    def calls(self, method: str, chat_id: int | None = None) -> list[RequestRecord]:
        """Logged calls of one method (optionally to one chat)."""
        return [
            r
            for r in self.requests
            if r.method.lower() == method.lower() and (chat_id is None or r.chat_id == chat_id)
        ]

    @property
    def pending_updates(self) -> list[dict]:
        """Updates queued but not yet confirmed by the bot."""
        return list(self._updates)

    def limit_violations(self, requests: Iterable[tuple] | None = None) -> list[LimitViolation]:
        """Replay the successful message sends of ``requests`` (default: this server's log)
        against the three limits; return every send that broke one."""
        log = [
            RequestRecord(*r)
            for r in (self.requests if requests is None else requests)
            if r[4] == 200 and r[1] in COUNTED_METHODS and r[3] is not None
        ]
        log.sort(key=lambda r: r.time)
        state = _RateState()
        violations = []
        for record in log:
            broken = state.check(record.chat_id, record.time)
            if broken is not None:
                rule, _wait, detail = broken
                violations.append(
                    LimitViolation(rule, record.time, record.chat_id, record.method, detail)
                )
            state.record(record.chat_id, record.time)
        return violations

    def format_transcript(self, chat_id: int, user_id: int | None = None, last: int = 25) -> str:
        lines = self._timeline.get(chat_id, [])
        head = f"--- chat {chat_id} (last {min(last, len(lines))} of {len(lines)} lines) ---"
        if user_id is not None:
            consumed = self._cursors.get((user_id, chat_id), 0)
            total = len(self._events.get(chat_id, []))
            head += f"\n    expect() consumed {consumed} of {total} bot messages/edits"
        return "\n".join([head, *("    " + line for line in lines[-last:])])

    async def expect(
        self, user_id: int, chat_id: int, pattern: Pattern, timeout: float = 5.0
    ) -> BotMessage:
        key = (user_id, chat_id)

        def find() -> BotMessage | None:
            events = self._events.get(chat_id, [])
            for index in range(self._cursors.get(key, 0), len(events)):
                if _matches(pattern, events[index].text):
                    self._cursors[key] = index + 1
                    return events[index].msg
            return None

        found = await self._wait_until(find, timeout)
        if found is None:
            pat = pattern.pattern if isinstance(pattern, re.Pattern) else pattern
            raise AssertionError(
                f"no bot message matching {pat!r} in chat {chat_id} within {timeout}s\n"
                + self.format_transcript(chat_id, user_id)
            )
        return found

    async def wait_idle_for(
        self, user_id: int, chat_id: int, quiet: float = 0.3, timeout: float = 10.0
    ) -> list[BotMessage]:
        await self._wait_quiet(lambda: self._last_activity.get(chat_id, 0.0), quiet, timeout)
        key = (user_id, chat_id)
        events = self._events.get(chat_id, [])
        new = events[self._cursors.get(key, 0) :]
        self._cursors[key] = len(events)
        result: list[BotMessage] = []
        for event in new:
            if event.msg not in result:
                result.append(event.msg)
        return result

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until every queued update was fetched and the bot was silent for ``quiet`` s."""
        await self._wait_quiet(lambda: self._last_any_activity, quiet, timeout)

    # -- internals: state ----------------------------------------------------------------------

    def _notify(self) -> None:
        signal, self._signal = self._signal, asyncio.Event()
        signal.set()

    async def _wait_until(self, predicate: Callable[[], Any], timeout: float) -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            signal = self._signal
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), remaining)

    async def _wait_quiet(
        self, last_activity: Callable[[], float], quiet: float, timeout: float
    ) -> None:
        start = time.monotonic()
        deadline = start + timeout
        while True:
            signal = self._signal
            now = time.monotonic()
            pending = self._has_undelivered()
            last = max(start, last_activity(), self._last_delivery)
            if not pending and now - last >= quiet:
                return
            if now >= deadline:
                reason = "updates are still waiting to be fetched" if pending else "still talking"
                raise AssertionError(f"the bot did not go idle within {timeout}s ({reason})")
            wait = deadline - now if pending else min(last + quiet - now, deadline - now)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), max(wait, 0.001))

    def _has_undelivered(self) -> bool:
        return any(u["update_id"] > self._delivered_upto for u in self._updates)

    def _enqueue(self, update: dict) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, **copy.deepcopy(update)})
        self._notify()
        return update_id

    def _my_chat_member(self, uid: int, old: str, new: str) -> None:
        user = self._users[uid]
        bot_member_old: dict[str, Any] = {"status": old, "user": self.bot_user}
        bot_member_new: dict[str, Any] = {"status": new, "user": self.bot_user}
        for member in (bot_member_old, bot_member_new):
            if member["status"] == "kicked":
                member["until_date"] = 0
        self._enqueue(
            {
                "my_chat_member": {
                    "chat": self._chats[uid],
                    "from": user.to_dict(),
                    "date": int(time.time()),
                    "old_chat_member": bot_member_old,
                    "new_chat_member": bot_member_new,
                }
            }
        )
        self._log_line(
            uid, f"* {user.first_name} {'blocked' if new == 'kicked' else 'unblocked'} the bot"
        )

    def _privacy_allows(self, message: dict) -> bool:
        text = message.get("text") or ""
        if text.startswith("/"):
            command = text.split()[0]
            return (
                "@" not in command or command.split("@", 1)[1].lower() == self.bot_username.lower()
            )
        if f"@{self.bot_username}".lower() in text.lower():
            return True
        replied = message.get("reply_to_message")
        return bool(replied and replied.get("from", {}).get("id") == self.bot_id)

    def _new_message_id(self, chat_id: int) -> int:
        mid = self._next_mid.get(chat_id, 0) + 1
        self._next_mid[chat_id] = mid
        return mid

    def _log_line(self, chat_id: int, line: str) -> None:
        self._timeline.setdefault(chat_id, []).append(line)

    @staticmethod
    def _without_reply(message: dict) -> dict:
        return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}

    def _get_message(self, chat_id: int, message_id: int | None) -> dict | None:
        if message_id is None or (chat_id, message_id) in self._deleted:
            return None
        return self._msgs.get((chat_id, message_id))

    def _push_event(self, msg: BotMessage, kind: str) -> None:
        self._events.setdefault(msg.chat_id, []).append(_Event(msg, msg.content, kind))
        now = time.monotonic()
        self._last_activity[msg.chat_id] = now
        self._last_any_activity = now
        self._notify()

    def _new_bot_message(
        self,
        chat_id: int,
        method: str,
        *,
        kind: str = "text",
        text: str | None = None,
        caption: str | None = None,
        html: str | None = None,
        parse_mode: str | None = None,
        entities: list[dict] | None = None,
        markup: dict | None = None,
        reply_to: int | None = None,
        media: FileInfo | None = None,
        extra: dict | None = None,
    ) -> BotMessage:
        mid = self._new_message_id(chat_id)
        msg = BotMessage(
            message_id=mid,
            chat_id=chat_id,
            text=text,
            html=html,
            caption=caption,
            parse_mode=parse_mode,
            reply_markup=markup,
            document=media if kind == "document" else None,
            photo=media if kind == "photo" else None,
            media=media,
            kind=kind,
            method=method,
            entities=list(entities or []),
            reply_to_message_id=reply_to,
            sent_at=time.monotonic(),
        )
        raw: dict[str, Any] = {
            "message_id": mid,
            "from": self.bot_user,
            "chat": dict(self._chats[chat_id]),
            "date": int(time.time()),
        }
        if reply_to is not None:
            replied = self._msgs.get((chat_id, reply_to))
            if replied is not None:
                raw["reply_to_message"] = self._without_reply(replied)
        if kind == "text":
            raw["text"] = text
            if msg.entities:
                raw["entities"] = msg.entities
        elif media is not None:
            raw[kind] = media.to_json(kind)
            if caption:
                raw["caption"] = caption
                if msg.entities:
                    raw["caption_entities"] = msg.entities
        if extra:
            raw.update(extra)
        if markup and "inline_keyboard" in markup:
            raw["reply_markup"] = markup
        msg.raw = raw
        self._msgs[(chat_id, mid)] = raw
        self._bot_msgs[(chat_id, mid)] = msg
        self._bot_order.append(msg)
        self._track_reply_keyboard(chat_id, markup)
        self._log_line(chat_id, f"< bot {msg}")
        self._push_event(msg, "sent")
        return msg

    def _track_reply_keyboard(self, chat_id: int, markup: dict | None) -> None:
        if not markup:
            return
        if "keyboard" in markup:
            self._reply_keyboards[chat_id] = [
                [b if isinstance(b, str) else b.get("text", "") for b in row]
                for row in markup["keyboard"]
            ]
        elif markup.get("remove_keyboard"):
            self._reply_keyboards.pop(chat_id, None)

    # -- internals: validation -----------------------------------------------------------------

    def _resolve_chat(self, value: Any) -> int:
        if value is None or value == "":
            raise _bad("chat_id is empty")
        if isinstance(value, str):
            if value.startswith("@"):
                for chat_id, chat in self._chats.items():
                    if (chat.get("username") or "").lower() == value[1:].lower():
                        return chat_id
                raise _bad("chat not found")
            try:
                value = int(value)
            except ValueError:
                raise _bad("chat not found") from None
        if isinstance(value, bool) or not isinstance(value, int) or value not in self._chats:
            raise _bad("chat not found")
        return value

    def _reachable_chat(self, value: Any) -> int:
        chat_id = self._resolve_chat(value)
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self._kicked:
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        return chat_id

    def _format(
        self, raw: str, parse_mode: Any, entities: Any = None
    ) -> tuple[str, list[dict], str | None]:
        mode = parse_mode if isinstance(parse_mode, str) and parse_mode else None
        if mode is not None:
            lowered = mode.lower()
            if lowered == "html":
                try:
                    plain, parsed = parse_html(raw, strict_entities=self.strict_html)
                except HTMLParseError as exc:
                    raise _bad(f"can't parse entities: {exc}") from None
            elif lowered in ("markdown", "markdownv2"):
                plain, parsed = raw, []  # not interpreted by the fake
            else:
                raise _bad(f"unsupported parse_mode {mode!r}")
        else:
            plain = raw
            parsed = [dict(e) for e in entities] if isinstance(entities, list) else []
        for entity in parsed:
            if entity.get("type") == "text_mention":
                user = self._users.get(entity.get("user", {}).get("id"))
                if user is not None:
                    entity["user"] = user.to_dict()
        plain, parsed = strip_formatted(plain, parsed)
        return plain, parsed, mode

    def _text(self, p: _Params) -> tuple[str, str, list[dict], str | None]:
        raw = p.get("text")
        if raw is None or raw == "":
            raise _bad("message text is empty")
        if not isinstance(raw, str):
            raw = str(raw)
        plain, entities, mode = self._format(raw, p.get("parse_mode"), p.get("entities"))
        if not plain:
            raise _bad("message text is empty")
        if len(plain) > MAX_TEXT:
            raise _bad("message is too long")
        return raw, plain, entities, mode

    def _caption(self, p: _Params) -> tuple[str | None, str | None, list[dict], str | None]:
        raw = p.get("caption")
        if raw is None or raw == "":
            return None, None, [], None
        plain, entities, mode = self._format(
            str(raw), p.get("parse_mode"), p.get("caption_entities")
        )
        if len(plain) > MAX_CAPTION:
            raise _bad("message caption is too long")
        return str(raw), plain or None, entities, mode

    def _markup(self, value: Any, *, inline_only: bool = False) -> dict | None:
        if value is None or value == "":
            return None
        if not isinstance(value, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in value:
            rows = value["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
                )
            count = 0
            for row in rows:
                for button in row:
                    count += 1
                    self._check_inline_button(button)
            if count > 100:
                raise _bad("reply markup is too long")
            return value
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in value:
            rows = value["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            for row in rows:
                for button in row:
                    text = button if isinstance(button, str) else (button or {}).get("text")
                    if not text:
                        raise _bad("keyboard button text must be non-empty")
            return value
        if value.get("remove_keyboard") or value.get("force_reply"):
            return value
        raise _bad("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
            )
        if not button["text"]:
            raise _bad("BUTTON_TEXT_INVALID")
        actions = (
            "callback_data",
            "url",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "callback_game",
            "pay",
            "web_app",
            "copy_text",
        )
        if not any(key in button for key in actions):
            raise _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise _bad("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                raise _bad(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")

    def _reply_to(self, chat_id: int, p: _Params) -> int | None:
        params = p.get("reply_parameters")
        if isinstance(params, dict):
            mid = params.get("message_id")
            allow = bool(params.get("allow_sending_without_reply"))
            target_chat = params.get("chat_id")
            if target_chat not in (None, chat_id):
                target = self._resolve_chat(target_chat)
                if self._get_message(target, mid) is None and not allow:
                    raise _bad("message to be replied not found")
                return None  # cross-chat reply: not modelled further
        else:
            mid = p.int("reply_to_message_id")
            allow = p.bool("allow_sending_without_reply")
        if mid is None:
            return None
        if self._get_message(chat_id, mid) is None:
            if allow:
                return None
            raise _bad("message to be replied not found")
        return mid

    def _input_file(self, p: _Params, key: str, kind: str) -> FileInfo:
        value = p.get(key)
        upload = p.files.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = p.files.get(value[len("attach://") :])
            if upload is None:
                raise _bad(f"file {value} not found in the request")
        return self._file_from(value, upload, kind, key)

    def _file_from(self, value: Any, upload: _Upload | None, kind: str, key: str) -> FileInfo:
        if upload is not None:
            if not upload.content:
                raise _bad("file must be non-empty")
            if kind == "photo" and len(upload.content) > 10 * 1024 * 1024:
                raise _bad("PHOTO_INVALID_DIMENSIONS")
            if len(upload.content) > 50 * 1024 * 1024:
                raise ApiError(413, "Request Entity Too Large")
            mime = upload.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(upload.filename or "")[0] or mime
            return self.add_file(
                upload.content,
                kind,
                filename=upload.filename if kind != "photo" else None,
                mime_type=mime,
            )
        if not value:
            raise _bad(f"there is no {key} in the request")
        if not isinstance(value, str):
            raise _bad("wrong file identifier/HTTP URL specified")
        if value.startswith(("http://", "https://")):
            name = value.rsplit("/", 1)[-1].split("?", 1)[0] or None
            return self.add_file(b"", kind, filename=name, url=value)
        info = self.files.get(value)
        if info is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        if info.kind != kind and kind != "document":
            raise _bad(f"can't use file of type {info.kind.title()} as {kind.title()}")
        return info

    # -- HTTP ----------------------------------------------------------------------------------

    async def _read_params(self, request: web.Request) -> _Params:
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
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = _Upload(value.filename, value.file.read(), value.content_type)
                    elif isinstance(value, str):
                        values[key] = _decode_value(key, value)
                    else:
                        values[key] = _decode_value(key, bytes(value).decode("utf-8", "replace"))
        return _Params(values, files)

    def _take_injection(self, method: str) -> ApiError | None:
        for key in (method.lower(), "*"):
            if key == "*" and method == "getUpdates":
                continue
            queue = self._injections.get(key)
            if queue:
                injection = queue[0]
                injection.times -= 1
                if injection.times <= 0:
                    queue.popleft()
                return injection.error
        return None

    def _log_chat_id(self, params: _Params) -> int | None:
        value = params.get("chat_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return self._resolve_chat(value)
            except ApiError:
                return None
        return None

    async def _handle_api(self, request: web.Request) -> web.Response:
        token, _, method = request.match_info["rest"].partition("/")
        if token != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        entry = self._methods.get(method.lower())
        if entry is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        name, handler = entry
        params = await self._read_params(request)
        if self.delay and name != "getUpdates":
            await asyncio.sleep(self.delay)
        now = time.monotonic()
        chat_id = self._log_chat_id(params)
        status = 200
        try:
            injected = self._take_injection(name)
            if injected is not None:
                raise injected
            counted = name in COUNTED_METHODS and chat_id is not None
            if counted and self.enforce_limits:
                broken = self._rate.check(chat_id, now)
                if broken is not None:
                    raise _too_many(_retry_after(broken[1]))
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
            if counted:
                self._rate.record(chat_id, now)
            body: dict[str, Any] = {"ok": True, "result": result}
        except ApiError as exc:
            status = exc.code
            body = exc.to_json()
            if chat_id is not None:
                self._log_line(chat_id, f"! {name} -> {status} {exc.description}")
        except Exception as exc:  # a bug in the fake or a request it cannot handle
            status = 500
            description = f"Internal Server Error: fake server failed: {exc!r}"
            body = ApiError(status, description).to_json()
            if chat_id is not None:
                self._log_line(chat_id, f"! {name} -> {status} {description}")
        self.requests.append(RequestRecord(now, name, params.loggable(), chat_id, status))
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        token, _, path = request.match_info["rest"].partition("/")
        if token != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        for info in self.files.values():
            if info.file_path == path:
                return web.Response(
                    body=info.content, content_type=info.mime_type or "application/octet-stream"
                )
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    # -- Bot API methods (name after "_api_" is the Telegram method name) ----------------------

    def _api_getMe(self, p: _Params) -> dict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_logOut(self, p: _Params) -> bool:
        return True

    def _api_close(self, p: _Params) -> bool:
        return True

    def _api_setWebhook(self, p: _Params) -> bool:
        self._webhook_url = str(p.get("url") or "")
        return True

    def _api_deleteWebhook(self, p: _Params) -> bool:
        self._webhook_url = ""
        if p.bool("drop_pending_updates"):
            self._updates.clear()
        return True

    def _api_getWebhookInfo(self, p: _Params) -> dict:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    async def _api_getUpdates(self, p: _Params) -> list[dict]:
        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.int("offset", default=0) or 0
        limit = min(max(p.int("limit", default=100) or 100, 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_UPDATE_TYPES
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # an older long poll (e.g. from a disconnected client) ends with 409

        def ready() -> list[dict] | None:
            if self._poll_generation != generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only "
                    "one bot instance is running",
                )
            self._updates = [u for u in self._updates if self._allowed(u)]
            return self._updates[:limit] or None

        batch = await self._wait_until(ready, timeout) or []
        if batch:
            self._delivered_upto = max(self._delivered_upto, batch[-1]["update_id"])
            self._last_delivery = time.monotonic()
            self._notify()
        return batch

    def _allowed(self, update: dict) -> bool:
        return any(key in self._allowed_updates for key in update if key != "update_id")

    def _api_sendMessage(self, p: _Params) -> dict:
        chat_id = self._reachable_chat(p.get("chat_id"))
        raw, plain, entities, mode = self._text(p)
        markup = self._markup(p.get("reply_markup"))
        reply_to = self._reply_to(chat_id, p)
        msg = self._new_bot_message(
            chat_id,
            "sendMessage",
            text=plain,
            html=raw,
            parse_mode=mode,
            entities=entities,
            markup=markup,
            reply_to=reply_to,
        )
        return msg.raw

    def _send_media(self, p: _Params, kind: str, method: str) -> dict:
        chat_id = self._reachable_chat(p.get("chat_id"))
        info = self._input_file(p, kind, kind)
        raw_caption, caption, entities, mode = self._caption(p)
        markup = self._markup(p.get("reply_markup"))
        reply_to = self._reply_to(chat_id, p)
        msg = self._new_bot_message(
            chat_id,
            method,
            kind=kind,
            caption=caption,
            html=raw_caption,
            parse_mode=mode,
            entities=entities,
            markup=markup,
            reply_to=reply_to,
            media=info,
        )
        return msg.raw

    def _api_sendDocument(self, p: _Params) -> dict:
        return self._send_media(p, "document", "sendDocument")

    def _api_sendPhoto(self, p: _Params) -> dict:
        return self._send_media(p, "photo", "sendPhoto")

    def _api_sendVoice(self, p: _Params) -> dict:
        return self._send_media(p, "voice", "sendVoice")

    def _api_sendAudio(self, p: _Params) -> dict:
        return self._send_media(p, "audio", "sendAudio")

    def _api_sendVideo(self, p: _Params) -> dict:
        return self._send_media(p, "video", "sendVideo")

    def _api_sendAnimation(self, p: _Params) -> dict:
        return self._send_media(p, "animation", "sendAnimation")

    def _api_sendSticker(self, p: _Params) -> dict:
        return self._send_media(p, "sticker", "sendSticker")

    def _api_sendLocation(self, p: _Params) -> dict:
        chat_id = self._reachable_chat(p.get("chat_id"))
        try:
            location = {"latitude": float(p["latitude"]), "longitude": float(p["longitude"])}
        except (KeyError, TypeError, ValueError):
            raise _bad("wrong latitude/longitude specified") from None
        msg = self._new_bot_message(
            chat_id,
            "sendLocation",
            kind="location",
            markup=self._markup(p.get("reply_markup")),
            reply_to=self._reply_to(chat_id, p),
            extra={"location": location},
        )
        return msg.raw

    def _api_sendMediaGroup(self, p: _Params) -> list[dict]:
        chat_id = self._reachable_chat(p.get("chat_id"))
        media = p.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise _bad("wrong number of media specified: must include 2-10 items")
        reply_to = self._reply_to(chat_id, p)
        prepared = []
        for item in media:
            if not isinstance(item, dict) or item.get("type") not in (
                "photo",
                "video",
                "document",
                "audio",
            ):
                raise _bad("wrong media type in the media group")
            kind = item["type"]
            value = item.get("media")
            upload = None
            if isinstance(value, str) and value.startswith("attach://"):
                upload = p.files.get(value[len("attach://") :])
                if upload is None:
                    raise _bad(f"file {value} not found in the request")
            info = self._file_from(value, upload, kind, "media")
            sub = _Params(
                {"caption": item.get("caption"), "parse_mode": item.get("parse_mode")}, {}
            )
            if item.get("caption_entities"):
                sub["caption_entities"] = item["caption_entities"]
            prepared.append((kind, info, self._caption(sub)))
        group_id = str(next(self._ids) + 13_000_000_000_000_000)
        results = []
        for kind, info, (raw_caption, caption, entities, mode) in prepared:
            msg = self._new_bot_message(
                chat_id,
                "sendMediaGroup",
                kind=kind,
                caption=caption,
                html=raw_caption,
                parse_mode=mode,
                entities=entities,
                reply_to=reply_to,
                media=info,
                extra={"media_group_id": group_id},
            )
            results.append(msg.raw)
        return results

    def _api_sendChatAction(self, p: _Params) -> bool:
        self._reachable_chat(p.get("chat_id"))
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _source_message(self, p: _Params, what: str) -> tuple[int, dict]:
        from_chat = self._resolve_chat(p.get("from_chat_id"))
        source = self._get_message(from_chat, p.int("message_id", required=True))
        if source is None:
            raise _bad(f"message to {what} not found")
        return from_chat, source

    def _clone(
        self, chat_id: int, source: dict, method: str, p: _Params, extra: dict | None
    ) -> BotMessage:
        markup = self._markup(p.get("reply_markup")) if method == "copyMessage" else None
        reply_to = self._reply_to(chat_id, p)
        if "text" in source:
            return self._new_bot_message(
                chat_id,
                method,
                text=source["text"],
                html=source["text"],
                entities=source.get("entities"),
                markup=markup,
                reply_to=reply_to,
                extra=extra,
            )
        for kind in _MEDIA_KINDS:
            if kind in source:
                data = source[kind][-1] if kind == "photo" else source[kind]
                info = self.files.get(data["file_id"]) or self.add_file(b"", kind)
                if method == "copyMessage" and "caption" in p:
                    raw_caption, caption, entities, mode = self._caption(p)
                else:
                    caption = source.get("caption")
                    raw_caption, entities, mode = caption, source.get("caption_entities"), None
                return self._new_bot_message(
                    chat_id,
                    method,
                    kind=kind,
                    caption=caption,
                    html=raw_caption,
                    parse_mode=mode,
                    entities=entities,
                    markup=markup,
                    reply_to=reply_to,
                    media=info,
                    extra=extra,
                )
        for kind in ("location", "contact", "venue"):
            if kind in source:
                return self._new_bot_message(
                    chat_id,
                    method,
                    kind=kind,
                    markup=markup,
                    reply_to=reply_to,
                    extra={kind: source[kind], **(extra or {})},
                )
        raise _bad("message can't be copied")

    def _api_copyMessage(self, p: _Params) -> dict:
        _from_chat, source = self._source_message(p, "copy")
        chat_id = self._reachable_chat(p.get("chat_id"))
        msg = self._clone(chat_id, source, "copyMessage", p, None)
        return {"message_id": msg.message_id}

    def _api_forwardMessage(self, p: _Params) -> dict:
        _from_chat, source = self._source_message(p, "forward")
        chat_id = self._reachable_chat(p.get("chat_id"))
        origin = {
            "type": "user",
            "sender_user": source.get("from", self.bot_user),
            "date": source["date"],
        }
        msg = self._clone(chat_id, source, "forwardMessage", p, {"forward_origin": origin})
        return msg.raw

    def _edit_target(self, p: _Params) -> BotMessage:
        if p.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat_id = self._reachable_chat(p.get("chat_id"))
        message_id = p.int("message_id", required=True)
        key = (chat_id, message_id)
        if self._get_message(chat_id, message_id) is None:
            raise _bad("message to edit not found")
        msg = self._bot_msgs.get(key)
        if msg is None:
            raise _bad("message can't be edited")
        return msg

    @staticmethod
    def _inline(markup: dict | None) -> dict | None:
        return markup if markup and "inline_keyboard" in markup else None

    def _apply_edit(self, msg: BotMessage, markup: dict | None) -> None:
        msg.edited += 1
        msg.reply_markup = markup
        raw = msg.raw
        raw["edit_date"] = int(time.time())
        if markup:
            raw["reply_markup"] = markup
        else:
            raw.pop("reply_markup", None)
        self._log_line(msg.chat_id, f"< bot edited {msg}")
        self._push_event(msg, "edited")

    def _api_editMessageText(self, p: _Params) -> dict:
        msg = self._edit_target(p)
        if msg.kind != "text":
            raise _bad("there is no text in the message to edit")
        raw, plain, entities, mode = self._text(p)
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        if (
            plain == msg.text
            and entities == msg.entities
            and markup == self._inline(msg.reply_markup)
        ):
            raise _bad(NOT_MODIFIED)
        msg.history.append(msg.text)
        msg.text, msg.html, msg.parse_mode, msg.entities = plain, raw, mode, entities
        msg.raw["text"] = plain
        if entities:
            msg.raw["entities"] = entities
        else:
            msg.raw.pop("entities", None)
        self._apply_edit(msg, markup)
        return msg.raw

    def _api_editMessageCaption(self, p: _Params) -> dict:
        msg = self._edit_target(p)
        if msg.kind == "text":
            raise _bad("there is no caption in the message to edit")
        raw, caption, entities, mode = self._caption(p)
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        if (
            caption == msg.caption
            and entities == msg.entities
            and markup == self._inline(msg.reply_markup)
        ):
            raise _bad(NOT_MODIFIED)
        msg.history.append(msg.caption)
        msg.caption, msg.html, msg.parse_mode, msg.entities = caption, raw, mode, entities
        for key, value in (("caption", caption), ("caption_entities", entities)):
            if value:
                msg.raw[key] = value
            else:
                msg.raw.pop(key, None)
        self._apply_edit(msg, markup)
        return msg.raw

    def _api_editMessageReplyMarkup(self, p: _Params) -> dict:
        msg = self._edit_target(p)
        markup = self._markup(p.get("reply_markup"), inline_only=True)
        if markup == self._inline(msg.reply_markup):
            raise _bad(NOT_MODIFIED)
        self._apply_edit(msg, markup)
        return msg.raw

    def _delete(self, chat_id: int, message_id: int | None) -> None:
        if self._get_message(chat_id, message_id) is None:
            raise _bad("message to delete not found")
        assert message_id is not None
        self._deleted.add((chat_id, message_id))
        msg = self._bot_msgs.get((chat_id, message_id))
        if msg is not None:
            msg.deleted = True
        self._log_line(chat_id, f"< bot deleted #{message_id}")
        self._notify()

    def _api_deleteMessage(self, p: _Params) -> bool:
        chat_id = self._resolve_chat(p.get("chat_id"))
        self._delete(chat_id, p.int("message_id", required=True))
        return True

    def _api_deleteMessages(self, p: _Params) -> bool:
        chat_id = self._resolve_chat(p.get("chat_id"))
        ids = p.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must contain 1-100 identifiers")
        for message_id in ids:
            if self._get_message(chat_id, message_id) is not None:
                self._delete(chat_id, message_id)
        return True

    def _api_answerCallbackQuery(self, p: _Params) -> bool:
        query = self._queries.get(str(p.get("callback_query_id") or ""))
        if query is None or query.future.done():
            raise _bad(QUERY_TOO_OLD)
        text = p.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            raise _bad("MESSAGE_TOO_LONG")
        answer = CallbackAnswer(
            query_id=str(p["callback_query_id"]),
            text=str(text) if text is not None else None,
            show_alert=p.bool("show_alert"),
            url=p.get("url"),
            cache_time=p.int("cache_time"),
        )
        query.future.set_result(answer)
        note = f" {answer.text!r}" if answer.text else ""
        self._log_line(
            query.msg.chat_id,
            f"< bot answered callback{note}" + (" (alert)" if answer.show_alert else ""),
        )
        self._notify()
        return True

    # commands, menu button, bot profile

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if scope is None or scope == "":
            return "default"
        if not isinstance(scope, dict) or "type" not in scope:
            raise _bad("can't parse BotCommandScope JSON object")
        kind = scope["type"]
        if kind in ("chat", "chat_administrators"):
            return f"{kind}:{scope.get('chat_id')}"
        if kind == "chat_member":
            return f"{kind}:{scope.get('chat_id')}:{scope.get('user_id')}"
        if kind not in (
            "default",
            "all_private_chats",
            "all_group_chats",
            "all_chat_administrators",
        ):
            raise _bad("wrong BotCommandScope type specified")
        return kind

    @staticmethod
    def _lang(p: _Params) -> str | None:
        value = p.get("language_code")
        return str(value) if value else None

    def _api_setMyCommands(self, p: _Params) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("commands must be an array of at most 100 BotCommand")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            name = name[1:] if name.startswith("/") else name
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            description = command.get("description", "")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise _bad(
                    "command description is empty"
                    if not description
                    else "BOT_COMMAND_DESCRIPTION_INVALID"
                )
        key = (self._scope_key(p.get("scope")), self._lang(p))
        self.commands[key] = [
            {"command": c["command"].lstrip("/"), "description": c["description"]} for c in commands
        ]
        return True

    def _api_getMyCommands(self, p: _Params) -> list[dict]:
        return self.commands.get((self._scope_key(p.get("scope")), self._lang(p)), [])

    def _api_deleteMyCommands(self, p: _Params) -> bool:
        self.commands.pop((self._scope_key(p.get("scope")), self._lang(p)), None)
        return True

    def _api_setChatMenuButton(self, p: _Params) -> bool:
        chat_id = self._resolve_chat(p["chat_id"]) if p.get("chat_id") else None
        button = p.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise _bad("can't parse menu button JSON object")
        self.menu_buttons[chat_id] = button
        return True

    def _api_getChatMenuButton(self, p: _Params) -> dict:
        chat_id = self._resolve_chat(p["chat_id"]) if p.get("chat_id") else None
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {"type": "commands"}

    def _set_info(self, field: str, p: _Params, limit: int) -> bool:
        value = p.get(field) or ""
        if len(str(value)) > limit:
            raise _bad(f"{field} is too long")
        self.bot_info[(field, self._lang(p))] = str(value)
        return True

    def _api_setMyName(self, p: _Params) -> bool:
        return self._set_info("name", p, 64)

    def _api_getMyName(self, p: _Params) -> dict:
        return {"name": self.bot_info.get(("name", self._lang(p)), self.bot_user["first_name"])}

    def _api_setMyDescription(self, p: _Params) -> bool:
        return self._set_info("description", p, 512)

    def _api_getMyDescription(self, p: _Params) -> dict:
        return {"description": self.bot_info.get(("description", self._lang(p)), "")}

    def _api_setMyShortDescription(self, p: _Params) -> bool:
        return self._set_info("short_description", p, 120)

    def _api_getMyShortDescription(self, p: _Params) -> dict:
        return {"short_description": self.bot_info.get(("short_description", self._lang(p)), "")}

    # chats and members

    def _api_getChat(self, p: _Params) -> dict:
        chat_id = self._resolve_chat(p.get("chat_id"))
        return {
            **self._chats[chat_id],
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _member(self, chat_id: int, user_id: int) -> dict:
        if user_id == self.bot_id:
            status = "left" if chat_id in self._kicked else "administrator"
            if chat_id > 0:
                status = "kicked" if chat_id in self._blocked else "member"
            user = self.bot_user
        else:
            sim = self._users.get(user_id)
            if sim is None:
                raise _bad("user not found")
            user = sim.to_dict()
            status = self._member_status.get((chat_id, user_id), "member")
            if chat_id > 0 and chat_id != user_id:
                status = "left"
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "administrator":
            member.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
                can_pin_messages=True,
                can_manage_topics=False,
            )
        elif status == "creator":
            member["is_anonymous"] = False
        elif status == "kicked":
            member["until_date"] = 0
        elif status == "restricted":
            member.update(
                is_member=True,
                can_send_messages=False,
                can_send_audios=False,
                can_send_documents=False,
                can_send_photos=False,
                can_send_videos=False,
                can_send_video_notes=False,
                can_send_voice_notes=False,
                can_send_polls=False,
                can_send_other_messages=False,
                can_add_web_page_previews=False,
                can_change_info=False,
                can_invite_users=False,
                can_pin_messages=False,
                can_manage_topics=False,
                until_date=0,
            )
        return member

    def _api_getChatMember(self, p: _Params) -> dict:
        chat_id = self._resolve_chat(p.get("chat_id"))
        return self._member(chat_id, p.int("user_id", required=True) or 0)

    def _api_getChatAdministrators(self, p: _Params) -> list[dict]:
        chat_id = self._resolve_chat(p.get("chat_id"))
        if chat_id > 0:
            raise _bad("there are no administrators in the private chat")
        admins = [
            self._member(chat_id, uid)
            for (cid, uid), status in self._member_status.items()
            if cid == chat_id and status in ("creator", "administrator")
        ]
        return [*admins, self._member(chat_id, self.bot_id)]

    def _api_getFile(self, p: _Params) -> dict:
        info = self.files.get(str(p.get("file_id") or ""))
        if info is None:
            raise _bad("invalid file_id")
        result: dict[str, Any] = {
            "file_id": info.file_id,
            "file_unique_id": info.file_unique_id,
            "file_path": info.file_path,
        }
        if info.content:
            result["file_size"] = info.size
        return result


def _describe(message: dict) -> str:
    if "text" in message:
        return message["text"]
    for kind in (*_MEDIA_KINDS, "contact", "location"):
        if kind in message:
            caption = message.get("caption")
            return f"[{kind}]" + (f" {caption}" if caption else "")
    return "[message]"
