"""The FAQ: /faq menus, free-text questions, escalation to organisers, /faqbelum."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers.base.callbacks import Feature, pattern
from handlers.base.menus import names
from handlers.faq import commands, escalation, questions

HANDLERS: list[BaseHandler] = [
    CommandHandler("faq", commands.faq_command),
    CommandHandler(names("faqbelum"), escalation.unanswered),
    # "Tanya panitia" first: the next handler takes every other faq: button.
    CallbackQueryHandler(escalation.on_ask, pattern=pattern(Feature.FAQ, commands.Action.ASK)),
    CallbackQueryHandler(commands.on_callback, pattern=pattern(Feature.FAQ)),
    MessageHandler(
        filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, questions.on_group_text
    ),
    # An organiser's reply to a forwarded question; any other reply goes on to the flows.
    MessageHandler(
        filters.ChatType.PRIVATE & filters.REPLY & ~filters.COMMAND, escalation.on_private_reply
    ),
]
# A private message outside any flow is a question.
FALLBACK = questions.on_private_text
# A question typed inside a flow, once the person says it is one (handlers/base/flows.py).
ANSWER = questions.answer
