"""/umumkan and /siaran: organisers' announcements, durable from the first button.

Flow 'broadcast' (state in the flows table, so a restart resumes it):
  audience -> (pick_dim | pick_opd | pick_role | pick_mode | pick_stage) -> compose
  -> preview (Kirim / Ubah / Batal) -> when (now, quick times, or typed) [-> confirm_time]
Then the announcement is a row in `broadcasts`; when its time comes, BroadcastService writes
one outbox row per recipient in one transaction and follows the progress, editing one message
every few seconds, and finally queues the report (sent, failed, blocked)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError

import locales
from handlers import flows as flow_routes
from handlers.common import (
    answer_callback,
    edit_or_send,
    organisers_only,
    private_only,
    reply,
)
from handlers.context import BotApp, BotContext, Services, lang_of
from handlers.sender import send_payload
from schedules.event import DIMENSION_IDS, MODES, ROLES, Event
from schedules.timefmt import format_datetime
from schedules.whenparse import parse_when
from storage import audit, broadcasts, flows
from storage.broadcasts import KIND, Broadcast, Recipient
from storage.flows import Flow
from storage.outbox import OutgoingMessage

log = logging.getLogger(__name__)

FLOW = "broadcast"
TICK = 0.5  # seconds between looks at due and running announcements
PROGRESS_EVERY = 3.0  # seconds between edits of a progress message
MAX_AHEAD = timedelta(days=366)
AUDIENCE_TYPES = ("all", "dimensions", "role", "opds", "mode", "stage")
_PICK_STEP = {
    "dimensions": "pick_dim",
    "opds": "pick_opd",
    "role": "pick_role",
    "mode": "pick_mode",
    "stage": "pick_stage",
}


# --- audiences -----------------------------------------------------------------------------


def matches(audience: dict[str, Any], who: Recipient, event: Event) -> bool:
    """Whether a registered participant belongs to the chosen audience."""
    kind, values = audience.get("type"), audience.get("values") or []
    if kind == "all":
        return True
    if kind == "dimensions":
        # Someone in "all dimensions" (council members, guides) belongs to every group.
        return who.dimension == "all" or who.dimension in values
    if kind == "role":
        return who.role in values
    if kind == "opds":
        return who.opd_id in values
    if kind == "mode":
        return who.mode in values
    if kind == "stage":
        stage = event.stage(int(values[0])) if values else None
        dimension = None if who.dimension == "all" else who.dimension
        return stage is not None and any(
            s.audience.includes(who.role, dimension, who.mode) for s in stage.sessions
        )
    return False


async def recipients(services: Services, audience: dict[str, Any]) -> list[Recipient]:
    """The registered participants (with consent) the audience names, blocked or not."""
    everyone = await broadcasts.registered_recipients(services.db)
    return [r for r in everyone if matches(audience, r, services.event)]


def describe(audience: dict[str, Any], lang: str, event: Event) -> str:
    """The audience in words, e.g. "Dimensi: Smart Branding, Smart Economy" (plain text)."""
    kind, values = audience.get("type"), audience.get("values") or []
    if kind == "dimensions":
        names = [d.name for d in event.dimensions if d.id in values]
        return locales.plain(lang, "broadcast.aud_desc_dimensions", names=", ".join(names))
    if kind == "role":
        return locales.plain(
            lang, "broadcast.aud_desc_role", role=locales.plain(lang, f"broadcast.role_{values[0]}")
        )
    if kind == "opds":
        names = [o.name for o in event.opds if o.id in values]
        shown = ", ".join(names[:4])
        if len(names) > 4:
            shown += locales.plain(lang, "broadcast.and_more", n=len(names) - 4)
        return locales.plain(lang, "broadcast.aud_desc_opds", names=shown)
    if kind == "mode":
        return locales.plain(lang, f"broadcast.aud_desc_{values[0]}")
    if kind == "stage":
        stage = event.stage(int(values[0]))
        title = stage.title_in(lang) if stage else str(values[0])
        return locales.plain(lang, "broadcast.aud_desc_stage", stage=title)
    return locales.plain(lang, "broadcast.aud_desc_all")


def number(value: int, lang: str) -> str:
    """1.240 in Indonesian, 1,240 in English."""
    text = f"{value:,}"
    return text if lang == "en" else text.replace(",", ".")


def count_line(found: list[Recipient], lang: str) -> str:
    """ "N recipients", and how many of them have blocked the bot."""
    blocked = sum(1 for r in found if not r.active)
    line = locales.t(lang, "broadcast.count", n=number(len(found), lang))
    if blocked:
        line += " " + locales.t(lang, "broadcast.count_blocked", n=number(blocked, lang))
    return line


# --- keyboards -----------------------------------------------------------------------------


def _button(lang: str, key: str, data: str, **values: Any) -> InlineKeyboardButton:
    return InlineKeyboardButton(locales.plain(lang, key, **values), callback_data=data)


def _cancel_row(lang: str) -> list[InlineKeyboardButton]:
    return [_button(lang, "broadcast.btn_cancel", "bc:x")]


def audience_menu(lang: str) -> InlineKeyboardMarkup:
    rows = [[_button(lang, f"broadcast.aud_{kind}", f"bc:a:{kind}")] for kind in AUDIENCE_TYPES]
    return InlineKeyboardMarkup([*rows, _cancel_row(lang)])


def pick_menu(lang: str, step: str, event: Event, picked: list[str]) -> InlineKeyboardMarkup:
    def mark(value: str, label: str) -> str:
        return ("✅ " if value in picked else "▫️ ") + label

    rows: list[list[InlineKeyboardButton]] = []
    if step == "pick_dim":
        rows = [
            [InlineKeyboardButton(mark(d.id, d.name), callback_data=f"bc:t:{d.id}")]
            for d in event.dimensions
        ]
    elif step == "pick_opd":
        buttons = [
            InlineKeyboardButton(mark(o.id, o.name[:40]), callback_data=f"bc:t:{o.id}")
            for o in event.opds
        ]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    elif step == "pick_role":
        rows = [[_button(lang, f"broadcast.role_{r}", f"bc:s:{r}")] for r in ROLES]
    elif step == "pick_mode":
        rows = [[_button(lang, f"broadcast.aud_desc_{m}", f"bc:s:{m}")] for m in MODES]
    elif step == "pick_stage":
        rows = [
            [InlineKeyboardButton(s.title_in(lang)[:60], callback_data=f"bc:s:{s.number}")]
            for s in sorted(event.stages, key=lambda s: s.number)
        ]
    if step in ("pick_dim", "pick_opd") and picked:
        rows.append([_button(lang, "broadcast.btn_next", "bc:ok")])
    rows.append([_button(lang, "broadcast.btn_back", "bc:back"), *_cancel_row(lang)])
    return InlineKeyboardMarkup(rows)


def compose_menu(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(lang, "broadcast.btn_change_audience", "bc:back"), *_cancel_row(lang)]]
    )


def preview_menu(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                _button(lang, "broadcast.btn_send", "bc:go"),
                _button(lang, "broadcast.btn_edit", "bc:edit"),
                *_cancel_row(lang),
            ]
        ]
    )


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
    rows = [[_button(lang, "broadcast.btn_now", "bc:now")]]
    for moment in quick_times(now, event):
        label = format_datetime(moment, event.tz, lang)
        rows.append(
            [InlineKeyboardButton("🕒 " + label, callback_data=f"bc:at:{int(moment.timestamp())}")]
        )
    rows.append(_cancel_row(lang))
    return InlineKeyboardMarkup(rows)


def confirm_time_menu(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(lang, "broadcast.btn_schedule_yes", "bc:yes")],
            [_button(lang, "broadcast.btn_now", "bc:now"), *_cancel_row(lang)],
        ]
    )


# --- /umumkan ------------------------------------------------------------------------------


@organisers_only
@private_only("bantuan")
async def umumkan(update: Update, context: BotContext) -> None:
    """Start (or restart) an announcement: choose the audience."""
    user = update.effective_user
    lang = lang_of(update)
    if user is None:
        return
    state = Flow(user.id, FLOW, "audience", {})
    await flows.save(context.db, state)
    sent = await update.effective_chat.send_message(
        locales.t(lang, "broadcast.choose_audience"), reply_markup=audience_menu(lang)
    )
    state.message_id = sent.message_id
    await flows.save(context.db, state)


@organisers_only
async def on_button(update: Update, context: BotContext) -> None:
    """Every `bc:` button. Roles are checked by the decorator; the step here."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or not query.data:
        return
    parts = query.data.split(":")
    action, arg = parts[1] if len(parts) > 1 else "", ":".join(parts[2:])
    if action == "c":
        await _cancel_scheduled(update, context, arg)
        return
    state = await flows.get(context.db, user.id)
    if not _press_matches(state, action, query.message):
        await answer_callback(update, locales.plain(lang_of(update), "common.expired"), True)
        return
    assert state is not None
    handler = _BUTTONS[action]
    await handler(update, context, state, arg)


