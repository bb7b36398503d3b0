"""/bahasa (/language): anyone chooses Bahasa Indonesia or English; the choice is stored and
wins over Telegram's language (storage/users.py has the rule)."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.menus import names
from handlers.language import commands

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("bahasa"), commands.bahasa),
    CallbackQueryHandler(commands.on_choice, pattern=pattern(Feature.LANGUAGE, commands.SET)),
]
