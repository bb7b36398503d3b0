"""Review by the tim pendamping: /tinjau and its flow (`FLOW`): a score per criterion of the
event file, a recommendation and an optional comment."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.flows import press_handler
from handlers.base.menus import names
from handlers.review import commands
from handlers.review.steps import FLOW

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("tinjau"), commands.tinjau),
    CallbackQueryHandler(press_handler(FLOW), pattern=pattern(Feature.REVIEW)),
]

__all__ = ["FLOW", "HANDLERS"]
