"""Registration with consent, and /profil; the data rights (/privasi, /datasaya, /hapusdata)."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.flows import LegacyRoute
from handlers.registration import flow

HANDLERS: list[BaseHandler] = [
    CommandHandler(["daftar", "register"], flow.daftar),
    CommandHandler(["profil", "profile"], flow.profil),
    CommandHandler(["datasaya", "mydata"], flow.datasaya),
    CommandHandler(["hapusdata", "deletedata"], flow.hapusdata),
    CommandHandler(["privasi", "privacy"], flow.privasi),
    CallbackQueryHandler(flow.on_callback, pattern=pattern(Feature.REGISTRATION)),
    CallbackQueryHandler(flow.on_profile_callback, pattern=pattern(Feature.PROFILE)),
    CallbackQueryHandler(flow.on_delete_callback, pattern=pattern(Feature.DELETION)),
]
FLOW = LegacyRoute(flow.on_message, flow.on_cancel, flow.on_command)
