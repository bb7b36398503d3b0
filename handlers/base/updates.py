"""Concurrent update processing that keeps each chat's updates in order.

Fifty participants pressing buttons at once are served in parallel, but two quick presses by
one participant are handled one after the other, so a flow never sees its own steps race.
An update Telegram delivers twice (a webhook retried after its answer was lost, a switch
between webhook and polling) is processed once: finished updates are recorded in SQLite."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, BaseUpdateProcessor, ExtBot
from telegram.ext._utils import webhookhandler

from storage import processed_updates
from storage.db import Database

log = logging.getLogger(__name__)


# Finished updates are written in batches: at most every FLUSH_AFTER seconds, at once when
# FLUSH_BATCH are waiting, and at shutdown. The crash window this leaves: an update that
# finished less than FLUSH_AFTER s before a crash (SIGKILL, power loss) is not recorded, so if
# Telegram delivers it again after the restart it is processed again. Every step an update
# makes is committed by its handler before the bot answers, so such a copy meets stored state
# (flows and registrations are idempotent on their rows, outbox sends on their dedupe keys).
FLUSH_AFTER = 1.0
FLUSH_BATCH = 200
# Update ids remembered in memory for this run before they are left to the database alone.
MEMORY = 10_000


class ProcessedUpdates:
    """Which updates were processed, asking the database as little as possible.

    Telegram's update ids increase, so an id above the highest one recorded when this run
    began (read once, at the first update) and not processed in this run is new: no read.
    Ids processed in this run are kept in memory (bounded by MEMORY); older or lower ids (a
    re-delivery after a restart) are looked up in SQLite as before."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._floor: int | None = None  # ids at or below it are looked up in the database
        self._done: set[int] = set()
        self._pending: list[int] = []
        self._timer: asyncio.Task[None] | None = None

    async def seen(self, update_id: int) -> bool:
        if update_id in self._done:
            return True
        if self._floor is None:
            self._floor = await processed_updates.highest(self.db)
        if update_id > self._floor:
            return False
        return await processed_updates.seen(self.db, update_id)

    def mark(self, update_id: int) -> None:
        """Remember a finished update now; it reaches the database with the next batch."""
        self._done.add(update_id)
        self._pending.append(update_id)
        if len(self._pending) >= FLUSH_BATCH or self._timer is None:
            delay = 0.0 if len(self._pending) >= FLUSH_BATCH else FLUSH_AFTER
            if self._timer is not None:
                self._timer.cancel()
            self._timer = asyncio.get_running_loop().create_task(self._flush_after(delay))

    async def _flush_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._timer = None
        await self.flush()

    async def flush(self) -> None:
        """Write the waiting marks in one transaction (also called at shutdown)."""
        batch, self._pending = self._pending, []
        if not batch:
            return
        try:
            await processed_updates.mark_many(self.db, batch)
        except Exception as exc:  # like a lost mark before: this run's memory still skips it
            log.warning("Could not record %s processed updates: %s", len(batch), exc)
            return
        if len(self._done) > MEMORY and not self._pending and self._floor is not None:
            # Everything in memory is in the database now: let the database answer for it.
            self._floor = max(self._floor, max(self._done))
            self._done.clear()

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        await self.flush()


class PerChatUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64, db: Database | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.processed = ProcessedUpdates(db) if db is not None else None
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self._key(update)
        if key is None:
            await self._once(update, coroutine)
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                await self._once(update, coroutine)
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:  # forget idle chats so the dict does not grow forever
                del self._users[key]
                self._locks.pop(key, None)

    async def _once(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Process the update unless it was processed before. Recorded only once finished, so
        an update a crash interrupted is processed again when Telegram delivers it again.
        A copy arriving while the first is in progress waits behind it (same chat, same lock)."""
        update_id = update.update_id if isinstance(update, Update) else 0
        if self.processed is None or update_id <= 0:
            await coroutine
            return
        try:
            duplicate = await self.processed.seen(update_id)
        except Exception:  # a database fault must not drop the update: its handler reports it
            duplicate = False
        if duplicate:
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never run
            log.info("Update %s was delivered again; skipped", update_id)
            return
        await coroutine
        self.processed.mark(update_id)

    @staticmethod
    def _key(update: object) -> int | None:
        if not isinstance(update, Update):
            return None
        if update.effective_user is not None:
            return update.effective_user.id
        return update.effective_chat.id if update.effective_chat else None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        """PTB calls this before post_shutdown closes the database: the last marks go in."""
        if self.processed is not None:
            await self.processed.close()


class TolerantBot(ExtBot[None]):
    """An ExtBot that survives an update it cannot read.

    PTB parses a whole getUpdates batch at once; one update of a shape it does not expect
    makes the batch fail, the Updater fetches the same batch again, forever, and PTB logs the
    raw data (names included) on every try. Here a batch is parsed once, by PTB, as usual; when
    that fails (PTB's log line with the raw data is dropped), the same batch is fetched again
    (the offset has not moved) and each update tried on its own: one that cannot be read is
    replaced by an empty update with the same id (which no handler takes), so the offset moves
    past it, and one line without personal data is logged. (Trying each update of every batch
    first parsed every update twice: 2 % of the bot's CPU.)"""

    _one_by_one = False

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        try:
            return await super().get_updates(*args, **kwargs)
        except TelegramError:
            raise  # the request failed: the Updater retries it
        except Exception:  # an update PTB cannot read: again, one by one
            self._one_by_one = True
            try:
                return await super().get_updates(*args, **kwargs)
            finally:
                self._one_by_one = False

    async def _post(self, endpoint: str, data: Any = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if self._one_by_one and endpoint == "getUpdates" and isinstance(result, list):
            return [self._readable(raw) for raw in result]
        return result

    def _readable(self, raw: Any) -> Any:
        try:
            Update.de_json(raw, self)
        except Exception as exc:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            log.warning("Update %s could not be read (%s); skipped", update_id, type(exc).__name__)
            return {"update_id": update_id} if isinstance(update_id, int) else {"update_id": 0}
        return raw


class _NoRawUpdates(logging.Filter):
    """Drops PTB's "Error while parsing updates! Received data was ..." (names, phone
    numbers): TolerantBot.get_updates handles that batch and logs one line without them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Error while parsing updates")


TolerantBot._LOGGER.addFilter(_NoRawUpdates())  # the logger PTB's get_updates logs to


class TolerantApplicationBuilder(ApplicationBuilder[Any, Any, Any, Any, Any, Any]):
    """PTB's ApplicationBuilder with the bot above in place of its ExtBot: the body is PTB's
    own ApplicationBuilder._build_ext_bot (PTB 22), with TolerantBot as the class."""

    def _build_ext_bot(self) -> ExtBot[Any]:
        if isinstance(self._token, DefaultValue):
            raise RuntimeError("No bot token was set.")
        return TolerantBot(
            token=self._token,
            base_url=DefaultValue.get_value(self._base_url),
            base_file_url=DefaultValue.get_value(self._base_file_url),
            private_key=DefaultValue.get_value(self._private_key),
            private_key_password=DefaultValue.get_value(self._private_key_password),
            defaults=DefaultValue.get_value(self._defaults),
            arbitrary_callback_data=DefaultValue.get_value(self._arbitrary_callback_data),
            request=self._build_request(get_updates=False),
            get_updates_request=self._build_request(get_updates=True),
            rate_limiter=DefaultValue.get_value(self._rate_limiter),
            local_mode=DefaultValue.get_value(self._local_mode),
        )


class TolerantWebhookHandler(webhookhandler.TelegramHandler):
    """PTB's webhook request handler, with TolerantBot's rule for an update it cannot read.

    PTB answers such a webhook request 400 (Telegram then posts it again and again) and logs
    the raw update, names included. Here, before PTB's own `post` (which checks the secret
    token and parses), an authenticated body that PTB could not read is replaced by the empty
    update with the same id, so it is answered 200 and skipped, with one log line."""

    def prepare(self) -> None:
        header = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        if self.secret_token is not None and header != self.secret_token:
            return  # post() refuses it (403): nothing of it is read or logged
        if not isinstance(self.bot, TolerantBot):
            return
        try:
            raw = json.loads(self.request.body)
        except ValueError:
            return
        readable = self.bot._readable(raw)
        if readable is not raw:
            self.request.body = json.dumps(readable).encode()


def use_tolerant_webhook() -> None:
    """Make PTB's webhook server use TolerantWebhookHandler (its WebhookAppClass takes the
    handler class from its module when the webhook starts). Called by bot.build_application."""
    webhookhandler.TelegramHandler = TolerantWebhookHandler  # type: ignore[misc]
