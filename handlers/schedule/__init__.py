"""The schedule: /jadwal, the stage buttons and the .ics, /pengingat, /muatulang."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.menus import names
from handlers.schedule import commands

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("jadwal"), commands.jadwal),
    CommandHandler(names("pengingat"), commands.pengingat),
    CommandHandler(names("muatulang"), commands.muatulang),
    CallbackQueryHandler(commands.on_button, pattern=pattern(Feature.SCHEDULE)),
]
