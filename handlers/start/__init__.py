"""Basics: the welcome, the greeting of a group the bot is added to, /bantuan (/help), unknown commands, and remembering who writes."""

from telegram.ext import BaseHandler, ChatMemberHandler, CommandHandler

from handlers.base.menus import names
from handlers.start import commands

HANDLERS: list[BaseHandler] = [
    CommandHandler(names("bantuan"), commands.help_command),
    # Added to a group: the greeting (a private chat's my_chat_member is a block or unblock).
    ChatMemberHandler(commands.greet_group, ChatMemberHandler.MY_CHAT_MEMBER),
]