_ALLOWED_STEPS = {
    "a": {"audience"},
    "t": {"pick_dim", "pick_opd"},
    "ok": {"pick_dim", "pick_opd"},
    "s": {"pick_role", "pick_mode", "pick_stage"},
    "back": {"pick_dim", "pick_opd", "pick_role", "pick_mode", "pick_stage", "compose"},
    "go": {"preview"},
    "edit": {"preview"},
    "now": {"when", "confirm_time"},
    "at": {"when"},
    "yes": {"confirm_time"},
    "x": {
        "audience", "pick_dim", "pick_opd", "pick_role", "pick_mode", "pick_stage",
        "compose", "preview", "when", "confirm_time",
    },
}  # fmt: skip


def _press_matches(state: Flow | None, action: str, message: Any) -> bool:
    """The pressed menu must be the user's current menu of this flow, at a step it fits."""
    if state is None or state.flow != FLOW or action not in _ALLOWED_STEPS:
        return False
    if state.step not in _ALLOWED_STEPS[action]:
        return False
    message_id = getattr(message, "message_id", None)
    return state.message_id is None or message_id == state.message_id


async def _choose_type(update: Update, context: BotContext, state: Flow, kind: str) -> None:
    lang = lang_of(update)
    if kind == "all":
        await _audience_chosen(update, context, state, {"type": "all", "values": []})
        return
    if kind not in _PICK_STEP:
        await answer_callback(update, locales.plain(lang, "common.expired"), True)
        return
    state.step, state.data = _PICK_STEP[kind], {"picked": []}
    await flows.save(context.db, state)
    await answer_callback(update)
    await _show_pick(update, context, state, lang)


