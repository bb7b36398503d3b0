"""The bot's shared services and a CallbackContext that exposes them to every handler."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from telegram import Update, User
from telegram.ext import Application, CallbackContext, ExtBot

import locales
from config import Settings
from schedules.clock import Clock
from schedules.event import Event
from storage import staff
from storage.db import Database

if TYPE_CHECKING:
    from handlers.sender import Sender


@dataclass
class Services:
    """Everything handlers need besides the update. `event` is replaced on reload."""

    settings: Settings
    db: Database
    event: Event
    clock: Clock = field(default_factory=Clock)
    sender: Sender | None = None  # started in bot.startup
    extras: dict[str, Any] = field(
        default_factory=dict
    )  # feature services (sender, scheduler, ...)


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """CallbackContext with typed access to the services (PTB's ContextTypes pattern)."""

    @property
    def services(self) -> Services:
        return self.application.bot_data["services"]

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


def lang_of(update: Update | None) -> str:
    """The language to answer in: the user's Telegram language, English or Indonesian."""
    user = update.effective_user if update else None
    return locales.language_of(user.language_code if user else None)


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.username or str(user.id)


def is_private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == "private"


async def is_admin(context: BotContext, user_id: int) -> bool:
    return user_id in context.settings.admin_ids


async def is_organiser(context: BotContext, user_id: int) -> bool:
    """Admins, configured organisers, and organisers added with /panitia."""
    if user_id in context.settings.admin_ids or user_id in context.settings.organiser_ids:
        return True
    return user_id in await staff.organiser_ids(context.db)
