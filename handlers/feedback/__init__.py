"""Session feedback: the rating buttons after a session, the comment flow, /umpanbalik."""

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers.base.callbacks import Feature, pattern
from handlers.base.menus import names
from handlers.feedback import commands

FLOW = commands.FLOW

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("umpanbalik"), commands.umpanbalik),
    CallbackQueryHandler(commands.on_rate, pattern=pattern(Feature.FEEDBACK, commands.RATE)),
    CallbackQueryHandler(
        commands.on_comment_press, pattern=pattern(Feature.FEEDBACK, commands.COMMENT)
    ),
]

invite = commands.invite

__all__ = ["FLOW", "HANDLERS", "invite"]
