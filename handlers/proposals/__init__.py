"""Proposals: the /usul form (a declared flow, `FLOW`), /usulanku, and /rekap (organisers)
with its reminder.

steps.py is the form's step table, views.py its questions and the rendered proposal,
commands.py the two commands, mine.py /usulanku's buttons, rekap.py the organisers' summary."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.flows import press_handler
from handlers.base.menus import names
from handlers.proposals import commands, mine, rekap
from handlers.proposals.steps import FLOW

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("usul"), commands.usul_command),
    CommandHandler(names("usulanku"), commands.my_command),
    CallbackQueryHandler(press_handler(FLOW), pattern=pattern(Feature.PROPOSAL)),
    CallbackQueryHandler(mine.on_my_button, pattern=pattern(Feature.MY_PROPOSALS)),
    CommandHandler(names("rekap"), rekap.rekap_command),
    CallbackQueryHandler(rekap.nudge_button, pattern=pattern(Feature.EXPORT, "nudge")),
]

__all__ = ["FLOW", "HANDLERS"]
