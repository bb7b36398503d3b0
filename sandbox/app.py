"""The local sandbox: the real bot, polling localtg on 127.0.0.1, and a Telegram-like page.

One aiohttp app serves both: localtg's Bot API (`/bot<token>/...`, which the bot's own HTTP
stack calls exactly as it calls api.telegram.org) and the page with its JSON API (`/`,
`/static/`, `/api/...`, SANDBOX_API.md). Four personas (two participants, an organiser, an
admin) each have a private chat with the bot, and there is one group. The bot is the
Application `bot.py run` builds, with the demo event, a database of its own under the data
folder, and a clock the page moves forward (schedules.clock.Clock)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
import webbrowser
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

import bot
from config import PROJECT_ROOT, Settings, StartupError
from domain.instance import AnotherInstanceRunning
from handlers.base.context import BotApp, services_of
from localtg import FakeTelegram, SimChat, SimUser
from sandbox import links, timecontrol, views
from schedules.clock import Clock
from schedules.event import Event, load_event

log = logging.getLogger("bimtek.sandbox")

# Not a secret: the local server accepts only this token, and nothing else ever sees it.
TOKEN = "1000001:SANDBOX-local-token-not-a-secret"
BOT_USERNAME = "bimtek_sandbox_bot"
BOT_NAME = "Bimtek Smart City"
DEFAULT_PORT = 8765
DEFAULT_DATA_DIR = Path("data/sandbox")
DEFAULT_EVENT = PROJECT_ROOT / "data" / "events" / "demo-future.yaml"
DATABASE_NAME = "sandbox.sqlite3"
STATIC_DIR = Path(__file__).resolve().parent / "static"
GROUP_TITLE = "Bimtek Smart City Kab. Probolinggo"
MAX_WAIT = 25.0
PRESS_WAIT = 5.0
MAX_UPLOAD = 20 * 1024 * 1024  # the largest file a bot may download with getFile
MAX_ADVANCE = timedelta(days=400)

PLACEHOLDER = """<!doctype html><html lang="id"><meta charset="utf-8"><title>Sandbox</title>
<h1>Sandbox bot bimtek</h1><p>Halaman sandbox belum terpasang (sandbox/static/index.html).
API: <a href="/api/state">/api/state</a></p></html>"""


@dataclass(frozen=True)
class Persona:
    key: str
    first_name: str
    last_name: str
    language: str
    role: str  # "participant" | "organiser" | "admin"
    user_id: int
    phone: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "language": self.language,
            "role": self.role,
            "user_id": self.user_id,
        }


PERSONAS = (
    Persona("peserta", "Siti", "Rahmawati", "id", "participant", 700001, "+6281200000001"),
    Persona("participant", "Budi", "Santoso", "en", "participant", 700002, "+6281200000002"),
    Persona("panitia", "Panitia", "Diskominfo", "id", "organiser", 700003, "+6281200000003"),
    Persona("admin", "Admin", "Diskominfo", "id", "admin", 700004, "+6281200000004"),
)
_BY_KEY = {p.key: p for p in PERSONAS}


class ApiFailure(Exception):
    """An API request the sandbox refuses: answered `{"error": message}` with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _api(handler: Handler) -> Handler:
    """Refusals and bad JSON as `{"error": ...}` with their status."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiFailure as exc:
            return web.json_response({"error": exc.message}, status=exc.status)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.json_response({"error": "the body is not JSON"}, status=400)

    return wrapped


class Sandbox:
    """localtg, the personas, the bot and the page's API, started and stopped together."""

    def __init__(
        self,
        data_dir: Path = DEFAULT_DATA_DIR,
        event_file: Path = DEFAULT_EVENT,
        port: int = DEFAULT_PORT,
        *,
        log_level: str = "INFO",
        log_format: str = "text",
    ) -> None:
        self.data_dir = Path(data_dir)
        self.event_file = Path(event_file)
        self.port = port
        self.log_level = log_level
        self.log_format = log_format
        self.event: Event = load_event(self.event_file)
        self.clock = Clock()
        self.tg = FakeTelegram(token=TOKEN, bot_username=BOT_USERNAME, bot_first_name=BOT_NAME)
        self.tg.enforce_limits = True  # Telegram's flood limits, as on Telegram
        self.app: BotApp | None = None
        self.users: dict[str, SimUser] = {}
        self.group: SimChat | None = None
        self._lock = asyncio.Lock()

    # -- lifecycle -----------------------------------------------------------------------------

    @property
    def db_path(self) -> Path:
        return self.data_dir / DATABASE_NAME

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.tg.port}/"

    async def start(self, *, fresh: bool = False) -> Sandbox:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # A jump of the clock runs every check at once; one that is running right then is
        # skipped (it runs again within seconds), and so is one that a busy machine delays:
        # APScheduler's warnings about it are no news on the sandbox's console.
        for name in ("apscheduler.scheduler", "apscheduler.executors.default"):
            logging.getLogger(name).setLevel(logging.ERROR)
        if fresh:
            self._delete_database()
        try:
            await self.tg.start(self.port, setup=self._routes)
        except OSError as exc:
            raise StartupError(
                f"Cannot listen on 127.0.0.1:{self.port} ({exc.strerror or exc}): choose "
                "another --port (0: any free port)"
            ) from exc
        try:
            self._populate()
            await self._start_bot()
        except AnotherInstanceRunning as exc:  # another sandbox on the same --data-dir
            await self.tg.stop()
            raise StartupError(str(exc)) from exc
        except BaseException:
            await self.tg.stop()
            raise
        return self

    async def stop(self) -> None:
        async with self._lock:
            await self._stop_bot()
        await self.tg.stop()

    async def reset(self) -> None:
        """A fresh database, empty chats, the clock back to real time."""
        async with self._lock:
            await self._stop_bot()
            self._delete_database()
            self.clock.offset = timedelta(0)
            await self.tg.reset()
            self._populate()
            await self._start_bot()

    def settings(self) -> Settings:
        """The bot's settings: nothing from .env or the production configuration but the
        logging (the sandbox has its own token, server, database, event and staff)."""
        staff = {p.role: p.user_id for p in PERSONAS}
        values: dict[str, Any] = {
            "bot_token": TOKEN,
            "telegram_api_base_url": self.tg.base_url,
            "telegram_api_base_file_url": self.tg.base_file_url,
            "database_path": self.db_path,
            "event_file": self.event_file,
            "admin_ids": [staff["admin"]],
            "organiser_ids": [staff["organiser"]],
            "_env_file": None,  # no .env; what is given here wins over the environment
            "webhook_url": None,  # polling, whatever WEBHOOK_URL says
            "backup_dir": self.data_dir / "backups",
            "log_level": self.log_level,
            "log_format": self.log_format,
        }
        return Settings(**values)

    def _populate(self) -> None:
        """The personas, their private chats, and the group the bot is in."""
        # Messages are dated in the sandbox's time, as the bot's clock reads it.
        self.tg.wall = lambda: time.time() + self.clock.offset.total_seconds()
        self.users = {
            p.key: self.tg.user(
                p.first_name, p.last_name, language_code=p.language, user_id=p.user_id
            )
            for p in PERSONAS
        }
        self.group = self.tg.group(GROUP_TITLE)
        self.tg.set_member_status(self.group, _BY_KEY["admin"].user_id, "creator")

    async def _start_bot(self) -> None:
        self.app = await bot.start_in_loop(self.settings(), event=self.event, clock=self.clock)
        assert self.group is not None
        # The admin adds the bot to the group: it greets the group, as on Telegram.
        self.tg.add_bot(self.group, by=self.users["admin"])

    async def _stop_bot(self) -> None:
        if self.app is not None:
            app, self.app = self.app, None
            await bot.stop_in_loop(app)

    def _delete_database(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(self.data_dir / "backups", ignore_errors=True)

    # -- routes --------------------------------------------------------------------------------

    def _routes(self, app: web.Application) -> None:
        router = app.router
        router.add_get("/", self._index)
        if STATIC_DIR.is_dir():
            router.add_static("/static/", STATIC_DIR)
        router.add_get("/api/state", _api(self._state))
        router.add_get("/api/chats/{persona}/{chat}", _api(self._chat))
        router.add_post("/api/chats/{persona}/{chat}/send", _api(self._send))
        router.add_post("/api/chats/{persona}/{chat}/press", _api(self._press))
        router.add_post("/api/chats/{persona}/{chat}/contact", _api(self._contact))
        router.add_post("/api/chats/{persona}/{chat}/document", _api(self._document))
        router.add_post("/api/open", _api(self._open))
        router.add_post("/api/scan", _api(self._scan))
        router.add_get("/api/files/{file_id}", _api(self._file))
        router.add_post("/api/clock", _api(self._clock))
        router.add_post("/api/reset", _api(self._reset))

    async def _index(self, request: web.Request) -> web.StreamResponse:
        page = STATIC_DIR / "index.html"
        if page.is_file():
            return web.FileResponse(page, headers={"Cache-Control": "no-cache"})
        return web.Response(text=PLACEHOLDER, content_type="text/html")

    # -- the API -------------------------------------------------------------------------------

    async def _state(self, request: web.Request) -> web.StreamResponse:
        assert self.group is not None
        now = self.clock.now()
        return web.json_response(
            {
                "bot": {"username": BOT_USERNAME, "first_name": BOT_NAME},
                "personas": [p.to_json() for p in PERSONAS],
                "group": {"chat_id": self.group.id, "title": self.group.title},
                "clock": timecontrol.clock_json(self.clock, self.event),
                "next": [m.to_json(self.event) for m in timecontrol.upcoming(self.event, now)],
            }
        )

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        persona, chat_id = self._where(request)
        since = _number(request.query.get("since"), "since", int)
        wait = min(_number(request.query.get("wait"), "wait", float) or 0.0, MAX_WAIT)
        if since is not None and wait > 0 and since == self.tg.chat_version(chat_id):
            await self.tg.wait_change(chat_id, since, wait)
        names = {p.user_id: p.name for p in PERSONAS}
        user = self.users[persona.key]
        return web.json_response(
            {
                "version": self.tg.chat_version(chat_id),
                "messages": views.chat_messages(
                    self.tg, chat_id, persona.user_id, names, self.event.tz
                ),
                # The command list the persona's app shows in this chat (the "/" menu).
                "commands": self.tg.menu_for(chat_id, user.id, user.language_code),
            }
        )

    async def _send(self, request: web.Request) -> web.StreamResponse:
        persona, chat_id = self._where(request)
        body = await _body(request)
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiFailure(400, "text must be a non-empty string")
        if len(text) > 4096:
            raise ApiFailure(400, "text is longer than 4096 characters (Telegram's limit)")
        message = await self.users[persona.key].send(text, chat_id)
        return web.json_response({"ok": True, "message_id": message["message_id"]})

    async def _press(self, request: web.Request) -> web.StreamResponse:
        persona, chat_id = self._where(request)
        body = await _body(request)
        message_id, data = body.get("message_id"), body.get("callback_data")
        if not isinstance(message_id, int) or not isinstance(data, str):
            raise ApiFailure(400, "message_id (a number) and callback_data (a string) are needed")
        msg = self.tg.bot_message(chat_id, message_id)
        if msg is None or msg.deleted:
            raise ApiFailure(404, f"there is no message {message_id} of the bot in this chat")
        if data not in msg.button_data:
            raise ApiFailure(400, "that message has no button with this callback_data")
        query_id = self.tg.callback_query(self.users[persona.key], msg, data)
        try:
            answer = await self.tg.wait_callback_answer(query_id, PRESS_WAIT)
        except AssertionError:  # localtg's way of saying that no answer came in time
            raise ApiFailure(504, "the bot did not answer the button within 5 s") from None
        return web.json_response(
            {"ok": True, "answer": {"text": answer.text, "show_alert": answer.show_alert}}
        )

    async def _contact(self, request: web.Request) -> web.StreamResponse:
        persona, chat_id = self._where(request)
        if chat_id != persona.user_id:
            raise ApiFailure(400, "a contact is shared in the private chat only")
        await self.users[persona.key].send_contact(persona.phone)
        return web.json_response({"ok": True})

    async def _document(self, request: web.Request) -> web.StreamResponse:
        """A file the persona sends (an organiser's material for /materi), as base64 JSON."""
        persona, chat_id = self._where(request)
        body = await _body(request)
        name, data, caption = body.get("file_name"), body.get("data"), body.get("caption")
        if not isinstance(name, str) or not name.strip() or not isinstance(data, str):
            raise ApiFailure(400, "file_name and data (base64) are needed")
        if caption is not None and not isinstance(caption, str):
            raise ApiFailure(400, "caption must be a string")
        content = _decode_base64(data, "data must be base64")
        if len(content) > MAX_UPLOAD:
            raise ApiFailure(413, "the file is larger than 20 MB, which a bot can download")
        message = await self.users[persona.key].send_document(
            content, filename=name.strip(), caption=caption or None, chat=chat_id
        )
        return web.json_response({"ok": True, "message_id": message["message_id"]})

    async def _open(self, request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        persona = self._persona(body.get("persona"))
        url = body.get("url")
        if not isinstance(url, str):
            raise ApiFailure(400, "url must be a string")
        await self._open_link(persona, url)
        return web.json_response({"ok": True})

    async def _open_link(self, persona: Persona, url: str) -> None:
        """What Telegram's app does with a link to the bot: `/start <payload>` in the private
        chat (a plain link to the chat: /start for someone who never wrote to the bot)."""
        try:
            payload = links.start_payload(url, BOT_USERNAME)
        except links.NotABotLink as exc:
            raise ApiFailure(400, str(exc)) from None
        user = self.users[persona.key]
        if payload is not None:
            await user.send(f"/start {payload}")
        elif user.id not in self.tg.started:
            await user.send("/start")

    async def _scan(self, request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        persona = self._persona(body.get("persona"))
        image = body.get("image")
        # An uploaded image, or a photo in a chat (the scanner's own or from_persona's).
        data = (
            _decode_base64(image, "image must be base64 (PNG or JPEG)")
            if isinstance(image, str)
            else self._photo_bytes(persona, body)
        )
        url = links.read_qr(data)
        if url is None:
            raise ApiFailure(400, "no QR code found in the image")
        await self._open_link(persona, url)
        return web.json_response({"ok": True, "url": url})

    def _photo_bytes(self, scanner: Persona, body: dict[str, Any]) -> bytes:
        owner = self._persona(body.get("from_persona", scanner.key))
        chat_id = self._chat_id(owner, body.get("chat"))
        message_id = body.get("message_id")
        if not isinstance(message_id, int):
            raise ApiFailure(400, "message_id (a number) or image (base64) is needed")
        msg = self.tg.bot_message(chat_id, message_id)
        if msg is None or msg.deleted or msg.photo is None:
            raise ApiFailure(404, f"there is no photo of the bot in message {message_id}")
        return msg.photo.content

    async def _file(self, request: web.Request) -> web.StreamResponse:
        info = self.tg.files.get(request.match_info["file_id"])
        if info is None or not info.content:
            raise ApiFailure(404, "no such file")
        name = views.file_name(info)
        return web.Response(
            body=info.content,
            content_type=info.mime_type or "application/octet-stream",
            headers={"Content-Disposition": _attachment(name)},
        )

    async def _clock(self, request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        now = self.clock.now()
        action = body.get("action")
        if action == "next":
            moments = timecontrol.upcoming(self.event, now, limit=1)
            if not moments:
                raise ApiFailure(400, "nothing is planned after this moment")
            target = moments[0].at
        elif action == "to":
            try:
                target = datetime.fromisoformat(str(body.get("at")))
            except ValueError:
                raise ApiFailure(400, "at must be an ISO 8601 time") from None
            if target.tzinfo is None:
                target = target.replace(tzinfo=self.event.tz)
        elif action == "advance":
            minutes = body.get("minutes")
            if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
                raise ApiFailure(400, "minutes must be a positive whole number")
            target = now + timedelta(minutes=minutes)
        else:
            raise ApiFailure(400, "action must be next, to or advance")
        if target <= now:
            raise ApiFailure(400, "time only moves forward")
        if target - now > MAX_ADVANCE:
            raise ApiFailure(400, "at most 400 days at a time")
        self._move_clock(target)
        return web.json_response(timecontrol.clock_json(self.clock, self.event))

    def _move_clock(self, target: datetime) -> None:
        self.clock.set(target)
        if self.app is not None:
            services = services_of(self.app)
            if services.reminders is not None:
                services.reminders.clock_moved()
            if services.sender is not None:
                services.sender.wake()
        log.info("Sandbox clock moved to %s", target.astimezone(self.event.tz).isoformat())

    async def _reset(self, request: web.Request) -> web.StreamResponse:
        await self.reset()
        return web.json_response({"ok": True})

    # -- helpers -------------------------------------------------------------------------------

    def _persona(self, key: object) -> Persona:
        persona = _BY_KEY.get(key) if isinstance(key, str) else None
        if persona is None:
            raise ApiFailure(404, f"unknown persona {key!r} (one of {', '.join(_BY_KEY)})")
        return persona

    def _chat_id(self, persona: Persona, chat: object) -> int:
        if chat == "private":
            return persona.user_id
        if chat == "group" and self.group is not None:
            return self.group.id
        raise ApiFailure(404, f"unknown chat {chat!r} (private or group)")

    def _where(self, request: web.Request) -> tuple[Persona, int]:
        persona = self._persona(request.match_info["persona"])
        return persona, self._chat_id(persona, request.match_info["chat"])


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    body = await request.json()
    if not isinstance(body, dict):
        raise ApiFailure(400, "the body must be a JSON object")
    return body


def _number(value: str | None, name: str, kind: type[int] | type[float]) -> Any:
    if value is None or value == "":
        return None
    try:
        return kind(value)
    except ValueError:
        raise ApiFailure(400, f"{name} must be a number") from None


def _decode_base64(text: str, complaint: str) -> bytes:
    if text.startswith("data:"):
        text = text.split(",", 1)[-1]
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ApiFailure(400, complaint) from None


def _attachment(name: str) -> str:
    """Content-Disposition for a download, with the name as RFC 6266 wants it (UTF-8 too)."""
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


# -- the command: `python bot.py sandbox` (and `make run` without a token) ---------------------


def serve(
    sandbox: Sandbox,
    *,
    fresh: bool = False,
    browser: bool = True,
    announce: Callable[[str], str] = lambda url: f"Sandbox: {url}",
) -> int:
    """Run the sandbox until Ctrl-C or SIGTERM; prints one line, `announce(url)`, once it
    listens. Raises StartupError when the port is taken."""
    return asyncio.run(_serve(sandbox, fresh=fresh, browser=browser, announce=announce))


async def _serve(
    sandbox: Sandbox, *, fresh: bool, browser: bool, announce: Callable[[str], str]
) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await sandbox.start(fresh=fresh)
    try:
        print(announce(sandbox.url), flush=True)
        if browser and _has_display():
            await asyncio.to_thread(_open_browser, sandbox.url)
        await stop.wait()
    finally:
        await sandbox.stop()
    return 0


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) or sys.platform in (
        "darwin",
        "win32",
    )


def _open_browser(url: str) -> None:
    """Open the page in the default browser, quietly (whatever the browser prints goes
    nowhere); without one, the printed URL is enough."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return
    if isinstance(browser, webbrowser.GenericBrowser):
        command = [browser.name, *(arg.replace("%s", url) for arg in browser.args)]
        with contextlib.suppress(OSError):
            subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        return
    with contextlib.suppress(webbrowser.Error, OSError):
        browser.open(url)
