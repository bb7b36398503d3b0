"""Registration with consent (a declared flow: steps.py), and /profil."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.flows import press_handler
from handlers.base.menus import names
from handlers.registration import commands, profile
from handlers.registration.steps import FLOW

__all__ = ["FLOW", "HANDLERS"]

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("daftar"), commands.daftar),
    CommandHandler(names("profil"), profile.profil),
    CallbackQueryHandler(press_handler(FLOW), pattern=pattern(Feature.REGISTRATION)),
    CallbackQueryHandler(profile.on_profile_press, pattern=pattern(Feature.PROFILE)),
]
