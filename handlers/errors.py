"""The one error handler: log with the update id, tell the user briefly, never a stack trace."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError

import locales
from handlers.context import BotContext, lang_of

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    if isinstance(error, Forbidden | NetworkError):
        log.warning("Update %s: Telegram error: %s", update_id, error)
    else:
        log.error("Update %s caused an error", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, Forbidden):
        return  # the user blocked us: nobody to tell
    try:
        await update.effective_chat.send_message(locales.t(lang_of(update), "common.error"))
    except TelegramError as exc:
        log.warning("Update %s: could not tell the user about the error: %s", update_id, exc)
