"""Telegram's flood limits for ALL of the bot's traffic, replies and broadcasts alike.

PTB's own AIORateLimiter pauses every request after one 429 and has no per-chat limit, so a
broadcast hitting a limit would freeze the replies to everybody. This limiter, built on
aiolimiter's leaky buckets, keeps:
- about 30 messages/s overall; per private chat a burst of 3, then below 1 message/s;
  20 messages/min per group;
- a 429 to the chat it concerns (other chats carry on), or to all bulk traffic when it concerns
  the whole bot, while replies keep going;
- interactive replies first: the overall budget is a row of evenly spaced slots; a reply takes
  the next one, while bulk traffic (the outbox, one request at a time) takes a slot only when it
  is free at that moment, so a reply never waits behind a broadcast message.

Only messages count (send*, copy*, forward*): answering a button press or editing a message
is not a message for Telegram's limits, and is never delayed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]

# Endpoints that post a message into a chat. sendChatAction is not a message.
_MESSAGE_ENDPOINT = re.compile(r"^(send(?!ChatAction)|copyMessage|forwardMessage)")
# A 429 whose description says so concerns the whole bot rather than one chat.
_GLOBAL_HINT = re.compile(r"global|all chats|whole bot|overall", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    """Leaky buckets sized so that no window of the given length ever holds more than
    Telegram allows: capacity + rate * window <= limit (with a little margin for jitter)."""

    overall_rate: float = 28.5  # per second, capacity 1 (Telegram: 30/s)
    # Telegram lets a private chat receive a short burst, then about one message a second.
    # A question that gets two answers (a welcome, then the first question) thus arrives at
    # once; sustained traffic stays below 1/s.
    private_burst: float = 3
    private_rate: float = 0.9  # per second after the burst
    group_burst: float = 4  # messages a group may receive at once ...
    group_rate: float = 15.5 / 60  # ... then per second (4 + 15.5 <= 20 per minute)
    max_retries: int = 6  # 429s tolerated for one interactive request
    max_pause: float = 120.0  # never trust a retry_after longer than this
    reply_retries: int = 2  # a reply that meets a 5xx or a timeout is tried twice more ...
    reply_backoff: float = 0.5  # ... after 0.5 s, then 1 s


def is_message(endpoint: str) -> bool:
    return bool(_MESSAGE_ENDPOINT.match(endpoint))


def retry_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after  # a timedelta with PTB_TIMEDELTA (set in bot.py), else seconds
    return float(value if isinstance(value, int | float) else value.total_seconds())


def _chat_key(chat_id: object) -> int | str | None:
    if chat_id is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        return int(chat_id)  # type: ignore[call-overload]
    return str(chat_id)


def _is_group(chat: int | str) -> bool:
    return isinstance(chat, str) or chat < 0


class _Slots:
    """The overall budget as slots `interval` apart: no two messages closer than that, so no
    second ever holds more than the rate. A reply reserves the next slot at once; bulk traffic
    waits until a slot is free *now* and takes it then, so a reply that arrives while a
    broadcast message waits goes first (aiolimiter's queue would serve them in order)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1 / rate
        self.next_free = 0.0  # loop time of the first slot nobody holds

    async def reply(self) -> None:
        now = asyncio.get_running_loop().time()
        slot = max(now, self.next_free)
        self.next_free = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)

    async def bulk(self) -> None:
        loop = asyncio.get_running_loop()
        # Sleeping until the slot is due is the point here (a reply may take it meanwhile,
        # then the loop sleeps again), so an Event would only add a timer of its own.
        while (wait := self.next_free - loop.time()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)
        self.next_free = loop.time() + self.interval


class ChatRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """`rate_limit_args`: {"bulk": True} for outbox traffic, {"max_retries": n} to change how
    many 429s are retried here (the outbox sender uses 0 and reschedules the row itself)."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._overall = _Slots(self.limits.overall_rate)
        # One bulk request at a time queues for the overall budget (see _acquire).
        self._bulk_turn = asyncio.Lock()
        self._chats: dict[int | str, AsyncLimiter] = {}
        self._paused: dict[int | str, float] = {}  # chat -> loop time it may send again
        self._bulk_paused_until = 0.0
        self._all_paused_until = 0.0
        self.retry_after_count = 0  # 429s seen, for the benchmark and the logs

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        self._chats.clear()
        self._paused.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> JSON:
        options = rate_limit_args or {}
        bulk = bool(options.get("bulk"))
        retries = int(options.get("max_retries", self.limits.max_retries))
        on_dispatch = options.get("on_dispatch")
        chat = _chat_key(data.get("chat_id"))
        counted = chat is not None and is_message(endpoint)
        attempt = failures = 0
        while True:
            await self._wait_for_pauses(chat, bulk)
            if counted and chat is not None:
                await self._acquire(chat, bulk)
            try:
                if on_dispatch is not None:
                    await on_dispatch()  # the outbox records that the request goes out now
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self._on_retry_after(chat, exc, bulk)
                if attempt >= retries:
                    raise
                attempt += 1
            except NetworkError as exc:
                # A reply (not bulk: the outbox retries its own) that met a 5xx, a timeout or
                # a dropped connection is tried again shortly, instead of the user seeing
                # "terjadi kendala". A refusal (400, BadRequest) is final.
                if bulk or isinstance(exc, BadRequest) or failures >= self.limits.reply_retries:
                    raise
                failures += 1
                await asyncio.sleep(self.limits.reply_backoff * failures)

    # --- budgets -----------------------------------------------------------------------------

    async def _acquire(self, chat: int | str, bulk: bool) -> None:
        # The chat's own budget first: waiting for it must never hold a slot of the overall one.
        await self._chat_limiter(chat).acquire()
        if not bulk:
            await self._overall.reply()
            return
        # One bulk request at a time waits for a free slot; replies take theirs first.
        async with self._bulk_turn:
            await self._overall.bulk()

    def _chat_limiter(self, chat: int | str) -> AsyncLimiter:
        limiter = self._chats.get(chat)
        if limiter is None:
            if len(self._chats) > 2048:
                self._forget_idle_chats()
            if _is_group(chat):
                limiter = AsyncLimiter(self.limits.group_burst, self._group_period())
            else:
                limiter = AsyncLimiter(
                    self.limits.private_burst, self.limits.private_burst / self.limits.private_rate
                )
            self._chats[chat] = limiter
        return limiter

    def _group_period(self) -> float:
        return self.limits.group_burst / self.limits.group_rate

    def _forget_idle_chats(self) -> None:
        """Drop buckets that are empty again: they would allow the same as a new one."""
        for key, limiter in list(self._chats.items()):
            if limiter.has_capacity(limiter.max_rate):
                del self._chats[key]

    # --- 429 ---------------------------------------------------------------------------------

    def _on_retry_after(self, chat: int | str | None, exc: RetryAfter, bulk: bool) -> None:
        self.retry_after_count += 1
        wait = min(retry_seconds(exc), self.limits.max_pause)
        now = asyncio.get_running_loop().time()
        until = now + wait
        if chat is None or _GLOBAL_HINT.search(exc.message or ""):
            # Telegram says the whole bot is over its limit: everybody waits.
            self._all_paused_until = max(self._all_paused_until, until)
            log.warning("429 for the whole bot: pausing all messages for %.1f s", wait)
            return
        self._paused[chat] = max(self._paused.get(chat, 0.0), until)
        if bulk:
            # Probably the overall budget was exceeded: slow broadcasts down a little (replies
            # keep going), without making every chat wait the full retry_after.
            self._bulk_paused_until = max(self._bulk_paused_until, now + min(wait, 1.0))
        log.info("429 for chat %s: it waits %.1f s, other chats carry on", chat, wait)

    async def _wait_for_pauses(self, chat: int | str | None, bulk: bool) -> None:
        loop = asyncio.get_running_loop()
        while True:
            until = self._all_paused_until
            if chat is not None:
                until = max(until, self._paused.get(chat, 0.0))
            if bulk:
                until = max(until, self._bulk_paused_until)
            delay = until - loop.time()
            if delay <= 0:
                if chat is not None and chat in self._paused and self._paused[chat] <= loop.time():
                    del self._paused[chat]
                return
            await asyncio.sleep(delay)
