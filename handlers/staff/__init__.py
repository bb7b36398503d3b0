"""Staff: /panitia (admins manage organisers), /pendamping (admins manage reviewers) and
/statistik (organisers)."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers.base.callbacks import Feature, pattern
from handlers.base.menus import names
from handlers.staff import panitia, pendamping, statistik

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("panitia"), panitia.panitia),
    CommandHandler(names("statistik"), statistik.statistik),
    CommandHandler(names("pendamping"), pendamping.pendamping),
    CallbackQueryHandler(panitia.on_staff_callback, pattern=pattern(Feature.STAFF)),
    # An admin forwarding someone's message offers to make them an organiser; any other
    # forward goes on to the flows and the FAQ.
    MessageHandler(filters.ChatType.PRIVATE & filters.FORWARDED, panitia.on_forwarded),
]
