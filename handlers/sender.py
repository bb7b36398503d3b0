"""Delivers the durable outbox (storage/outbox.py): broadcasts, reminders, nudges.

Features call `Sender.enqueue([...])`: rows are committed first, then a background task sends
the due ones. A 403 marks the user unreachable; a 429 waits `retry_after`; other errors are
retried with backoff and recorded."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from schedules.clock import Clock
from storage import outbox, users
from storage.db import Database
from storage.outbox import OutboxRow, OutgoingMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


class Sender:
    def __init__(self, bot: Bot, db: Database, clock: Clock) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def enqueue(self, messages: list[OutgoingMessage]) -> int:
        """Commit the messages to the outbox, then wake the delivery loop."""
        added = await outbox.enqueue(self.db, messages)
        self.wake()
        return added

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                sent_any = await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Outbox delivery failed; retrying shortly")
                sent_any = False
            if not sent_any:
                await self._sleep_until_next()

    async def _sleep_until_next(self) -> None:
        nxt = await outbox.next_due_time(self.db)
        timeout = 30.0
        if nxt is not None:
            timeout = max(0.05, min(timeout, (nxt - self.clock.now()).total_seconds()))
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def deliver_due(self) -> bool:
        rows = await outbox.due(self.db, self.clock.now())
        for row in rows:
            await self.deliver(row)
        return bool(rows)

    async def deliver(self, row: OutboxRow) -> None:
        await outbox.mark(self.db, row.id, "sending")
        try:
            await send_payload(self.bot, row.chat_id, row.payload)
        except RetryAfter as exc:
            wait = (
                exc.retry_after
                if isinstance(exc.retry_after, int | float)
                else exc.retry_after.total_seconds()
            )
            await outbox.postpone(
                self.db, row.id, self.clock.now() + timedelta(seconds=wait), str(exc)
            )
            await asyncio.sleep(wait)
        except Forbidden as exc:
            await outbox.mark(self.db, row.id, "blocked", str(exc))
            await users.set_active(self.db, row.chat_id, False)
        except BadRequest as exc:
            log.warning("Outbox row %s refused by Telegram: %s", row.id, exc)
            await outbox.mark(self.db, row.id, "failed", str(exc))
        except (NetworkError, TelegramError) as exc:
            if row.attempts + 1 >= MAX_ATTEMPTS:
                await outbox.mark(self.db, row.id, "failed", str(exc))
            else:
                backoff = timedelta(seconds=min(60, 2**row.attempts))
                await outbox.postpone(self.db, row.id, self.clock.now() + backoff, str(exc))
        else:
            await outbox.mark(self.db, row.id, "sent")


async def send_payload(bot: Bot, chat_id: int, payload: dict[str, Any]) -> Message:
    """Send one outbox payload: text, photo or document (by file_id), with optional buttons."""
    markup = payload.get("reply_markup")
    reply_markup = InlineKeyboardMarkup.de_json(markup, bot) if markup else None
    if "photo" in payload:
        return await bot.send_photo(
            chat_id, payload["photo"], caption=payload.get("caption"), reply_markup=reply_markup
        )
    if "document" in payload:
        return await bot.send_document(
            chat_id, payload["document"], caption=payload.get("caption"), reply_markup=reply_markup
        )
    return await bot.send_message(chat_id, payload["text"], reply_markup=reply_markup)
