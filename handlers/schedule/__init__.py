"""The schedule: /jadwal, the stage buttons and the .ics, /pengingat, /muatulang."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from handlers.base.callbacks import Feature, pattern
from handlers.schedule import commands

HANDLERS: list[BaseHandler] = [
    CommandHandler("jadwal", commands.jadwal),
    CommandHandler("pengingat", commands.pengingat, filters=filters.ChatType.PRIVATE),
    CommandHandler("muatulang", commands.muatulang),
    CallbackQueryHandler(commands.on_button, pattern=pattern(Feature.SCHEDULE)),
]
