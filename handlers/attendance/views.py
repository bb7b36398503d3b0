"""What the attendance panels say and which buttons they carry (the live QR's caption, the
counts), shared by the commands and the minute-by-minute refresh."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup

import locales
from domain import attendance
from domain.attendance import Counts
from handlers.base.callbacks import Feature
from handlers.base.keyboards import button
from locales import Html
from schedules.event import Event, Session, Stage
from schedules.timefmt import format_range, format_time

# The actions of att:<action>:... buttons.
PICK, MISSING, MANUAL, POSTER, LIST, END, MARK = "s", "miss", "man", "post", "dh", "end", "m"


def panel_text(
    event: Event, stage: Stage, session: Session, counts: Counts, now: datetime, lang: str,
    *, live: bool, closed_at: datetime | None = None,
) -> Html:  # fmt: skip
    opens, closes = event.check_in_window(session)
    groups = []
    for group_id, (here, total) in sorted(counts.groups.items()):
        dimension = event.dimension(group_id)
        name = dimension.name if dimension else locales.plain(lang, "export.all_groups")
        groups.append(locales.t(lang, "attendance.group_line", group=name, here=here, total=total))
    state = attendance.window_state(event, session, now)
    key = "attendance.scan_hint" if live else f"attendance.window_{state or 'open'}"
    if closed_at is not None:
        key = "attendance.stopped"
    return locales.t(
        lang,
        "attendance.panel",
        stage=attendance.stage_label(stage, lang),
        day=locales.plain(lang, "attendance.day", n=attendance.day_number(stage, session, event)),
        title=session.title_in(lang),
        when=format_range(session.start, session.end, event.tz, lang),
        hint=locales.t(lang, key, opens=format_time(opens, event.tz, lang),
                       closes=format_time(closes, event.tz, lang),
                       at=format_time(closed_at or now, event.tz, lang)),
        present=counts.present,
        expected=counts.expected,
        offline=counts.offline,
        online=counts.online,
        groups=Html("\n").join(groups),
        updated=format_time(now, event.tz, lang),
    )  # fmt: skip


def panel_buttons(lang: str, session_id: str, *, live: bool) -> InlineKeyboardMarkup:
    att = Feature.ATTENDANCE
    rows = [
        [button(lang, "attendance.b_missing", att, MISSING, session_id),
         button(lang, "attendance.b_manual", att, MANUAL, session_id)],
        [button(lang, "attendance.b_poster", att, POSTER, session_id),
         button(lang, "attendance.b_list_pdf", att, LIST, session_id, "pdf"),
         button(lang, "attendance.b_list_xlsx", att, LIST, session_id, "xlsx")],
    ]  # fmt: skip
    if live:
        rows.append([button(lang, "attendance.b_end", att, END)])
    return InlineKeyboardMarkup(rows)
