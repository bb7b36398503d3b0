"""Server-side guards for handlers: roles (organisers, admins) and private-chat-only commands.

Command menus are cosmetic; these checks run on every command and every button."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update

import locales
from handlers.base.context import (
    BotContext,
    is_admin,
    is_organiser,
    is_private,
    is_reviewer,
    lang_of,
)
from handlers.base.links import Payload, private_chat_button
from handlers.base.replies import refuse, reply

R = TypeVar("R")

# A handler callback as PTB types it (telegram.ext._utils.types.HandlerCallback): a coroutine
# function, not any awaitable, returning R. A guard returns None when it refuses.
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, R]]


def _role_guard(
    allowed: Callable[[BotContext, int], Awaitable[bool]], refusal: str
) -> Callable[[Handler[R]], Handler[R | None]]:
    """A decorator that runs the handler only for users `allowed` lets through, and
    otherwise refuses politely (an alert for a button)."""

    def decorate(handler: Handler[R]) -> Handler[R | None]:
        @functools.wraps(handler)
        async def guarded(update: Update, context: BotContext) -> R | None:
            user = update.effective_user
            if user is None or not await allowed(context, user.id):
                await refuse(update, refusal)
                return None
            return await handler(update, context)

        return guarded

    return decorate


# Server-side role checks for organiser and admin commands and buttons.
organisers_only = _role_guard(is_organiser, "common.not_allowed")
admins_only = _role_guard(is_admin, "common.not_allowed_admin")
reviewers_only = _role_guard(is_reviewer, "review.not_allowed")


def private_only(payload: Payload) -> Callable[[Handler[R]], Handler[R | None]]:
    """In a group, answer with a deep link to the private chat instead of running the handler:
    personal data is never asked for or shown in a group."""

    def decorate(handler: Handler[R]) -> Handler[R | None]:
        @functools.wraps(handler)
        async def guarded(update: Update, context: BotContext) -> R | None:
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
