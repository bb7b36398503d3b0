"""Proposals: the /usul form, /usulanku, and /rekap (organisers) with its reminder."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.flows import LegacyRoute
from handlers.proposals import form, rekap

HANDLERS: list[BaseHandler] = [
    CommandHandler("usul", form.usul_command),
    CommandHandler("usulanku", form.my_command),
    CallbackQueryHandler(form.on_button, pattern=pattern(Feature.PROPOSAL)),
    CallbackQueryHandler(form.on_my_button, pattern=pattern(Feature.MY_PROPOSALS)),
    CommandHandler("rekap", rekap.rekap_command),
    CallbackQueryHandler(rekap.nudge_button, pattern=pattern(Feature.EXPORT, "nudge")),
]
FLOW = LegacyRoute(form.on_message, form.on_cancel)
