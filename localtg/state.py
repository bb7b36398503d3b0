"""The state every part of the fake server shares: the bot's identity and options, the chats,
every message, the transcript, and the one signal all waiters wake on.

Each concern is a mixin on top of `ServerState` (one module each); a mixin's own state is set
in its ``__init__`` (cooperative, through ``super().__init__``). `FakeTelegram` (server.py)
joins them all."""

# The test-facing API takes timeout= arguments by design (expect, press, wait_idle).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from aiohttp import web

from .users import BotMessage, FileInfo, SimChat, SimUser
from .wire import RequestRecord

if TYPE_CHECKING:
    from .wire import _Params


class _Event(NamedTuple):
    msg: BotMessage
    text: str
    kind: str  # "sent" | "edited"


class ServerState:
    """The shared state and the primitives every mixin uses."""

    # What one mixin uses of another's (set or defined there): declared here for mypy.
    _updates: list[dict]
    _next_update_id: int
    _delivered_upto: int
    _last_delivery: float
    _allowed_updates: frozenset[str]
    _poll_generation: int
    _webhook_url: str
    _blocked: set[int]
    _kicked: set[int]
    _member_status: dict[tuple[int, int], str]
    files: dict[str, FileInfo]

    if TYPE_CHECKING:

        def _enqueue(self, update: dict) -> int: ...
        def _allowed(self, update: dict) -> bool: ...
        def _has_undelivered(self) -> bool: ...
        def _resolve_chat(self, value: Any) -> int: ...
        def _reachable_chat(self, value: Any) -> int: ...
        def _text(self, p: _Params) -> tuple[str, str, list[dict], str | None]: ...
        def _caption(self, p: _Params) -> tuple[str | None, str | None, list[dict], str | None]: ...
        def _markup(self, value: Any, *, inline_only: bool = False) -> dict | None: ...
        def _reply_to(self, chat_id: int, p: _Params) -> int | None: ...
        def _push_event(self, msg: BotMessage, kind: str) -> None: ...
        def _my_chat_member(self, uid: int, old: str, new: str) -> None: ...
        def unblock(self, user: SimUser | int, *, notify: bool = True) -> None: ...
        def format_transcript(
            self, chat_id: int, user_id: int | None = None, last: int = 25
        ) -> str: ...
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
        ) -> FileInfo: ...
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
        ) -> BotMessage: ...

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
        #: every API call, in order
        self.requests: list[RequestRecord] = []
        #: the time messages are dated with (seconds since the epoch); the sandbox moves it with
        #: the bot's clock, so that a message sent "tomorrow" is dated tomorrow
        self.wall: Callable[[], float] = time.time

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False
        # Every waiter (long polls, expect, wait_idle) waits on this; _notify replaces it.
        self._signal = asyncio.Event()
        # The world: simulated users, groups, and every chat's JSON.
        self._users: dict[int, SimUser] = {}
        self._groups: dict[int, SimChat] = {}
        self._chats: dict[int, dict] = {}
        #: users who have written in their private chat with the bot (Telegram refuses a
        #: chat-scoped command menu for anyone else: "chat not found")
        self.started: set[int] = set()
        # Every message (users' and the bot's) by (chat id, message id); the bot's as BotMessage.
        self._next_mid: dict[int, int] = {}
        self._msgs: dict[tuple[int, int], dict] = {}
        self._deleted: set[tuple[int, int]] = set()
        self._bot_msgs: dict[tuple[int, int], BotMessage] = {}
        self._bot_order: list[BotMessage] = []
        self._reply_keyboards: dict[int, list[list[str]]] = {}
        # What the tests read: per chat, the bot's messages and edits in order, how far each
        # user's expect() has read, the transcript, and when the bot last spoke.
        self._events: dict[int, list[_Event]] = {}
        self._cursors: dict[tuple[int, int], int] = {}
        self._timeline: dict[int, list[str]] = {}
        self._last_activity: dict[int, float] = {}
        self._last_any_activity = 0.0
        # Per chat: a counter that grows on every change (a message, an edit, a deletion, a
        # keyboard): the sandbox page's long poll asks whether anything changed since.
        self._versions: dict[int, int] = {}

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

    def _new_message_id(self, chat_id: int) -> int:
        mid = self._next_mid.get(chat_id, 0) + 1
        self._next_mid[chat_id] = mid
        return mid

    def _log_line(self, chat_id: int, line: str) -> None:
        # Every change in a chat writes its transcript line: the chat's version moves with it.
        self._timeline.setdefault(chat_id, []).append(line)
        self._versions[chat_id] = self._versions.get(chat_id, 0) + 1

    @staticmethod
    def _without_reply(message: dict) -> dict:
        return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}

    def _get_message(self, chat_id: int, message_id: int | None) -> dict | None:
        if message_id is None or (chat_id, message_id) in self._deleted:
            return None
        return self._msgs.get((chat_id, message_id))
