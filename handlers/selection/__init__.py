"""Selection per dimension: /seleksi (organisers open, close and confirm rounds; the
opening is a flow, `FLOW`) and the voters' ballots."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.flows import press_handler
from handlers.base.menus import names
from handlers.selection import rounds
from handlers.selection.steps import CHOICE, FLOW

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("seleksi"), rounds.seleksi),
    CallbackQueryHandler(press_handler(FLOW), pattern=pattern(Feature.SELECTION, CHOICE)),
    CallbackQueryHandler(rounds.on_press, pattern=pattern(Feature.SELECTION)),
]

__all__ = ["FLOW", "HANDLERS"]
