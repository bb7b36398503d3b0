"""/panitia (admins): the admins and organisers by name, adding and removing organisers by
id, by replying to the person's message, or by forwarding one of their messages to the bot.

Every command and button checks the role on the server side (handlers/base/guards.py)."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, MessageOriginUser, Update
from telegram.error import TelegramError

import locales
from domain import roles
from handlers.base.callbacks import Feature, press_of
from handlers.base.context import BotContext, is_admin, lang_of
from handlers.base.guards import admins_only
from handlers.base.keyboards import button
from handlers.base.menus import clear_staff_menu, set_staff_menu
from handlers.base.replies import answer_callback, edit_or_send, expired, reply
from locales import Html
from storage import audit, participants, staff, users
from storage.outbox import OutgoingMessage

log = logging.getLogger(__name__)

ADD_WORDS = ("tambah", "add")
REMOVE_WORDS = ("hapus", "remove", "del")


async def person_name(context: BotContext, user_id: int) -> str:
    """Who an id is: the registered name, else the Telegram name and @username (asked of
    Telegram, which knows everyone who has opened the bot), else only the id."""
    profile = await participants.get(context.db, user_id)
    if profile is not None and profile.full_name and profile.status != "deleted":
        return profile.full_name
    try:
        chat = await context.bot.get_chat(user_id)
    except TelegramError:
        return str(user_id)
    name = " ".join(part for part in (chat.first_name, chat.last_name) if part)
    if chat.username:
        name = f"{name} @{chat.username}".strip()
    return name or str(user_id)


async def _people(context: BotContext, lang: str, ids: list[int]) -> Html:
    if not ids:
        return locales.t(lang, "admin.staff_none")
    lines = [
        locales.t(lang, "admin.staff_person", name=await person_name(context, uid), user_id=uid)
        for uid in ids
    ]
    return Html("\n").join(lines)


async def staff_overview(
    context: BotContext, lang: str
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """The admins and organisers by name, with a remove button per added organiser."""
    added = sorted(await staff.organiser_ids(context.db))
    text = Html("\n").join(
        [
            locales.t(lang, "admin.staff_title"),
            locales.t(lang, "admin.staff_admins"),
            await _people(context, lang, sorted(context.settings.admin_ids)),
            locales.t(lang, "admin.staff_configured"),
            await _people(context, lang, sorted(context.settings.organiser_ids)),
            locales.t(lang, "admin.staff_added"),
            await _people(context, lang, added),
            "",
            locales.t(lang, "admin.staff_usage"),
        ]
    )
    buttons = [
        [
            button(
                lang,
                "admin.staff_remove_button",
                Feature.STAFF,
                "rm",
                uid,
                name=await person_name(context, uid),
            )
        ]
        for uid in added
    ]
    return text, InlineKeyboardMarkup(buttons) if buttons else None


def _target(update: Update, args: list[str]) -> int | None:
    """The user id named after the verb, or the author of the replied-to message."""
    if len(args) >= 2:
        text = args[1]
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
    message = update.effective_message
    replied = message.reply_to_message if message else None
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        return replied.from_user.id
    return None


@admins_only
async def panitia(update: Update, context: BotContext) -> None:
    """/panitia [tambah|hapus <user id>] (or as a reply to the person's message)."""
    lang = lang_of(update)
    args = [a.lower() for a in (context.args or [])]
    if not args or args[0] not in ADD_WORDS + REMOVE_WORDS:
        text, keyboard = await staff_overview(context, lang)
        await reply(update, text, reply_markup=keyboard)
        return
    target = _target(update, args)
    if target is None:
        await reply(update, locales.t(lang, "admin.staff_bad_id"))
        return
    actor = update.effective_user.id if update.effective_user else None
    assert actor is not None
    if args[0] in ADD_WORDS:
        await add_organiser(update, context, actor, target, lang)
    else:
        await remove_organiser(update, context, actor, target, lang)


async def add_organiser(
    update: Update, context: BotContext, actor: int, target: int, lang: str
) -> None:
    """Add, audit and tell the new organiser (through the outbox) what they can do now."""
    name = await person_name(context, target)
    async with context.db.transaction():
        added = await staff.add_organiser(context.db, target, actor)
        if added:
            await audit.record(context.db, actor, "organiser_added", user_id=target)
    key = "admin.staff_added_ok" if added else "admin.staff_already"
    await reply(update, locales.t(lang, key, user_id=target, name=name))
    if not added:
        return
    await set_staff_menu(context.app, target)
    their_lang = await users.language(context.db, target) or lang
    notice = Html("\n\n").join(
        [
            locales.t(their_lang, "admin.new_organiser_notice"),
            locales.t(their_lang, "help.organiser"),
        ]
    )
    sender = context.services.sender
    assert sender is not None
    added_at = int(context.services.clock.now().timestamp())
    key = f"staff:{target}:{added_at}"  # once per addition, even if Tambah is pressed twice
    await sender.enqueue([OutgoingMessage("staff_notice", target, {"text": notice}, None, key)])


async def remove_organiser(
    update: Update, context: BotContext, actor: int | None, target: int, lang: str
) -> None:
    name = await person_name(context, target)
    async with context.db.transaction():
        removed = await staff.remove_organiser(context.db, target)
        if removed:
            await audit.record(context.db, actor, "organiser_removed", user_id=target)
    key = "admin.staff_removed_ok" if removed else "admin.staff_not_found"
    await reply(update, locales.t(lang, key, user_id=target, name=name))
    if removed:
        await clear_staff_menu(context.app, target)


@admins_only
async def on_staff_callback(update: Update, context: BotContext) -> None:
    """`adm:rm:<user id>` and `adm:add:<user id>` (admins only, checked above)."""
    press = press_of(update)
    lang = lang_of(update)
    target = press.int_arg() if press is not None else None
    actor = update.effective_user.id if update.effective_user else None
    if press is None or target is None or actor is None or press.action not in ("rm", "add"):
        await expired(update)
        return
    await answer_callback(update)
    if press.action == "add":
        await add_organiser(update, context, actor, target, lang)
        return
    await remove_organiser(update, context, actor, target, lang)
    text, keyboard = await staff_overview(context, lang)
    await edit_or_send(update, text, reply_markup=keyboard)


def forwarded_user(message: Message) -> tuple[int, str] | None:
    """Whose message this is a forward of (their id and name), when Telegram says so."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser) and not origin.sender_user.is_bot:
        return origin.sender_user.id, origin.sender_user.full_name
    return None


async def on_forwarded(update: Update, context: BotContext) -> None:
    """An admin forwards someone's message to the bot: offer to make that person an
    organiser. Anyone else's forward is an ordinary message (the flows, then the FAQ)."""
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or not await is_admin(context, user.id):
        await context.services.flows.on_private_message(update, context)
        return
    lang = lang_of(update)
    found = forwarded_user(message)
    if found is None:
        await reply(update, locales.t(lang, "admin.staff_forward_hidden"))
        return
    target, name = found
    if await roles.is_organiser(context.settings, context.db, target):
        await reply(update, locales.t(lang, "admin.staff_already", user_id=target, name=name))
        return
    keyboard = InlineKeyboardMarkup(
        [[button(lang, "admin.staff_add_button", Feature.STAFF, "add", target, name=name)]]
    )
    await reply(
        update, locales.t(lang, "admin.staff_forward_offer", name=name), reply_markup=keyboard
    )
