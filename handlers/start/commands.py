"""/start, /bantuan (/help), unknown commands, and remembering who talks to the bot."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType

import locales
from handlers.base import menus
from handlers.base.context import (
    BotContext,
    display_name,
    is_admin,
    is_organiser,
    is_private,
    is_reviewer,
    lang_of,
    remember_language,
    telegram_lang,
)
from handlers.base.links import private_chat_button
from handlers.base.replies import expired, reply
from locales import Html
from storage import participants, users


async def remember_user(update: object, context: BotContext) -> None:
    """Runs before every handler (group -1): language and reachability, nothing personal.

    A message from a user who had blocked the bot means they are reachable again; Telegram's
    note that a user blocked the bot (my_chat_member "kicked") means the opposite.

    bot.py registers it as TypeHandler(object, ...): it sees every update, so it takes an
    object and looks only at Telegram updates."""
    if not isinstance(update, Update):
        return
    user = update.effective_user
    if user is None or user.is_bot:
        return
    member = update.my_chat_member
    if (
        member is not None
        and member.chat.type == ChatType.PRIVATE
        and member.new_chat_member.status == ChatMemberStatus.BANNED
    ):
        await users.set_active(context.db, user.id, False)
        return
    first_time, lang = await users.seen(context.db, user.id, telegram_lang(update))
    remember_language(user.id, lang)
    if (first_time or _opens_the_bot(update)) and await menus.has_staff_menu(context.app, user.id):
        # Telegram refuses a chat's command menu until the person has opened the bot, so a
        # staff member's menu set at start-up may be missing: set it at their first message,
        # and when they open the private chat (/start: the first message may have been in a
        # group, e.g. when they added the bot there).
        await menus.set_staff_menu(context.app, user.id)


def _opens_the_bot(update: Update) -> bool:
    message = update.message
    return bool(
        message is not None
        and message.chat.type == ChatType.PRIVATE
        and (message.text or "").split(" ", 1)[0] == "/start"
    )


async def greet_group(update: Update, context: BotContext) -> None:
    """The bot was added to a group: one short message, what it does there, and that personal
    matters go to the private chat (with its button)."""
    member = update.my_chat_member
    if member is None or member.chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
        return
    joined = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)
    was_in = member.old_chat_member.status in (*joined, ChatMemberStatus.OWNER)
    if was_in or member.new_chat_member.status not in joined:
        return  # promoted, demoted or removed: nothing to say
    lang = lang_of(update)
    text = locales.t(
        lang,
        "groups.greeting",
        event_name=context.event.event.name,
        bot_username=context.bot.username,
    )
    button = private_chat_button(context.bot.username, lang, None)
    await reply(update, text, reply_markup=button)


async def welcome(update: Update, context: BotContext) -> None:
    """/start without a payload (or with one nobody knows): the welcome."""
    lang = lang_of(update)
    event_name = context.event.event.name
    if not is_private(update):
        await reply(update, locales.t(lang, "start.group", event_name=event_name))
        return
    user = update.effective_user
    profile = await participants.get(context.db, user.id) if user else None
    registered = profile is not None and profile.is_registered
    # A registered participant is greeted by the name (and titles) they registered with.
    own_name = profile.full_name if profile is not None and registered else None
    # The greeting ends with a full stop: a name ending in a title's ("M.Kes.") gives it.
    name = (own_name or display_name(user)).rstrip(".")
    welcome = locales.t(lang, "start.welcome", name=name, event_name=event_name)
    if registered:
        next_key = "start.next_registered"
    elif user and await is_organiser(context, user.id):
        next_key = "start.next_staff"
    else:
        next_key = "start.next_register"
    await reply(update, welcome + "\n\n" + locales.t(lang, next_key))


async def help_command(update: Update, context: BotContext) -> None:
    """/bantuan and /help: the commands this user can use, by role."""
    lang = lang_of(update)
    parts = [locales.t(lang, "help.title")]
    if not is_private(update):
        parts.append(locales.t(lang, "help.group", bot_username=context.bot.username))
        await reply(update, Html("\n").join(parts))
        return
    parts.append(locales.t(lang, "help.participant"))
    user = update.effective_user
    if user is not None and await is_reviewer(context, user.id):
        parts.append("\n" + locales.t(lang, "help.reviewer"))
    if user is not None and await is_organiser(context, user.id):
        parts.append("\n" + locales.t(lang, "help.organiser"))
    if user is not None and await is_admin(context, user.id):
        parts.append("\n" + locales.t(lang, "help.admin"))
    await reply(update, Html("\n").join(parts))


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command nobody handles: inside a flow, the flow answers (it re-asks its question);
    in groups only when it was addressed to this bot."""
    message = update.effective_message
    if message is None:
        return
    if is_private(update) and await context.services.flows.on_command(update, context):
        return
    if not is_private(update):
        command = (message.text or "").split()[0]
        if f"@{context.bot.username}".lower() not in command.lower():
            return
    await reply(update, locales.t(lang_of(update), "common.unknown_command"))


async def unknown_press(update: Update, context: BotContext) -> None:
    """A button press no feature took (old data, a removed feature, a forgery): answered all
    the same, so that the person's spinner stops and they learn the button is stale."""
    await expired(update)
