"""The data rights: /privasi, /datasaya, /hapusdata and its `del:` confirmation buttons."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.menus import names
from handlers.privacy import commands

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("datasaya"), commands.datasaya),
    CommandHandler(names("hapusdata"), commands.hapusdata),
    CommandHandler(names("privasi"), commands.privasi),
    CallbackQueryHandler(commands.on_delete_press, pattern=pattern(Feature.DELETION)),
]
