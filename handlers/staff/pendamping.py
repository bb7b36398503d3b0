"""/pendamping (admins): the reviewers (narasumber / tim pendamping), adding one by id (or
as a reply to their message) for some dimensions or all, and removing one.

/pendamping tambah <id> [dimensi ...]   e.g. /pendamping tambah 123456789 governance living
/pendamping hapus <id>"""

from __future__ import annotations

from telegram import Update

import locales
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import admins_only
from handlers.base.menus import clear_staff_menu, set_staff_menu
from handlers.base.replies import reply
from handlers.staff.panitia import ADD_WORDS, REMOVE_WORDS, _target, person_name
from locales import Html
from storage import audit, staff, users
from storage.outbox import OutgoingMessage


def _dimension_names(context: BotContext, lang: str, dims: list[str]) -> str:
    if not dims:
        return locales.plain(lang, "export.all_groups")
    return ", ".join(d.name for d in context.event.dimensions if d.id in dims)


def _dimensions(context: BotContext, words: list[str]) -> list[str] | None:
    """Dimension ids or names typed after the id ("governance", "living", "smart economy"
    word by word); None when a word names no dimension (the bot asks again, never guesses)."""
    found: list[str] = []
    for word in words:
        match = next(
            (
                d.id
                for d in context.event.dimensions
                if word in (d.id, d.name.lower(), d.name.lower().removeprefix("smart "))
            ),
            None,
        )
        if match is None:
            return None
        if match not in found:
            found.append(match)
    return found


@admins_only
async def pendamping(update: Update, context: BotContext) -> None:
    lang = lang_of(update)
    args = [a.lower() for a in (context.args or [])]
    actor = update.effective_user.id if update.effective_user else 0
    if not args or args[0] not in ADD_WORDS + REMOVE_WORDS:
        lines = [locales.t(lang, "review.staff_title")]
        for uid, limited in await staff.reviewers(context.db):
            lines.append(
                locales.t(
                    lang,
                    "review.staff_person",
                    name=await person_name(context, uid),
                    user_id=uid,
                    dimensions=_dimension_names(context, lang, limited),
                )
            )
        if len(lines) == 1:
            lines.append(locales.t(lang, "admin.staff_none"))
        lines.append(locales.t(lang, "review.staff_usage"))
        await reply(update, Html("\n").join(lines))
        return
    target = _target(update, args)
    if target is None:
        await reply(update, locales.t(lang, "review.staff_bad_id"))
        return
    name = await person_name(context, target)
    if args[0] in REMOVE_WORDS:
        async with context.db.transaction():
            removed = await staff.remove_reviewer(context.db, target)
            if removed:
                await audit.record(context.db, actor, "reviewer_removed", user_id=target)
        key = "review.staff_removed" if removed else "review.staff_not_found"
        await reply(update, locales.t(lang, key, name=name, user_id=target))
        if removed:
            await clear_staff_menu(context.app, target)
        return
    typed = args[2:] if len(args) >= 2 and args[1].isdigit() else args[1:]
    dims = _dimensions(context, typed)
    if dims is None:
        ids = ", ".join(d.id for d in context.event.dimensions)
        await reply(update, locales.t(lang, "review.staff_bad_dimension", ids=ids))
        return
    async with context.db.transaction():
        new = await staff.set_reviewer(context.db, target, dims, actor)
        await audit.record(context.db, actor, "reviewer_set", user_id=target, dimensions=dims)
    shown = _dimension_names(context, lang, dims)
    await reply(
        update, locales.t(lang, "review.staff_added", name=name, user_id=target, dimensions=shown)
    )
    if new:
        await set_staff_menu(context.app, target)  # /tinjau in their chat's menu
        their_lang = await users.language(context.db, target) or lang
        notice = locales.t(their_lang, "review.new_reviewer_notice", dimensions=shown)
        sender = context.services.sender
        assert sender is not None
        key = f"reviewer:{target}:{int(context.services.clock.now().timestamp())}"
        await sender.enqueue([OutgoingMessage("staff_notice", target, {"text": notice}, None, key)])