async def _show_pick(update: Update, context: BotContext, state: Flow, lang: str) -> None:
    picked = state.data.get("picked", [])
    text = locales.t(lang, f"broadcast.ask_{state.step}")
    if picked:
        audience = _picked_audience(state)
        found = await recipients(context.services, audience)
        text += "\n\n" + count_line(found, lang)
    await edit_or_send(
        update, text, reply_markup=pick_menu(lang, state.step, context.event, picked)
    )


def _picked_audience(state: Flow) -> dict[str, Any]:
    kind = "dimensions" if state.step == "pick_dim" else "opds"
    return {"type": kind, "values": list(state.data.get("picked", []))}


async def _toggle(update: Update, context: BotContext, state: Flow, value: str) -> None:
    valid = DIMENSION_IDS if state.step == "pick_dim" else tuple(o.id for o in context.event.opds)
    if value not in valid:
        await answer_callback(update, locales.plain(lang_of(update), "common.expired"), True)
        return
    picked = list(state.data.get("picked", []))
    picked = [p for p in picked if p != value] if value in picked else [*picked, value]
    state.data["picked"] = picked
    await flows.save(context.db, state)
    await answer_callback(update)
    await _show_pick(update, context, state, lang_of(update))


async def _picked_done(update: Update, context: BotContext, state: Flow, _arg: str) -> None:
    audience = _picked_audience(state)
    if not audience["values"]:
        await answer_callback(update, locales.plain(lang_of(update), "common.expired"), True)
        return
    await _audience_chosen(update, context, state, audience)


async def _single(update: Update, context: BotContext, state: Flow, value: str) -> None:
    kinds = {"pick_role": "role", "pick_mode": "mode", "pick_stage": "stage"}
    kind = kinds[state.step]
    valid = {
        "role": ROLES,
        "mode": MODES,
        "stage": tuple(str(s.number) for s in context.event.stages),
    }[kind]
    if value not in valid:
        await answer_callback(update, locales.plain(lang_of(update), "common.expired"), True)
        return
    await _audience_chosen(update, context, state, {"type": kind, "values": [value]})


