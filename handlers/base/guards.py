"""Server-side guards for handlers: roles (organisers, admins) and private-chat-only commands.

Command menus are cosmetic; these checks run on every command and every button."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

import locales
from handlers.base.context import BotContext, is_admin, is_organiser, is_private, lang_of
from handlers.base.links import Payload, private_chat_button
from handlers.base.replies import refuse, reply

# Coroutine, not Awaitable: what PTB's handlers accept as a callback.
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]


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


def private_only(payload: Payload) -> Callable[[Handler], Handler]:
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
                reply_markup=private_chat_button(context.bot.username, lang, payload),
            )
            return None

        return guarded

    return decorate
