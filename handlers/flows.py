"""Routing of free messages to the conversation ("flow") the user is in.

A flow's state lives in SQLite (storage/flows.py), not in memory, so a restart resumes it.
Each feature registers its flow here; one MessageHandler sends every non-command private
message to the flow in progress, or to the fallback (the FAQ) when there is none."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update

import locales
from handlers.common import private_only, reply
from handlers.context import BotContext, lang_of
from storage import flows
from storage.flows import Flow

FlowHandler = Callable[[Update, BotContext, Flow], Awaitable[None]]
Fallback = Callable[[Update, BotContext], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    on_message: FlowHandler
    on_cancel: FlowHandler | None = None  # says what was kept; default: "cancelled"


_routes: dict[str, Route] = {}
_fallback: list[Fallback] = []


def register(flow: str, on_message: FlowHandler, on_cancel: FlowHandler | None = None) -> None:
    _routes[flow] = Route(on_message, on_cancel)


def set_fallback(handler: Fallback) -> None:
    """What a private message outside any flow gets (the FAQ, once it exists)."""
    _fallback[:] = [handler]


async def current(context: BotContext, user_id: int) -> Flow | None:
    return await flows.get(context.db, user_id)


async def on_private_message(update: Update, context: BotContext) -> None:
    """Any non-command message in a private chat."""
    user = update.effective_user
    if user is None:
        return
    state = await flows.get(context.db, user.id)
    if state is not None and state.flow in _routes:
        await _routes[state.flow].on_message(update, context, state)
        return
    if _fallback:
        await _fallback[0](update, context)
        return
    await reply(update, locales.t(lang_of(update), "common.stray_message"))


@private_only("bantuan")
async def cancel(update: Update, context: BotContext) -> None:
    """/batal and /cancel: leave whatever flow the user is in (flows live in private chats;
    in a group the command points there)."""
    user = update.effective_user
    if user is None:
        return
    state = await flows.get(context.db, user.id)
    if state is None:
        await reply(update, locales.t(lang_of(update), "common.nothing_to_cancel"))
        return
    await flows.clear(context.db, user.id)
    route = _routes.get(state.flow)
    if route is not None and route.on_cancel is not None:
        await route.on_cancel(update, context, state)
    else:
        await reply(update, locales.t(lang_of(update), "common.cancelled"))
