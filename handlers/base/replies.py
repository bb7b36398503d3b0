"""Replying: in the chat of the update, to a button press, by editing the pressed menu."""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import Update
from telegram.error import BadRequest

import locales
from handlers.base.context import lang_of


async def reply(update: Update, text: str, **kwargs: Any) -> None:
    """Answer in the chat the update came from (message or button press)."""
    chat = update.effective_chat
    if chat is not None:
        await chat.send_message(text, **kwargs)


async def answer_callback(update: Update, text: str | None = None, alert: bool = False) -> None:
    """Acknowledge a button press; an already-answered or too-old query is not an error."""
    if update.callback_query is None:
        return
    with contextlib.suppress(BadRequest):
        await update.callback_query.answer(text, show_alert=alert)


async def expired(update: Update, key: str = "common.expired") -> None:
    """Answer a button that no longer means anything (old, forged, or not for this person)
    with a short alert; nothing changes."""
    await answer_callback(update, locales.plain(lang_of(update), key), alert=True)


async def edit_or_send(update: Update, text: str, **kwargs: Any) -> None:
    """Edit the message whose button was pressed, or send a new one."""
    query = update.callback_query
    if query is not None and query.message is not None:
        try:
            await query.edit_message_text(text, **kwargs)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
    await reply(update, text, **kwargs)


async def refuse(update: Update, key: str) -> None:
    """Politely refuse; for a button press, as a callback answer so no chat noise is added."""
    text = locales.plain(lang_of(update), key)
    if update.callback_query is not None:
        await answer_callback(update, text, alert=True)
    else:
        await reply(update, locales.t(lang_of(update), key))
