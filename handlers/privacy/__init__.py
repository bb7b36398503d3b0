"""The data rights: /privasi, /datasaya, /hapusdata and its `del:` confirmation buttons."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.privacy import commands

HANDLERS: list[BaseHandler] = [
    CommandHandler(["datasaya", "mydata"], commands.datasaya),
    CommandHandler(["hapusdata", "deletedata"], commands.hapusdata),
    CommandHandler(["privasi", "privacy"], commands.privasi),
    CallbackQueryHandler(commands.on_delete_press, pattern=pattern(Feature.DELETION)),
]
