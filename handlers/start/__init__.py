"""Basics: the welcome, /bantuan (/help), unknown commands, and remembering who writes."""

from telegram.ext import BaseHandler, CommandHandler

from handlers.start import commands

HANDLERS: list[BaseHandler] = [CommandHandler(["bantuan", "help"], commands.help_command)]
