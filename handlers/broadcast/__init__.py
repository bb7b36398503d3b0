"""Announcements (organisers): the /umumkan flow, /siaran, and the service that sends them."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.flows import LegacyRoute
from handlers.broadcast import flow, siaran

HANDLERS: list[BaseHandler] = [
    CommandHandler("umumkan", flow.umumkan),
    CommandHandler("siaran", siaran.siaran),
    CallbackQueryHandler(flow.on_button, pattern=pattern(Feature.BROADCAST)),
]
FLOW = LegacyRoute(flow.on_message, flow.on_cancel)
