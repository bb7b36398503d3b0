"""Announcements (organisers): the /umumkan flow (steps.py, with compose.py, timing.py and
keyboards.py), /siaran (siaran.py), and the service that sends them (service.py)."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.flows import press_handler
from handlers.base.menus import names
from handlers.broadcast import siaran, steps

FLOW = steps.FLOW

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("umumkan"), steps.umumkan),
    CommandHandler(names("siaran"), siaran.siaran),
    # Before the flow's buttons (whose pattern also matches bc:c): cancelling from /siaran is
    # not a step of the flow.
    CallbackQueryHandler(siaran.on_cancel_press, pattern=pattern(Feature.BROADCAST, "c")),
    CallbackQueryHandler(press_handler(FLOW), pattern=pattern(Feature.BROADCAST)),
]
