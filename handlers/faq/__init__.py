"""The FAQ: /faq menus, free-text questions, escalation to organisers, /faqbelum."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers.base.callbacks import Feature, pattern
from handlers.faq import commands

HANDLERS: list[BaseHandler] = [
    CommandHandler("faq", commands.faq_command),
    CommandHandler("faqbelum", commands.unanswered),
    CallbackQueryHandler(commands.on_callback, pattern=pattern(Feature.FAQ)),
    MessageHandler(
        filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, commands.on_group_text
    ),
    # An organiser's reply to a forwarded question; any other reply goes on to the flows.
    MessageHandler(
        filters.ChatType.PRIVATE & filters.REPLY & ~filters.COMMAND, commands.on_private_reply
    ),
]
# A private message outside any flow is a question.
FALLBACK = commands.on_private_text
