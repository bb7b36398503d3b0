"""/ekspor (admins): the proposals and participants as XLSX, CSV or JSON."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.menus import names
from handlers.export import commands

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("ekspor"), commands.export_command),
    CallbackQueryHandler(commands.format_button, pattern=pattern(Feature.EXPORT, commands.FORMAT)),
    CallbackQueryHandler(
        commands.attendance_button, pattern=pattern(Feature.EXPORT, commands.ATTENDANCE)
    ),
]
