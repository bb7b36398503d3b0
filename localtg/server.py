"""A local Bot API server (aiohttp.web on 127.0.0.1): the tests' and the sandbox's Telegram.

The real python-telegram-bot stack (httpx, long polling) talks to it over HTTP exactly as it talks
to api.telegram.org, while simulated users (:class:`~localtg.users.SimUser`) queue updates and
read what the bot sent: a test's users, or the sandbox page's personas (sandbox/app.py).

This module holds the aiohttp app and the method dispatch; every concern is a mixin in its own
module, all on the shared state of state.py:

* wire.py: the wire format (decoded parameters, Telegram-shaped errors, the call record);
* world.py: simulated users and groups, and what they send;
* updates.py: the update queue and getUpdates long polling;
* messages.py, edits.py, chats.py: the bot's messages, their edits and deletions, chat queries;
* validation.py: chat, HTML, length, keyboard and reply checks the sending methods share;
* files.py: uploads, media messages, getFile and downloads;
* callbacks.py: button presses and answerCallbackQuery;
* limits.py: Telegram's flood limits (429 with ``retry_after``) and their replay;
* faults.py: injected errors, delays, blocked users, kicked bots;
* webhooks.py: setWebhook / deleteWebhook / getWebhookInfo and posting updates to the bot;
* extras.py: getMe, command menus, the menu button, the bot's profile;
* observe.py: what tests and the sandbox read and wait for (messages, calls, transcripts,
  expect, idle, per-chat versions).

A method is a mixin's ``_api_<Name>`` (the Telegram method name, matched case-insensitively).
"""

from __future__ import annotations

import asyncio
import inspect
import socket
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .callbacks import CallbacksMixin
from .chats import ChatsMixin
from .edits import EditsMixin
from .extras import ExtrasMixin
from .faults import FaultsMixin
from .files import FilesMixin
from .limits import LimitsMixin, LimitViolation
from .messages import MessagesMixin
from .observe import ObserveMixin
from .updates import UpdatesMixin
from .validation import ValidationMixin
from .webhooks import WebhooksMixin
from .wire import COUNTED_METHODS, ApiError, RequestRecord, _Params, read_params
from .world import WorldMixin

__all__ = [
    "ApiError",
    "FakeTelegram",
    "LimitViolation",
    "RequestRecord",
    "COUNTED_METHODS",
]


class FakeTelegram(
    WorldMixin,
    UpdatesMixin,
    WebhooksMixin,
    MessagesMixin,
    EditsMixin,
    ChatsMixin,
    FilesMixin,
    CallbacksMixin,
    ValidationMixin,
    LimitsMixin,
    FaultsMixin,
    ExtrasMixin,
    ObserveMixin,
):
    """A local Bot API server. See the module docstring and tests/test_faketg.py for usage."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "bimtek_test_bot",
        *,
        bot_first_name: str = "Bimtek Test Bot",
        strict_html: bool = True,
        privacy_mode: bool = False,
    ) -> None:
        super().__init__(
            token,
            bot_username,
            bot_first_name=bot_first_name,
            strict_html=strict_html,
            privacy_mode=privacy_mode,
        )
        self._init_args = (token, bot_username)
        self._init_kwargs = {
            "bot_first_name": bot_first_name,
            "strict_html": strict_html,
            "privacy_mode": privacy_mode,
        }
        self._methods: dict[str, tuple[str, Callable[[_Params], Any]]] = {}
        for name in dir(self):
            if name.startswith("_api_"):
                api_name = name[len("_api_") :]
                self._methods[api_name.lower()] = (api_name, getattr(self, name))

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(
        self, port: int = 0, setup: Callable[[web.Application], None] | None = None
    ) -> FakeTelegram:
        """Listen on 127.0.0.1:`port` (0: any free port). `setup` may add routes of its own
        to the same aiohttp app (the sandbox's page and JSON API)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{rest:.*}", self._handle_api)
        app.router.add_route("GET", "/file/bot{rest:.*}", self._handle_file)
        if setup is not None:
            setup(app)
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.close()
            await self._runner.cleanup()
            self._runner = None
            raise
        self._port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        await site.start()
        self._closing = False
        return self

    async def stop(self) -> None:
        self._closing = True
        self._notify()
        await self._stop_webhooks()
        self._cancel_queries()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def reset(self) -> None:
        """Forget the whole world (users, groups, messages, files, updates, calls) and start
        again as a new server would, on the same port and with the same options: the sandbox's
        reset. Everyone waiting (long polls) wakes up and sees the empty world."""
        await self._stop_webhooks()
        self._cancel_queries()
        runner, port, enforce = self._runner, self._port, self.enforce_limits
        signal, versions = self._signal, self._versions
        self.__init__(*self._init_args, **self._init_kwargs)  # type: ignore[misc]
        self._runner, self._port, self.enforce_limits = runner, port, enforce
        # Emptied is a change too: a chat's version keeps growing across the reset.
        self._versions = {chat_id: version + 1 for chat_id, version in versions.items()}
        signal.set()  # the waiters of the old world wake up and wait on the new signal

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

    # -- HTTP: method dispatch -----------------------------------------------------------------

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
        params = await read_params(request)
        if self.delay and name != "getUpdates":
            await asyncio.sleep(self.delay)
        now = time.monotonic()
        chat_id = self._log_chat_id(params)
        status = 200
        try:
            injected = self._take_injection(name)
            if injected is not None:
                raise injected
            counted = self._check_limits(name, chat_id, now)
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
            if counted:
                assert chat_id is not None
                self._count_send(chat_id, now)
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
        if status == 200 and self._take_drop(name):
            # Delivered, but the answer is lost: close the connection without a response.
            if request.transport is not None:
                request.transport.close()
            raise ConnectionResetError("response dropped by the fake server")
        return web.json_response(body, status=status)
