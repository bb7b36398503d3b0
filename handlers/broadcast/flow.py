"""/umumkan and /siaran: organisers' announcements, durable from the first button.

Flow 'broadcast' (state in the flows table, so a restart resumes it):
  audience -> (pick_dim | pick_opd | pick_role | pick_mode | pick_stage) -> compose
  -> preview (Kirim / Ubah / Batal) -> when (now, quick times, or typed) [-> confirm_time]
Then the announcement is a row in `broadcasts`; when its time comes, BroadcastService writes
one outbox row per recipient in one transaction and follows the progress, editing one message
every few seconds, and finally queues the report (sent, failed, blocked)."""

from __future__ import annotations

import logging
import re
from datetime import datetime, time, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

import locales
from domain.audience import count_line, describe, recipients
from domain.delivery.sender import send_payload
from handlers.base.callbacks import Feature
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import organisers_only, private_only
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, edit_or_send, reply
from handlers.broadcast import siaran
from schedules.event import DIMENSION_IDS, MODES, ROLES, Event
from schedules.timefmt import format_datetime
from schedules.whenparse import parse_when
from storage import audit, broadcasts, flows
from storage.flows import Flow

log = logging.getLogger(__name__)

FLOW = "broadcast"
FEATURE = Feature.BROADCAST
MAX_AHEAD = timedelta(days=366)
AUDIENCE_TYPES = ("all", "dimensions", "role", "opds", "mode", "stage")
_PICK_STEP = {
    "dimensions": "pick_dim",
    "opds": "pick_opd",
    "role": "pick_role",
    "mode": "pick_mode",
    "stage": "pick_stage",
}


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
@private_only(Payload.UMUMKAN)
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
        await siaran.cancel_scheduled(update, context, arg)
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
        found = await recipients(context.db, context.event, audience)
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
    found = await recipients(context.db, context.event, audience)
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
        + count_line(await recipients(context.db, context.event, audience), lang)
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
    count = len(await recipients(context.db, context.event, audience))
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
    service = context.services.broadcasts
    assert service is not None
    if moment is None:
        # The question "now or later?" gives way to what is happening; progress follows below.
        text = locales.t(
            lang,
            "broadcast.sending_now",
            id=broadcast_id,
            audience=describe(audience, lang, context.event),
            n=locales.number(count, lang),
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
            n=locales.number(count, lang),
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
