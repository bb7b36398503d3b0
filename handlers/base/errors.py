"""The one error handler: log with the update id, tell the user briefly, never a stack trace."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError

import locales
from domain import error_reports
from handlers.base.context import BotApp, BotContext, lang_of
from storage.db import cannot_write

log = logging.getLogger(__name__)


# Updates whose person has already been told about an error: one update can fail in more than
# one handler group (remembering the user, then the feature), but gets one message.
_told: deque[int] = deque(maxlen=256)


async def on_error(update: object, context: BotContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    if isinstance(error, Forbidden | NetworkError) or cannot_write(error):
        log.warning("Update %s: %s: %s", update_id, type(error).__name__, error)
    else:
        log.error("Update %s caused an error", update_id, exc_info=error)
        if error is not None:
            await _report(context, update, error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, Forbidden):
        return  # the user blocked us: nobody to tell
    if update.update_id in _told:
        return
    _told.append(update.update_id)
    key = "common.cannot_save" if cannot_write(error) else "common.error"
    try:
        await update.effective_chat.send_message(locales.t(lang_of(update), key))
    except TelegramError as exc:
        log.warning("Update %s: could not tell the user about the error: %s", update_id, exc)


def update_type(update: object) -> str:
    """Which kind of update failed ("message", "callback_query", ...), or "background" for
    the bot's own loops (the outbox sender, announcements, scheduled jobs)."""
    if not isinstance(update, Update):
        return "background"
    for name in Update.ALL_TYPES:
        if getattr(update, name, None) is not None:
            return str(name)
    return "update"


async def _report(context: BotContext, update: object, error: BaseException) -> None:
    """Tell the admins (rate-limited, without personal data: domain/error_reports.py). A
    failure here must not hide the original error, which is logged already."""
    services = context.services
    if services.sender is None or not services.settings.admin_ids:
        return
    try:
        await error_reports.report(
            services.db,
            error,
            update_type(update),
            services.settings.admin_ids,
            services.sender.enqueue,
            services.clock.now(),
            services.event.tz,
        )
    except Exception as exc:
        log.warning("Could not report the error to the admins: %s", type(exc).__name__)


def spawner(app: BotApp) -> Callable[[Coroutine[Any, Any, None]], asyncio.Task[None]]:
    """Start background loops (the outbox sender, announcements) so that an exception that
    ends one reaches the error handler, like an exception in a handler does. (PTB's
    Application.create_task does the same, but only once the application is running, and
    the loops start in post_init, before that.)"""

    async def guarded(coroutine: Coroutine[Any, Any, None]) -> None:
        try:
            await coroutine
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await app.process_error(None, exc)

    def spawn(coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        return asyncio.create_task(guarded(coroutine))

    return spawn
