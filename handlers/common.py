"""Small helpers shared by the feature handlers: replying, role guards, private-only guards."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

import locales
from handlers.context import BotContext, is_admin, is_organiser, is_private, lang_of

Handler = Callable[[Update, BotContext], Awaitable[Any]]


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


def organisers_only(handler: Handler) -> Handler:
    """Server-side role check for organiser commands and callbacks."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> Any:
        user = update.effective_user
        if user is None or not await is_organiser(context, user.id):
            await refuse(update, "common.not_allowed")
            return None
        return await handler(update, context)

    return guarded


def admins_only(handler: Handler) -> Handler:
    """Server-side role check for admin commands and callbacks."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: BotContext) -> Any:
        user = update.effective_user
        if user is None or not await is_admin(context, user.id):
            await refuse(update, "common.not_allowed_admin")
            return None
        return await handler(update, context)

    return guarded


def deep_link_button(context: BotContext, lang: str, payload: str) -> InlineKeyboardMarkup:
    """A button that opens the private chat with the bot, carrying a /start payload."""
    url = f"https://t.me/{context.bot.username}?start={payload}"
    label = locales.plain(lang, "common.open_private")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])


def private_only(payload: str) -> Callable[[Handler], Handler]:
    """In a group, answer with a deep link to the private chat instead of running the handler:
    personal data is never asked for or shown in a group."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: BotContext) -> Any:
            if is_private(update):
                return await handler(update, context)
            lang = lang_of(update)
            await reply(
                update,
                locales.t(lang, "common.private_only"),
                reply_markup=deep_link_button(context, lang, payload),
            )
            return None

        return guarded

    return decorate