async def _audience_chosen(
    update: Update, context: BotContext, state: Flow, audience: dict[str, Any]
) -> None:
    lang = lang_of(update)
    found = await recipients(context.services, audience)
    desc = describe(audience, lang, context.event)
    if not found:
        await answer_callback(update, locales.plain(lang, "broadcast.nobody"), True)
        return
    state.step = "compose"
    state.data = {"audience": audience, **{k: v for k, v in state.data.items() if k == "payload"}}
    await flows.save(context.db, state)
    await answer_callback(update)
    text = (
        locales.t(lang, "broadcast.audience_chosen", audience=desc)
        + "\n"
        + count_line(found, lang)
        + "\n\n"
        + locales.t(lang, "broadcast.ask_message")
    )
    await edit_or_send(update, text, reply_markup=compose_menu(lang))


async def _back(update: Update, context: BotContext, state: Flow, _arg: str) -> None:
    lang = lang_of(update)
    state.step, state.data = "audience", {}
    await flows.save(context.db, state)
    await answer_callback(update)
    await edit_or_send(
        update, locales.t(lang, "broadcast.choose_audience"), reply_markup=audience_menu(lang)
    )


# --- composing and previewing ---------------------------------------------------------------


def payload_of(message: Message) -> tuple[dict[str, Any], str] | None:
    """The announcement as the outbox sends it, keeping the organiser's formatting, and a
    plain-text summary for lists. None for anything but text, a photo or a document."""
    if message.text:
        return {"text": message.text_html}, message.text
    caption = message.caption_html if message.caption else None
    if message.photo:
        payload = {"photo": message.photo[-1].file_id, "caption": caption}
        return payload, "🖼 " + (message.caption or "")
    if message.document:
        payload = {"document": message.document.file_id, "caption": caption}
        name = message.document.file_name or ""
        return payload, "📎 " + (message.caption or name)
    return None


async def on_message(update: Update, context: BotContext, state: Flow) -> None:
    """A free message while the organiser is in the announcement flow."""
    message = update.effective_message
    lang = lang_of(update)
    if message is None:
        return
    if state.step == "compose":
        await _composed(update, context, state, message)
    elif state.step in ("when", "confirm_time") or (
        state.step == "preview"
        and re.match(r"^\s*(kirim|jadwalkan|send)\b", message.text or "", re.I)
    ):
        await _typed_time(update, context, state, message.text or "")
    elif state.step == "preview":
        await reply(update, locales.t(lang, "broadcast.use_buttons"))
    else:
        await reply(update, locales.t(lang, "broadcast.use_buttons"))


async def _composed(update: Update, context: BotContext, state: Flow, message: Message) -> None:
    lang = lang_of(update)
    found = payload_of(message)
    if found is None:
        await reply(update, locales.t(lang, "broadcast.bad_content"))
        return
    payload, summary = found
    state.step = "preview"
    state.data = {**state.data, "payload": payload, "summary": summary[:120]}
    await flows.save(context.db, state)  # committed before the preview goes out
    await _show_preview(update, context, state)


async def _show_preview(update: Update, context: BotContext, state: Flow) -> None:
    lang = lang_of(update)
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_message(locales.t(lang, "broadcast.preview_title"))
    await send_payload(context.bot, chat.id, state.data["payload"])
    audience = state.data["audience"]
    text = (
        locales.t(
            lang, "broadcast.preview_question", audience=describe(audience, lang, context.event)
        )
        + "\n"
        + count_line(await recipients(context.services, audience), lang)
    )
    control = await chat.send_message(text, reply_markup=preview_menu(lang))
    state.message_id = control.message_id
    await flows.save(context.db, state)


async def _edit(update: Update, context: BotContext, state: Flow, _arg: str) -> None:
    lang = lang_of(update)
    state.step = "compose"
    await flows.save(context.db, state)
    await answer_callback(update)
    desc = describe(state.data["audience"], lang, context.event)
    text = (
        locales.t(lang, "broadcast.audience_chosen", audience=desc)
        + "\n\n"
        + locales.t(lang, "broadcast.ask_new_message")
    )
    await edit_or_send(update, text, reply_markup=compose_menu(lang))


