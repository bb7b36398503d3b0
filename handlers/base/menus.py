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
from storage.staff import reviewers

log = logging.getLogger(__name__)


PARTICIPANT_MENU: tuple[str, ...] = ("start", "daftar", "jadwal", "usul", "usulanku", "faq")
PARTICIPANT_MENU += ("profil", "pengingat", "privasi", "bahasa", "bantuan", "batal")
GROUP_MENU = ("jadwal", "faq", "daftar", "bantuan")
ORGANISER_MENU = ("umumkan", "siaran", "statistik", "rekap", "faqbelum", "seleksi")
ADMIN_MENU = ("ekspor", "panitia", "pendamping", "muatulang")
REVIEWER_MENU = ("tinjau",)
# The workshop's commands, each labelled by a key of its own feature's locale section.
WORKSHOP_PARTICIPANT = {"materi": "materials.menu", "sertifikat": "certificates.menu"}
WORKSHOP_ORGANISER = {"presensi": "attendance.menu", "umpanbalik": "feedback.menu"}

# The one table of English command names: every command answers to its Indonesian name and
# to this alias (each feature registers `names(<Indonesian name>)`), English users see the
# English names in their menus and in /help. Commands missing here have one name for both.
ENGLISH: dict[str, str] = {
    "daftar": "register",
    "profil": "profile",
    "jadwal": "schedule",
    "pengingat": "reminders",
    "usul": "propose",
    "usulanku": "myproposals",
    "privasi": "privacy",
    "datasaya": "mydata",
    "hapusdata": "deletedata",
    "bahasa": "language",
    "bantuan": "help",
    "batal": "cancel",
    "umumkan": "announce",
    "siaran": "announcements",
    "statistik": "stats",
    "rekap": "recap",
    "faqbelum": "unanswered",
    "ekspor": "export",
    "panitia": "staff",
    "muatulang": "reload",
    "presensi": "attendance",
    "tandai": "markpresent",
    "materi": "materials",
    "umpanbalik": "feedback",
    "sertifikat": "certificate",
    "cek": "verify",
    "tinjau": "review",
    "seleksi": "selection",
    "pendamping": "reviewers",
}


def names(command: str) -> list[str]:
    """Every name a command answers to: its Indonesian name and its English alias."""
    english = ENGLISH.get(command)
    return [command, english] if english else [command]


def shown(command: str, lang: str) -> str:
    """The name of a command as a user of `lang` sees it in menus and texts."""
    return ENGLISH.get(command, command) if lang == "en" else command


def _commands(lang: str, menu: tuple[str, ...], key: str = "commands.{}") -> list[BotCommand]:
    return [BotCommand(shown(n, lang), locales.plain(lang, key.format(n))) for n in menu]


def participant_commands(lang: str) -> list[BotCommand]:
    commands = _commands(lang, PARTICIPANT_MENU)
    return commands + [
        BotCommand(shown(n, lang), locales.plain(lang, k)) for n, k in WORKSHOP_PARTICIPANT.items()
    ]


def group_commands(lang: str) -> list[BotCommand]:
    return _commands(lang, GROUP_MENU)


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


async def _is_reviewer(app: BotApp, user_id: int) -> bool:
    services = services_of(app)
    all_ids = [d.id for d in services.event.dimensions]
    return bool(await roles.reviewed_dimensions(services.db, user_id, all_ids))


async def has_staff_menu(app: BotApp, user_id: int) -> bool:
    """Organisers (and admins) and reviewers have a menu of their own."""
    services = services_of(app)
    return await roles.is_organiser(services.settings, services.db, user_id) or await _is_reviewer(
        app, user_id
    )


async def _menu_for(app: BotApp, user_id: int) -> list[BotCommand]:
    services = services_of(app)
    lang = await users.language(services.db, user_id) or "id"
    commands = participant_commands(lang)
    if await _is_reviewer(app, user_id):
        commands += _commands(lang, REVIEWER_MENU, "admin.menu_{}")
    if not await roles.is_organiser(services.settings, services.db, user_id):
        return commands
    admin = roles.is_admin(services.settings, user_id)
    staff_commands = ORGANISER_MENU + (ADMIN_MENU if admin else ())
    commands += _commands(lang, staff_commands, "admin.menu_{}")
    return commands + [
        BotCommand(shown(n, lang), locales.plain(lang, k)) for n, k in WORKSHOP_ORGANISER.items()
    ]


async def set_own_menu(app: BotApp, user_id: int) -> None:
    """After someone chose a language: their chat's menu in it (staff: with their commands).
    Telegram picks the default menus by the app's language, which the choice overrides."""
    services = services_of(app)
    if await has_staff_menu(app, user_id):
        await set_staff_menu(app, user_id)
        return
    lang = await users.language(services.db, user_id) or "id"
    try:
        await app.bot.set_my_commands(
            participant_commands(lang), scope=BotCommandScopeChat(user_id)
        )
    except TelegramError as exc:
        log.info("No menu for %s: %s", user_id, exc)


async def set_staff_menu(app: BotApp, user_id: int) -> None:
    """Staff (organisers, admins, reviewers) see their commands in their private chat's
    menu; participants never do. Cosmetic only: every command checks the role anyway."""
    try:
        commands = await _menu_for(app, user_id)
        await app.bot.set_my_commands(commands, scope=BotCommandScopeChat(user_id))
    except TelegramError as exc:
        log.info("No staff menu for %s: %s", user_id, exc)


async def clear_staff_menu(app: BotApp, user_id: int) -> None:
    """After a role was taken away: the menu of the roles left (an organiser may still be a
    reviewer), else the participants' one."""
    if await has_staff_menu(app, user_id):
        await set_staff_menu(app, user_id)
        return
    if await users.language_chosen(services_of(app).db, user_id):
        await set_own_menu(app, user_id)  # the participants' menu, in the language they chose
        return
    try:
        await app.bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
    except TelegramError as exc:
        log.info("Could not clear the staff menu of %s: %s", user_id, exc)


async def set_staff_menus(app: BotApp) -> None:
    """At startup: the menu of every admin, organiser and reviewer."""
    services = services_of(app)
    staff_ids = await roles.organiser_ids(services.settings, services.db)
    staff_ids |= {uid for uid, _dims in await reviewers(services.db)}
    for user_id in sorted(staff_ids):
        await set_staff_menu(app, user_id)
