"""Materials: /materi (organisers add a file to a session and may announce it; participants
get the materials of their sessions)."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.flows import press_handler
from handlers.base.menus import names
from handlers.materials import commands

FLOW = commands.FLOW

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("materi"), commands.materi),
    CallbackQueryHandler(commands.on_get, pattern=pattern(Feature.MATERIALS, commands.GET)),
    CallbackQueryHandler(commands.on_list, pattern=pattern(Feature.MATERIALS, commands.LIST)),
    CallbackQueryHandler(press_handler(FLOW), pattern=pattern(Feature.MATERIALS)),
]

__all__ = ["FLOW", "HANDLERS"]