async def _go(update: Update, context: BotContext, state: Flow, _arg: str) -> None:
    lang = lang_of(update)
    state.step = "when"
    await flows.save(context.db, state)
    await answer_callback(update)
    await edit_or_send(
        update,
        locales.t(lang, "broadcast.ask_when"),
        reply_markup=when_menu(lang, context.services.clock.now(), context.event),
    )


# --- when ----------------------------------------------------------------------------------


async def _typed_time(update: Update, context: BotContext, state: Flow, text: str) -> None:
    lang = lang_of(update)
    now = context.services.clock.now()
    moment = parse_when(text, now, context.event.tz)
    if moment is None:
        await reply(update, locales.t(lang, "broadcast.bad_time"))
        return
    problem = _time_problem(moment, now)
    if problem:
        await reply(update, locales.t(lang, problem))
        return
    state.step = "confirm_time"
    state.data["send_at"] = moment.isoformat()
    await flows.save(context.db, state)
    chat = update.effective_chat
    assert chat is not None
    sent = await chat.send_message(
        locales.t(
            lang, "broadcast.confirm_time", when=format_datetime(moment, context.event.tz, lang)
        ),
        reply_markup=confirm_time_menu(lang),
    )
    state.message_id = sent.message_id
    await flows.save(context.db, state)


def _time_problem(moment: datetime, now: datetime) -> str | None:
    if moment <= now + timedelta(seconds=30):
        return "broadcast.time_past"
    if moment > now + MAX_AHEAD:
        return "broadcast.time_too_far"
    return None


async def _schedule_at(update: Update, context: BotContext, state: Flow, arg: str) -> None:
    lang = lang_of(update)
    try:
        moment = datetime.fromtimestamp(int(arg), tz=context.event.tz)
    except (ValueError, OverflowError, OSError):
        await answer_callback(update, locales.plain(lang, "common.expired"), True)
        return
    problem = _time_problem(moment, context.services.clock.now())
    if problem:
        await answer_callback(update, locales.plain(lang, problem), True)
        return
    await _create(update, context, state, moment)


async def _schedule_confirmed(update: Update, context: BotContext, state: Flow, _a: str) -> None:
    moment = datetime.fromisoformat(state.data["send_at"])
    problem = _time_problem(moment, context.services.clock.now())
    if problem:
        await answer_callback(update, locales.plain(lang_of(update), problem), True)
        return
    await _create(update, context, state, moment)


async def _send_now(update: Update, context: BotContext, state: Flow, _arg: str) -> None:
    await _create(update, context, state, None)


async def _create(
    update: Update, context: BotContext, state: Flow, moment: datetime | None
) -> None:
    """The announcement becomes durable (and the flow ends) in one transaction, before the
    organiser is answered; sending starts now or at its time."""
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    lang = lang_of(update)
    now = context.services.clock.now()
    audience = state.data["audience"]
    desc = describe(audience, "id", context.event)
    count = len(await recipients(context.services, audience))
    async with context.db.transaction():
        broadcast_id = await broadcasts.create(
            context.db,
            created_by=user.id,
            audience=audience,
            payload=state.data["payload"],
            summary=state.data.get("summary", ""),
            send_at=moment or now,
            report_chat_id=chat.id,
            report_lang=lang,
        )
        await flows.clear(context.db, user.id, FLOW)
        await audit.record(
            context.db,
            user.id,
            "broadcast.schedule" if moment else "broadcast.send",
            broadcast_id=broadcast_id,
            audience=audience,
            audience_text=desc,
            summary=state.data.get("summary", ""),
            send_at=(moment or now).isoformat(),
            recipients=count,
        )
    await answer_callback(update)
    service: BroadcastService = context.services.extras["broadcasts"]
    if moment is None:
        # The question "now or later?" gives way to what is happening; progress follows below.
        text = locales.t(
            lang,
            "broadcast.sending_now",
            id=broadcast_id,
            audience=describe(audience, lang, context.event),
            n=number(count, lang),
        )
        await edit_or_send(update, text)
        await service.launch_due()
        return
    when = format_datetime(moment, context.event.tz, lang)
    await edit_or_send(
        update,
        locales.t(
            lang,
            "broadcast.scheduled",
            id=broadcast_id,
            when=when,
            audience=describe(audience, lang, context.event),
            n=number(count, lang),
        ),
    )
    service.wake()


