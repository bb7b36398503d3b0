"""E-certificates: /sertifikat, /cek and their buttons."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.menus import names
from handlers.certificates import commands

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("sertifikat"), commands.sertifikat),
    CommandHandler(names("cek"), commands.cek),
    CallbackQueryHandler(commands.on_dry_run, pattern=pattern(Feature.CERTIFICATE, commands.DRY)),
    CallbackQueryHandler(commands.on_issue, pattern=pattern(Feature.CERTIFICATE, commands.GO)),
]

verify = commands.verify

__all__ = ["HANDLERS", "verify"]
