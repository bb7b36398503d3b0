"""The bot's shared services and a CallbackContext that exposes them to every handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from telegram import Update, User
from telegram.ext import Application, CallbackContext, ExtBot

import locales
from config import Settings
from domain import roles
from schedules.clock import Clock
from schedules.event import Event
from storage import users
from storage.db import Database

if TYPE_CHECKING:
    from domain.backups import DailyBackup
    from domain.delivery.sender import Sender
    from domain.instance import InstanceLease
    from handlers.base.router import FlowRouter
    from handlers.broadcast.service import BroadcastService
    from schedules.reminders import ReminderService


@dataclass
class Services:
    """Everything handlers need besides the update. `event` is replaced on reload; the
    background services are created in bot.startup, once the database is open."""

    settings: Settings
    db: Database
    event: Event
    flows: FlowRouter
    clock: Clock = field(default_factory=Clock)
    lease: InstanceLease | None = None
    sender: Sender | None = None
    reminders: ReminderService | None = None
    broadcasts: BroadcastService | None = None
    backups: DailyBackup | None = None
    faq_load_ms: float = 0.0
    # What other features do once a registration is complete (committed), in this order;
    # bot.build_application lists them (attendance: a scan that waited for it is recorded).
    on_registered: list[Callable[[Update, BotContext], Awaitable[object]]] = field(
        default_factory=list
    )


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """CallbackContext with typed access to the services (PTB's ContextTypes pattern)."""

    @property
    def app(self) -> BotApp:
        """`application`, typed. PTB annotates CallbackContext.application with a context type
        variable (ST) that the class does not bind, so mypy cannot see that it is this bot's
        Application, whose context type is BotContext (bot.build_application sets it)."""
        return cast(BotApp, self.application)

    @property
    def services(self) -> Services:
        return services_of(self.application)

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def event(self) -> Event:
        return self.services.event

    @property
    def settings(self) -> Settings:
        return self.services.settings


BotApp = Application[ExtBot, BotContext, dict, dict, dict, Any]


def services_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    """The services of an Application built by bot.build_application."""
    services: Services = app.bot_data["services"]
    return services


# The language each person is answered in, as storage/users.py decides it (their /bahasa
# choice, else Telegram's): refreshed from the database by remember_user (group -2) before any
# handler sees an update of theirs, and at once when they choose. Only a cache of that one rule:
# a person not in it (a unit test's update) is answered in Telegram's language.
_LANGUAGES: dict[int, str] = {}


def telegram_lang(update: Update | None) -> str:
    """The language of the user's Telegram app, English or Indonesian."""
    user = update.effective_user if update else None
    return locales.language_of(user.language_code if user else None)


def lang_of(update: Update | None) -> str:
    """The language to answer in: the one the user chose (/bahasa), else their Telegram's."""
    user = update.effective_user if update else None
    if user is not None and user.id in _LANGUAGES:
        return _LANGUAGES[user.id]
    return telegram_lang(update)


def remember_language(user_id: int, lang: str) -> None:
    """What storage/users.py says this user's language is (see _LANGUAGES)."""
    _LANGUAGES[user_id] = lang


async def choose_language(db: Database, user_id: int, lang: str) -> None:
    """The user's own choice of language, stored; it wins from this update on."""
    await users.choose_language(db, user_id, lang)
    remember_language(user_id, lang)


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.username or str(user.id)


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == "private"


async def is_admin(context: BotContext, user_id: int) -> bool:
    return roles.is_admin(context.settings, user_id)


async def is_reviewer(context: BotContext, user_id: int) -> bool:
    """Reviewers (narasumber / tim pendamping) added with /pendamping."""
    return bool(await reviewed_dimensions(context, user_id))


async def reviewed_dimensions(context: BotContext, user_id: int) -> list[str]:
    """The event's dimensions the user reviews ([] when they are no reviewer)."""
    all_ids = [d.id for d in context.event.dimensions]
    return await roles.reviewed_dimensions(context.db, user_id, all_ids)


async def is_organiser(context: BotContext, user_id: int) -> bool:
    """Admins, configured organisers, and organisers added with /panitia."""
    return await roles.is_organiser(context.settings, context.db, user_id)