async def _cancel_flow(update: Update, context: BotContext, state: Flow, _arg: str) -> None:
    user = update.effective_user
    assert user is not None
    await flows.clear(context.db, user.id, FLOW)
    await answer_callback(update)
    await edit_or_send(update, locales.t(lang_of(update), "broadcast.cancelled"))


async def on_cancel(update: Update, context: BotContext, state: Flow) -> None:
    """/batal inside the flow (the flow is already cleared)."""
    await reply(update, locales.t(lang_of(update), "broadcast.cancelled"))


_BUTTONS = {
    "a": _choose_type,
    "t": _toggle,
    "ok": _picked_done,
    "s": _single,
    "back": _back,
    "edit": _edit,
    "go": _go,
    "now": _send_now,
    "at": _schedule_at,
    "yes": _schedule_confirmed,
    "x": _cancel_flow,
}


# --- /siaran -------------------------------------------------------------------------------


def _status_line(b: Broadcast, lang: str, event: Event) -> str:
    when = format_datetime(b.send_at, event.tz, lang)
    head = locales.t(
        lang,
        f"broadcast.list_{b.status}",
        id=b.id,
        when=when,
        audience=describe(b.audience, lang, event),
    )
    summary = locales.t(lang, "broadcast.list_summary", summary=_short(b.summary))
    if b.status == "done":
        report = locales.t(
            lang,
            "broadcast.list_report",
            sent=number(b.sent, lang),
            total=number(b.total, lang),
            failed=number(b.failed, lang),
            blocked=number(b.blocked, lang),
        )
        return f"{head}\n{summary}\n{report}"
    return f"{head}\n{summary}"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _siaran_view(context: BotContext, lang: str) -> tuple[str, InlineKeyboardMarkup | None]:
    found = await broadcasts.recent(context.db, 10)
    if not found:
        return locales.t(lang, "broadcast.list_empty"), None
    lines = [locales.t(lang, "broadcast.list_title")]
    for b in found:
        line = _status_line(b, lang, context.event)
        if b.status == "sending":
            tally = await broadcasts.counts(context.db, b.id)
            line += "\n" + locales.t(
                lang,
                "broadcast.progress_line",
                sent=number(tally.get("sent", 0), lang),
                total=number(b.total, lang),
            )
        lines.append(line)
    buttons = [
        [_button(lang, "broadcast.btn_cancel_scheduled", f"bc:c:{b.id}", id=b.id)]
        for b in found
        if b.status == "scheduled"
    ]
    return "\n\n".join(lines), InlineKeyboardMarkup(buttons) if buttons else None


@organisers_only
@private_only("bantuan")
async def siaran(update: Update, context: BotContext) -> None:
    """/siaran: scheduled and past announcements with their reports."""
    text, markup = await _siaran_view(context, lang_of(update))
    await reply(update, text, reply_markup=markup)


async def _cancel_scheduled(update: Update, context: BotContext, arg: str) -> None:
    lang = lang_of(update)
    user = update.effective_user
    assert user is not None
    if not arg.isdigit():
        await answer_callback(update, locales.plain(lang, "common.expired"), True)
        return
    broadcast_id = int(arg)
    async with context.db.transaction():
        cancelled = await broadcasts.cancel(context.db, broadcast_id, user.id)
        if cancelled:
            await audit.record(context.db, user.id, "broadcast.cancel", broadcast_id=broadcast_id)
    key = "broadcast.cancel_done" if cancelled else "broadcast.cancel_too_late"
    await answer_callback(update, locales.plain(lang, key, id=broadcast_id), not cancelled)
    text, markup = await _siaran_view(context, lang)
    await edit_or_send(update, text, reply_markup=markup)


# --- sending -------------------------------------------------------------------------------


@dataclass
class _Progress:
    shown: str = ""
    edited_at: float = 0.0


