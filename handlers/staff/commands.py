"""Staff administration: /panitia (admins manage organisers) and /statistik (organisers).

Every command and button checks the role on the server side (handlers/base/guards.py)."""

from __future__ import annotations

import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)

import locales
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import admins_only, organisers_only
from handlers.base.replies import answer_callback, edit_or_send, reply
from handlers.staff.menus import clear_staff_menu, set_staff_menu
from locales import Html
from schedules.event import ROLES
from storage import audit, participants, staff

log = logging.getLogger(__name__)

ADD_WORDS = ("tambah", "add")
REMOVE_WORDS = ("hapus", "remove", "del")


# --- /panitia ------------------------------------------------------------------------------


async def staff_overview(
    context: BotContext, lang: str
) -> tuple[Html, InlineKeyboardMarkup | None]:
    """The list of admins and organisers, with a remove button per added organiser."""
    none = locales.plain(lang, "admin.staff_none")
    added = sorted(await staff.organiser_ids(context.db))

    def ids(values: list[int]) -> str:
        return ", ".join(str(v) for v in values) or none

    text = Html("\n").join(
        [
            locales.t(lang, "admin.staff_title"),
            locales.t(lang, "admin.staff_admins", ids=ids(sorted(context.settings.admin_ids))),
            locales.t(
                lang, "admin.staff_configured", ids=ids(sorted(context.settings.organiser_ids))
            ),
            locales.t(lang, "admin.staff_added", ids=ids(added)),
            "",
            locales.t(lang, "admin.staff_usage"),
        ]
    )
    buttons = [
        [
            InlineKeyboardButton(
                locales.plain(lang, "admin.staff_remove_button", user_id=uid),
                callback_data=f"adm:rm:{uid}",
            )
        ]
        for uid in added
    ]
    return text, InlineKeyboardMarkup(buttons) if buttons else None


def _target(update: Update, args: list[str]) -> int | None:
    """The user id named after the verb, or the author of the replied-to message."""
    if len(args) >= 2:
        return int(args[1]) if args[1].isdigit() else None
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
    if args[0] in ADD_WORDS:
        await add_organiser(update, context, actor, target, lang)
    else:
        await remove_organiser(update, context, actor, target, lang)


async def add_organiser(
    update: Update, context: BotContext, actor: int | None, target: int, lang: str
) -> None:
    assert actor is not None
    async with context.db.transaction():
        added = await staff.add_organiser(context.db, target, actor)
        if added:
            await audit.record(context.db, actor, "organiser_added", user_id=target)
    key = "admin.staff_added_ok" if added else "admin.staff_already"
    await reply(update, locales.t(lang, key, user_id=target))
    if added:
        await set_staff_menu(context.app, target)


async def remove_organiser(
    update: Update, context: BotContext, actor: int | None, target: int, lang: str
) -> None:
    async with context.db.transaction():
        removed = await staff.remove_organiser(context.db, target)
        if removed:
            await audit.record(context.db, actor, "organiser_removed", user_id=target)
    key = "admin.staff_removed_ok" if removed else "admin.staff_not_found"
    await reply(update, locales.t(lang, key, user_id=target))
    if removed:
        await clear_staff_menu(context.app, target)


@admins_only
async def on_staff_callback(update: Update, context: BotContext) -> None:
    """`adm:rm:<user id>`: remove an added organiser (admins only, checked above)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    lang = lang_of(update)
    value = query.data.split(":", 2)[-1]
    if not value.isdigit():
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
        return
    await answer_callback(update)
    actor = update.effective_user.id if update.effective_user else None
    await remove_organiser(update, context, actor, int(value), lang)
    text, keyboard = await staff_overview(context, lang)
    await edit_or_send(update, text, reply_markup=keyboard)


# --- /statistik ----------------------------------------------------------------------------


@organisers_only
async def statistik(update: Update, context: BotContext) -> None:
    """/statistik: registered participants per role, dimension, mode and OPD, and the OPD with
    nobody registered yet (the organisers chase exactly those)."""
    lang = lang_of(update)
    db, event = context.db, context.event
    by_role = await participants.count_by(db, "role")
    by_dim = await participants.count_by(db, "dimension")
    by_mode = await participants.count_by(db, "mode")
    by_opd = await participants.count_by(db, "opd_id")
    total = sum(by_role.values())

    def line(label: str, count: int) -> Html:
        return locales.t(lang, "admin.stats_line", label=label, count=count)

    parts = [
        locales.t(lang, "admin.stats_title", total=total),
        "",
        locales.t(lang, "admin.stats_role"),
    ]
    parts += [line(locales.plain(lang, f"registration.role_{r}"), by_role.get(r, 0)) for r in ROLES]
    parts += ["", locales.t(lang, "admin.stats_dimension")]
    parts += [line(d.name, by_dim.get(d.id, 0)) for d in event.dimensions]
    parts.append(line(locales.plain(lang, "registration.all_dimensions"), by_dim.get("all", 0)))
    parts += ["", locales.t(lang, "admin.stats_mode")]
    parts += [
        line(locales.plain(lang, f"registration.mode_{m}"), by_mode.get(m, 0))
        for m in ("offline", "online")
    ]
    parts += ["", locales.t(lang, "admin.stats_opd")]
    parts += [line(o.name, by_opd[o.id]) for o in event.opds if by_opd.get(o.id)]
    parts.append(line(locales.plain(lang, "admin.stats_other_opd"), by_opd.get(None, 0)))
    empty = [o.name for o in event.opds if not by_opd.get(o.id)]
    parts.append("")
    if empty:
        parts.append(locales.t(lang, "admin.stats_empty_opd", count=len(empty)))
        parts += [locales.t(lang, "admin.stats_empty_line", label=name) for name in empty]
    else:
        parts.append(locales.t(lang, "admin.stats_all_opd_done"))
    await reply(update, Html("\n").join(parts))
