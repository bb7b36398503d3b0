"""Command menus: the participants' (private chats and groups, Indonesian and English) and
each staff member's own chat menu. Cosmetic only: every command checks the role anyway."""

from __future__ import annotations

import logging

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

import locales
from domain import roles
from handlers.base.context import BotApp, services_of
from storage import users

log = logging.getLogger(__name__)


PARTICIPANT_MENU: tuple[str, ...] = ("start", "daftar", "jadwal", "usul", "usulanku", "faq")
PARTICIPANT_MENU += ("profil", "pengingat", "privasi", "bantuan", "batal")
GROUP_MENU = ("jadwal", "faq", "daftar", "bantuan")
ORGANISER_MENU = ("umumkan", "siaran", "statistik", "rekap", "faqbelum", "seleksi")
ADMIN_MENU = ("ekspor", "panitia", "pendamping", "muatulang")
# The workshop's commands, each labelled by a key of its own feature's locale section.
WORKSHOP_PARTICIPANT = {"materi": "materials.menu", "sertifikat": "certificates.menu"}
WORKSHOP_ORGANISER = {"presensi": "attendance.menu", "umpanbalik": "feedback.menu"}


def participant_commands(lang: str) -> list[BotCommand]:
    commands = [BotCommand(n, locales.plain(lang, f"commands.{n}")) for n in PARTICIPANT_MENU]
    return commands + [
        BotCommand(n, locales.plain(lang, k)) for n, k in WORKSHOP_PARTICIPANT.items()
    ]


def group_commands(lang: str) -> list[BotCommand]:
    return [BotCommand(n, locales.plain(lang, f"commands.{n}")) for n in GROUP_MENU]


async def set_default_menus(app: BotApp) -> None:
    """Command menus in Indonesian (default) and English. Cosmetic: roles are checked anyway."""
    try:
        for lang, code in (("id", None), ("en", "en")):
            await app.bot.set_my_commands(
                participant_commands(lang),
                scope=BotCommandScopeAllPrivateChats(),
                language_code=code,
            )
            await app.bot.set_my_commands(
                group_commands(lang), scope=BotCommandScopeAllGroupChats(), language_code=code
            )
    except TelegramError as exc:
        log.warning("Could not set the command menus: %s", exc)


async def _menu_for(app: BotApp, user_id: int, admin: bool) -> list[BotCommand]:
    lang = await users.language(services_of(app).db, user_id) or "id"
    commands = participant_commands(lang)
    staff_commands = ORGANISER_MENU + (ADMIN_MENU if admin else ())
    commands += [BotCommand(n, locales.plain(lang, f"admin.menu_{n}")) for n in staff_commands]
    return commands + [BotCommand(n, locales.plain(lang, k)) for n, k in WORKSHOP_ORGANISER.items()]


async def set_staff_menu(app: BotApp, user_id: int) -> None:
    """Staff see their commands in their private chat's menu; participants never do.
    Cosmetic only: every command checks the role anyway."""
    admin = roles.is_admin(services_of(app).settings, user_id)
    try:
        commands = await _menu_for(app, user_id, admin)
        await app.bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id))
    except TelegramError as exc:
        log.info("No staff menu for %s: %s", user_id, exc)


async def clear_staff_menu(app: BotApp, user_id: int) -> None:
    try:
        await app.bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
    except TelegramError as exc:
        log.info("Could not clear the staff menu of %s: %s", user_id, exc)


async def set_staff_menus(app: BotApp) -> None:
    """At startup: the menu of every admin and organiser."""
    services = services_of(app)
    for user_id in sorted(await roles.organiser_ids(services.settings, services.db)):
        await set_staff_menu(app, user_id)
