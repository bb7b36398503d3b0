"""/statistik (organisers): registered participants per role, dimension, mode and office.

The role is checked on the server side (handlers/base/guards.py)."""

from __future__ import annotations

from telegram import Update

import locales
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import organisers_only
from handlers.base.replies import reply
from locales import Html
from schedules.event import ALL_DIMENSIONS, MODES, ROLES
from storage import participants


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
    all_dimensions = locales.plain(lang, "registration.all_dimensions")
    parts.append(line(all_dimensions, by_dim.get(ALL_DIMENSIONS, 0)))
    parts += ["", locales.t(lang, "admin.stats_mode")]
    parts += [line(locales.plain(lang, f"registration.mode_{m}"), by_mode.get(m, 0)) for m in MODES]
    parts += ["", locales.t(lang, "admin.stats_opd")]
    parts += [line(o.name, by_opd[o.id]) for o in event.opds if by_opd.get(o.id)]
    parts.append(line(locales.plain(lang, "admin.stats_other_opd"), by_opd.get(None, 0)))
    others = await participants.count_by(db, "opd_other")
    parts += [
        locales.t(lang, "admin.stats_other_line", label=name, count=count)
        for name, count in sorted(others.items(), key=lambda item: (-item[1], str(item[0])))
        if name
    ]
    empty = [o.name for o in event.opds if not by_opd.get(o.id)]
    parts.append("")
    if empty:
        parts.append(locales.t(lang, "admin.stats_empty_opd", count=len(empty)))
        parts += [locales.t(lang, "admin.stats_empty_line", label=name) for name in empty]
    else:
        parts.append(locales.t(lang, "admin.stats_all_opd_done"))
    await reply(update, Html("\n").join(parts))
