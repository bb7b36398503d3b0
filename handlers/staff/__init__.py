"""Staff: /panitia (admins manage organisers), /statistik, and staff command menus."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.staff import commands

HANDLERS: list[BaseHandler] = [
    CommandHandler("panitia", commands.panitia),
    CommandHandler("statistik", commands.statistik),
    CallbackQueryHandler(commands.on_staff_callback, pattern=pattern(Feature.STAFF)),
]
