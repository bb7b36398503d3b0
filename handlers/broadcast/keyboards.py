"""The menus of the announcement flow, and putting one on screen as the step's menu.

Every button is built with handlers/base/keyboards.py, so its data goes through the codec:
bc:a:<audience type>, bc:t:<dimension or OPD> (toggle), bc:ok, bc:s:<role, mode or stage>,
bc:back, bc:go, bc:edit, bc:now, bc:at:<unix time>, bc:yes and bc:x (cancel, on every menu)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from domain.audience import TYPES
from handlers.base.callbacks import Feature
from handlers.base.flows import Turn, remember_menu
from handlers.base.keyboards import button, fitted, labelled
from schedules.event import MODES, ROLES, Event
from schedules.timefmt import format_datetime

FEATURE = Feature.BROADCAST
Row = list[InlineKeyboardButton]


def _cancel_row(lang: str) -> Row:
    return [button(lang, "broadcast.btn_cancel", FEATURE, "x")]


def _pairs(buttons: Sequence[InlineKeyboardButton]) -> list[Row]:
    # Office names are long: two to a row is what still reads on a phone.
    return [list(buttons[i : i + 2]) for i in range(0, len(buttons), 2)]


def audience_menu(lang: str) -> InlineKeyboardMarkup:
    rows = [[button(lang, f"broadcast.aud_{kind}", FEATURE, "a", kind)] for kind in TYPES]
    return InlineKeyboardMarkup([*rows, _cancel_row(lang)])


def pick_menu(lang: str, step: str, event: Event, picked: list[str]) -> InlineKeyboardMarkup:
    """The choices of a pick step: toggles (✅/▫️) for dimensions and offices, one press for a
    role, a mode or a stage; "Lanjut" once something is picked; back and cancel."""

    def mark(value: str, label: str) -> str:
        return ("✅ " if value in picked else "▫️ ") + label

    rows: list[Row] = []
    if step == "pick_dim":
        rows = [[labelled(mark(d.id, d.name), FEATURE, "t", d.id)] for d in event.dimensions]
    elif step == "pick_opd":
        rows = _pairs([labelled(mark(o.id, o.short_name), FEATURE, "t", o.id) for o in event.opds])
    elif step == "pick_role":
        rows = [[button(lang, f"registration.role_{r}", FEATURE, "s", r)] for r in ROLES]
    elif step == "pick_mode":
        rows = [[button(lang, f"broadcast.aud_desc_{m}", FEATURE, "s", m)] for m in MODES]
    elif step == "pick_stage":
        rows = [
            [labelled(fitted(s.title_in(lang)), FEATURE, "s", s.number)]
            for s in sorted(event.stages, key=lambda s: s.number)
        ]
    if step in ("pick_dim", "pick_opd") and picked:
        rows.append([button(lang, "broadcast.btn_next", FEATURE, "ok")])
    rows.append([button(lang, "broadcast.btn_back", FEATURE, "back"), *_cancel_row(lang)])
    return InlineKeyboardMarkup(rows)


def compose_menu(lang: str) -> InlineKeyboardMarkup:
    back = button(lang, "broadcast.btn_change_audience", FEATURE, "back")
    return InlineKeyboardMarkup([[back, *_cancel_row(lang)]])


def preview_menu(lang: str) -> InlineKeyboardMarkup:
    send = button(lang, "broadcast.btn_send", FEATURE, "go")
    edit = button(lang, "broadcast.btn_edit", FEATURE, "edit")
    return InlineKeyboardMarkup([[send, edit, *_cancel_row(lang)]])


def quick_times(now: datetime, event: Event) -> list[datetime]:
    """Ready-made moments: tomorrow 07.00 and 16.00, and next Monday 08.00."""
    tz = event.tz
    today = now.astimezone(tz).date()
    tomorrow = today + timedelta(days=1)
    monday = today + timedelta(days=(0 - today.weekday()) % 7 or 7)
    found = [
        datetime.combine(tomorrow, time(7, 0), tzinfo=tz),
        datetime.combine(tomorrow, time(16, 0), tzinfo=tz),
    ]
    if monday != tomorrow:
        found.append(datetime.combine(monday, time(8, 0), tzinfo=tz))
    return found


def when_menu(lang: str, now: datetime, event: Event) -> InlineKeyboardMarkup:
    rows = [[button(lang, "broadcast.btn_now", FEATURE, "now")]]
    for moment in quick_times(now, event):
        label = "🕒 " + format_datetime(moment, event.tz, lang)
        rows.append([labelled(label, FEATURE, "at", int(moment.timestamp()))])
    rows.append(_cancel_row(lang))
    return InlineKeyboardMarkup(rows)


def time_choice_menu(lang: str, moments: list[datetime], event: Event) -> InlineKeyboardMarkup:
    """The moments a typed time may mean ("jam 3": 03.00 or 15.00), as the `when` step's own
    ready-made time buttons."""
    rows = [
        [labelled("🕒 " + format_datetime(m, event.tz, lang), FEATURE, "at", int(m.timestamp()))]
        for m in moments
    ]
    rows.append(_cancel_row(lang))
    return InlineKeyboardMarkup(rows)


def confirm_time_menu(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(lang, "broadcast.btn_schedule_yes", FEATURE, "yes")],
            [button(lang, "broadcast.btn_now", FEATURE, "now"), *_cancel_row(lang)],
        ]
    )


async def show_menu(turn: Turn, text: str, markup: InlineKeyboardMarkup) -> None:
    """Put the step's question on screen and remember its message as the step's menu (the
    flow is menu-bound: only that message's buttons act). After a press the pressed menu is
    edited in place; after a typed answer, or when the old menu cannot be edited any more,
    the question comes as a new message."""
    query = turn.update.callback_query
    menu = query.message if query is not None else None
    if query is not None and isinstance(menu, Message):
        try:
            await query.edit_message_text(text, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                menu = None
    if not isinstance(menu, Message):
        chat = turn.update.effective_chat
        assert chat is not None
        menu = await chat.send_message(text, reply_markup=markup)
    await remember_menu(turn, menu, markup)
