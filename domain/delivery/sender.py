"""Delivers the durable outbox (storage/outbox.py): broadcasts, reminders, nudges.

Features call `Sender.enqueue([...])`: rows are committed first, then a background task sends
the due ones, many chats at once (each chat one message at a time, in order), through the
bot's rate limiter (domain/delivery/ratelimit.py) as *bulk* traffic, so replies to users go first.

Outcomes: sent; 403 -> 'blocked' and the user is marked unreachable (a later /start makes them
reachable again, see handlers/start.remember_user); 429 -> the row waits `retry_after` and is
retried, never given up; 5xx, timeouts and network errors -> retried with backoff, 'failed'
after MAX_ATTEMPTS; 400 -> 'failed'. At start-up, rows a crash left 'sending' are sent again
(only messages in flight at the moment of the crash can arrive twice), except reminders, which
are never sent twice (storage/outbox.py: AT_MOST_ONCE)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from domain.delivery.ratelimit import retry_seconds
from schedules.clock import Clock
from storage import outbox, users
from storage.db import Database
from storage.outbox import Claimable, OutboxRow, OutgoingMessage

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]]

MAX_ATTEMPTS = 6  # 1 + 2 + 4 + 8 + 16 s of backoff: a 30-second outage loses nothing
CONCURRENCY = 40  # messages in flight at once; the limiter keeps them to the allowed rate
STOP_GRACE = 10.0  # seconds in-flight sends get to finish at a stop (systemd waits 30 s)
BULK = {"bulk": True, "max_retries": 0}  # rate_limit_args: lower priority, 429s handled here


class Sender:
    def __init__(
        self, bot: Bot, db: Database, clock: Clock, concurrency: int = CONCURRENCY
    ) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock
        self.concurrency = concurrency
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._in_flight: dict[int, asyncio.Task[None]] = {}  # chat_id -> its delivery

    async def enqueue(self, messages: list[OutgoingMessage]) -> int:
        """Commit the messages to the outbox, then wake the delivery loop."""
        added = await outbox.enqueue(self.db, messages)
        self.wake()
        return added

    def wake(self) -> None:
        self._wake.set()

    def start(self, spawn: Spawn = asyncio.create_task) -> None:
        """Start the loop; bot.py passes handlers.base.errors.spawner, so that an exception
        that ends the loop reaches the error handler."""
        if self._task is None:
            self._task = spawn(self._run())

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Stop taking rows, give the deliveries in flight up to `grace` seconds to finish
        (SIGTERM: a request on its way gets its answer recorded, so a restart neither sends
        it again nor leaves it in doubt), then cancel what is left (it goes out after a
        restart, or is in doubt if it had been dispatched)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        in_flight = list(self._in_flight.values())
        if in_flight and grace > 0:
            await asyncio.wait(in_flight, timeout=grace)
        for task in in_flight:
            task.cancel()
        for task in in_flight:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._in_flight.clear()

    async def _run(self) -> None:
        again, doubtful = await outbox.requeue_interrupted(self.db)
        if again or doubtful:
            log.warning(
                "After a restart: %d outbox rows go out again, %d reminders are in doubt "
                "(their request had gone to Telegram) and are not sent again",
                again,
                doubtful,
            )
        while True:
            try:
                started = await self._dispatch()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Outbox delivery failed; retrying shortly")
                started = 0
                await asyncio.sleep(1)
            if not started:
                await self._sleep_until_next()

    async def _dispatch(self) -> int:
        """Start deliveries for due rows while there are free slots; return how many."""
        free = self.concurrency - len(self._in_flight)
        if free <= 0:
            return 0
        found = await outbox.claimable(self.db, self.clock.now(), set(self._in_flight), limit=free)
        for item in found:
            chat = item.row.chat_id
            task = asyncio.create_task(self._deliver_one(item), name=f"outbox-{item.row.id}")
            self._in_flight[chat] = task
            task.add_done_callback(functools.partial(self._done, chat))
        return len(found)

    def _done(self, chat: int, _task: asyncio.Task[None]) -> None:
        self._in_flight.pop(chat, None)
        self._wake.set()  # a slot is free, and this chat may have more

    async def _sleep_until_next(self) -> None:
        self._wake.clear()
        timeout = 30.0
        nxt = await outbox.next_pending_time(self.db)
        if nxt is not None:
            timeout = max(0.05, min(timeout, (nxt - self.clock.now()).total_seconds()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def _deliver_one(self, item: Claimable) -> None:
        try:
            if not item.reachable:
                await outbox.mark(self.db, item.row.id, "blocked", "user blocked the bot")
                return
            await self.deliver(item.row)
        except asyncio.CancelledError:
            raise
        except Exception:
            # A bug or a database hiccup: the row stays 'sending' and goes out after a restart.
            log.exception("Outbox row %s: unexpected error", item.row.id)

    async def deliver(self, row: OutboxRow) -> None:
        await outbox.mark(self.db, row.id, "sending")

        async def dispatched() -> None:
            await outbox.mark_dispatched(self.db, row.id)

        try:
            await send_payload(
                self.bot, row.chat_id, row.payload, bulk=True, on_dispatch=dispatched
            )
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            until = self.clock.now() + timedelta(seconds=wait)
            await outbox.retry_later(self.db, row.id, until, str(exc), counts=False)
        except Forbidden as exc:
            await outbox.mark(self.db, row.id, "blocked", str(exc))
            await users.set_active(self.db, row.chat_id, False)
        except BadRequest as exc:
            log.warning("Outbox row %s refused by Telegram: %s", row.id, exc)
            await outbox.mark(self.db, row.id, "failed", str(exc))
        except TelegramError as exc:  # 5xx, timeouts, network errors
            if row.kind in outbox.AT_MOST_ONCE and maybe_delivered(exc):
                # The request went out and no answer came back: Telegram may have shown it.
                # A reminder is never sent twice, so it is not tried again.
                log.warning("Outbox row %s (%s) in doubt: %s", row.id, row.kind, exc)
                await outbox.mark(self.db, row.id, "failed", f"{outbox.IN_DOUBT} ({exc})")
                return
            if row.attempts + 1 >= MAX_ATTEMPTS:
                log.warning("Outbox row %s failed after %s attempts: %s", row.id, MAX_ATTEMPTS, exc)
                await outbox.mark(self.db, row.id, "failed", str(exc))
            else:
                backoff = timedelta(seconds=min(60, 2**row.attempts))
                await outbox.retry_later(self.db, row.id, self.clock.now() + backoff, str(exc))
        else:
            await outbox.mark(self.db, row.id, "sent")


# Errors of requests that never reached Telegram: the connection was not made.
_NOT_SENT = ("ConnectError", "ConnectTimeout", "PoolTimeout")


def maybe_delivered(exc: TelegramError) -> bool:
    """Whether Telegram may have delivered the message although the bot got an error: the
    request went out and the answer was lost (a read timeout, a dropped connection). An
    error *answer* (5xx) or a connection never made means it was not delivered."""
    if not isinstance(exc, NetworkError) or isinstance(exc, BadRequest):
        return False
    cause = exc.__cause__
    if cause is None:
        return False  # Telegram answered with an error status
    return type(cause).__name__ not in _NOT_SENT


async def send_payload(
    bot: Bot,
    chat_id: int,
    payload: dict[str, Any],
    bulk: bool = False,
    on_dispatch: Callable[[], Awaitable[None]] | None = None,
) -> Message:
    """Send one outbox payload: text, photo or document (by file_id), with optional buttons.
    `bulk` sends it as low-priority traffic whose 429s the caller handles; the rate limiter
    calls `on_dispatch` right before the request leaves for Telegram."""
    markup = payload.get("reply_markup")
    reply_markup = InlineKeyboardMarkup.de_json(markup, bot) if markup else None
    extra: dict[str, Any] = {}
    if isinstance(bot, ExtBot) and (bulk or on_dispatch is not None):
        extra["rate_limit_args"] = {**(BULK if bulk else {}), "on_dispatch": on_dispatch}
    media = "photo" if "photo" in payload else "document" if "document" in payload else None
    if media is not None:
        send = bot.send_photo if media == "photo" else bot.send_document
        caption = payload.get("caption")
        return await send(
            chat_id, payload[media], caption=caption, reply_markup=reply_markup, **extra
        )
    return await bot.send_message(chat_id, payload["text"], reply_markup=reply_markup, **extra)
