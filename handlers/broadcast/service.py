"""The announcement service: starts announcements when their time comes, writes one outbox
row per recipient in one transaction, follows the progress (one message edited every few
seconds) and finally edits it into the report (sent, failed, blocked)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram.error import BadRequest, TelegramError

import locales
from domain.audience import describe, recipients
from domain.delivery.sender import Spawn
from handlers.base.context import BotApp, Services, services_of
from handlers.broadcast.compose import with_header
from locales import number
from storage import broadcasts
from storage.broadcasts import KIND, Broadcast, Recipient
from storage.outbox import OutgoingMessage

log = logging.getLogger(__name__)


TICK = 0.5  # seconds between looks at due and running announcements
PROGRESS_EVERY = 3.0  # seconds between edits of a progress message


REPORT_TRIES = 5  # transient failures of the in-place report before it goes as a new message


@dataclass
class _Progress:
    shown: str = ""
    edited_at: float = 0.0
    report_failures: int = 0


class BroadcastService:
    """Starts announcements when their time comes and follows them to their report."""

    def __init__(self, app: BotApp) -> None:
        self.app = app
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._progress: dict[int, _Progress] = {}
        self._lock = asyncio.Lock()

    @property
    def services(self) -> Services:
        return services_of(self.app)

    def start(self, spawn: Spawn = asyncio.create_task) -> None:
        """Start the loop; bot.py passes handlers.base.errors.spawner, so that an exception
        that ends the loop reaches the error handler."""
        if self._task is None:
            self._task = spawn(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                await self.launch_due()
                await self.follow()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Broadcast service hiccup; carrying on")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), TICK)

    async def launch_due(self) -> None:
        """Queue the recipients of every announcement whose time has come, and finish
        queueing any that a crash interrupted."""
        async with self._lock:
            services = self.services
            now = services.clock.now()
            for b in await broadcasts.unqueued(services.db):
                log.info("Broadcast %s: queueing its recipients again after a restart", b.id)
                await self._queue(b, now)
            for b in await broadcasts.due(services.db, now):
                await self._launch(b, now)

    async def _launch(self, b: Broadcast, now: datetime) -> None:
        found = await recipients(self.services.db, self.services.event, b.audience)
        if await broadcasts.start_sending(self.services.db, b.id, len(found), now):
            await self._queue(b, now, found)

    async def _queue(
        self, b: Broadcast, now: datetime, found: list[Recipient] | None = None
    ) -> None:
        services = self.services
        if found is None:
            found = await recipients(services.db, services.event, b.audience)
        payloads: dict[str, dict[str, Any]] = {}  # one per language, not per recipient

        def message(r: Recipient) -> OutgoingMessage:
            payload = payloads.get(r.language)
            if payload is None:
                payload = payloads[r.language] = with_header(b.payload, r.language)
            return OutgoingMessage(
                KIND, r.user_id, payload, ref=str(b.id), dedupe_key=f"bc:{b.id}:{r.user_id}",
                not_before=now,
            )  # fmt: skip

        # Made a chunk at a time as they are written: all 50,000 at once held the event
        # loop (every reply) for a third of a second.
        await broadcasts.queue_recipients(services.db, b.id, map(message, found))
        if services.sender is not None:
            services.sender.wake()
        log.info("Broadcast %s: %s recipients queued", b.id, len(found))
        started = await broadcasts.get(services.db, b.id)
        if started is not None:
            await self._show_progress(started, {}, force=True)

    async def follow(self) -> None:
        """Edit progress messages; finish announcements with nothing left to send."""
        db = self.services.db
        for b in await broadcasts.sending(db):
            tally = await broadcasts.counts(db, b.id)
            if tally.get("pending", 0) + tally.get("sending", 0) == 0:
                await self._finish(b, tally)
            else:
                await self._show_progress(b, tally)

    async def _show_progress(
        self, b: Broadcast, tally: dict[str, int], force: bool = False
    ) -> None:
        lang = b.report_lang
        text: str = locales.t(
            lang,
            "broadcast.progress",
            id=b.id,
            sent=number(tally.get("sent", 0), lang),
            total=number(b.total, lang),
        )
        trouble = tally.get("failed", 0) + tally.get("blocked", 0)
        if trouble:
            text += "\n" + locales.t(
                lang,
                "broadcast.progress_trouble",
                failed=number(tally.get("failed", 0), lang),
                blocked=number(tally.get("blocked", 0), lang),
            )
        await self._put_progress(b, text, force)

    async def _put_progress(self, b: Broadcast, text: str, force: bool) -> None:
        state = self._progress.setdefault(b.id, _Progress())
        loop = asyncio.get_running_loop()
        if text == state.shown or (not force and loop.time() - state.edited_at < PROGRESS_EVERY):
            return
        bot = self.app.bot
        try:
            if b.progress_message_id is None:
                sent = await bot.send_message(b.report_chat_id, text)
                await broadcasts.set_progress_message(self.services.db, b.id, sent.message_id)
            else:
                await bot.edit_message_text(text, b.report_chat_id, b.progress_message_id)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                log.warning("Broadcast %s: progress message: %s", b.id, exc)
        except TelegramError as exc:
            log.warning("Broadcast %s: progress message: %s", b.id, exc)
            return
        state.shown, state.edited_at = text, loop.time()

    async def _finish(self, b: Broadcast, tally: dict[str, int]) -> None:
        """The report, once: the progress message edited into it in place; only when that
        message cannot be edited (never sent, deleted) a new one, through the outbox. A crash
        between the edit and the commit edits it again ("not modified") and commits."""
        lang = b.report_lang
        failed = tally.get("failed", 0) + tally.get("cancelled", 0)
        report_text = locales.t(
            lang,
            "broadcast.report",
            id=b.id,
            audience=describe(b.audience, lang, self.services.event),
            sent=number(tally.get("sent", 0), lang),
            total=number(b.total, lang),
            failed=number(failed, lang),
            blocked=number(tally.get("blocked", 0), lang),
        )
        edited = await self._edit_into_report(b, report_text)
        if edited is None:
            return  # a moment's trouble (429, network): the next look tries again
        report = None
        if not edited:
            report = OutgoingMessage(
                "broadcast_report",
                b.report_chat_id,
                {"text": report_text},
                ref=str(b.id),
                dedupe_key=f"bc:{b.id}:report",
                not_before=self.services.clock.now(),
            )
        if not await broadcasts.finish(self.services.db, b.id, tally, report):
            return
        log.info("Broadcast %s done: %s", b.id, tally)
        self._progress.pop(b.id, None)
        if report is not None and self.services.sender is not None:
            self.services.sender.wake()

    async def _edit_into_report(self, b: Broadcast, text: str) -> bool | None:
        """Whether the progress message now reads as the report; None: not now, try again
        (a transient error, at most REPORT_TRIES times, then False)."""
        if b.progress_message_id is None:
            return False
        try:
            await self.app.bot.edit_message_text(text, b.report_chat_id, b.progress_message_id)
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return True
            log.warning("Broadcast %s: report in place: %s", b.id, exc)
            return False
        except TelegramError as exc:
            log.warning("Broadcast %s: report in place: %s", b.id, exc)
            state = self._progress.setdefault(b.id, _Progress())
            state.report_failures += 1
            return None if state.report_failures < REPORT_TRIES else False
        return True