class BroadcastService:
    """Starts announcements when their time comes and follows them to their report."""

    def __init__(self, app: BotApp) -> None:
        self.app = app
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._progress: dict[int, _Progress] = {}
        self._lock = asyncio.Lock()

    @property
    def services(self) -> Services:
        return self.app.bot_data["services"]

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="broadcasts")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                await self.launch_due()
                await self.follow()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Broadcast service hiccup; carrying on")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), TICK)

    async def launch_due(self) -> None:
        """Write the outbox rows of every announcement whose time has come."""
        async with self._lock:
            services = self.services
            now = services.clock.now()
            for b in await broadcasts.due(services.db, now):
                await self._launch(b, now)

    async def _launch(self, b: Broadcast, now: datetime) -> None:
        services = self.services
        found = await recipients(services, b.audience)
        ref = str(b.id)
        messages = [
            OutgoingMessage(
                KIND,
                r.user_id,
                b.payload,
                ref=ref,
                dedupe_key=f"bc:{b.id}:{r.user_id}",
                not_before=now,
            )
            for r in found
        ]
        if not await broadcasts.start_sending(services.db, b.id, messages, now):
            return
        if services.sender is not None:
            services.sender.wake()
        log.info("Broadcast %s: %s recipients queued", b.id, len(messages))
        started = await broadcasts.get(services.db, b.id)
        if started is not None:
            await self._show_progress(started, {}, force=True)

    async def follow(self) -> None:
        """Edit progress messages; finish announcements with nothing left to send."""
        db = self.services.db
        for b in await broadcasts.sending(db):
            tally = await broadcasts.counts(db, b.id)
            if tally.get("pending", 0) + tally.get("sending", 0) == 0:
                await self._finish(b, tally)
            else:
                await self._show_progress(b, tally)

    async def _show_progress(
        self, b: Broadcast, tally: dict[str, int], force: bool = False
    ) -> None:
        lang = b.report_lang
        text = locales.t(
            lang,
            "broadcast.progress",
            id=b.id,
            sent=number(tally.get("sent", 0), lang),
            total=number(b.total, lang),
        )
        trouble = tally.get("failed", 0) + tally.get("blocked", 0)
        if trouble:
            text += "\n" + locales.t(
                lang,
                "broadcast.progress_trouble",
                failed=number(tally.get("failed", 0), lang),
                blocked=number(tally.get("blocked", 0), lang),
            )
        await self._put_progress(b, text, force)

    async def _put_progress(self, b: Broadcast, text: str, force: bool) -> None:
        state = self._progress.setdefault(b.id, _Progress())
        loop = asyncio.get_running_loop()
        if text == state.shown or (not force and loop.time() - state.edited_at < PROGRESS_EVERY):
            return
        bot = self.app.bot
        try:
            if b.progress_message_id is None:
                sent = await bot.send_message(b.report_chat_id, text)
                await broadcasts.set_progress_message(self.services.db, b.id, sent.message_id)
            else:
                await bot.edit_message_text(text, b.report_chat_id, b.progress_message_id)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                log.warning("Broadcast %s: progress message: %s", b.id, exc)
        except TelegramError as exc:
            log.warning("Broadcast %s: progress message: %s", b.id, exc)
            return
        state.shown, state.edited_at = text, loop.time()

    async def _finish(self, b: Broadcast, tally: dict[str, int]) -> None:
        lang = b.report_lang
        failed = tally.get("failed", 0) + tally.get("cancelled", 0)
        report_text = locales.t(
            lang,
            "broadcast.report",
            id=b.id,
            audience=describe(b.audience, lang, self.services.event),
            sent=number(tally.get("sent", 0), lang),
            total=number(b.total, lang),
            failed=number(failed, lang),
            blocked=number(tally.get("blocked", 0), lang),
        )
        report = OutgoingMessage(
            "broadcast_report",
            b.report_chat_id,
            {"text": report_text},
            ref=str(b.id),
            dedupe_key=f"bc:{b.id}:report",
            not_before=self.services.clock.now(),
        )
        if not await broadcasts.finish(self.services.db, b.id, tally, report):
            return
        log.info("Broadcast %s done: %s", b.id, tally)
        final = locales.t(
            lang,
            "broadcast.progress_done",
            id=b.id,
            sent=number(tally.get("sent", 0), lang),
            total=number(b.total, lang),
        )
        await self._put_progress(b, final, force=True)
        self._progress.pop(b.id, None)
        if self.services.sender is not None:
            self.services.sender.wake()


def register_flow() -> None:
    flow_routes.register(FLOW, on_message, on_cancel)
