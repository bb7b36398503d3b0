"""The organisers' side of attendance: /presensi (pick a session; the live QR, replaced every
minute by handlers/attendance/live.py; counts; who is missing; the poster; the daftar hadir)
and /tandai <name> (manual marking, recorded with who marked it). Every command and button is
checked for the organiser role on the server."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from telegram import InlineKeyboardMarkup, InputFile, Message, Update

import locales
from domain import attendance
from domain.attendance import Outcome
from domain.documents import poster
from domain.documents.qr import qr_png
from domain.exports import attendance as daftar_hadir
from handlers.attendance import live
from handlers.attendance.views import MARK, PICK, panel_buttons, panel_text
from handlers.base.callbacks import Feature, press_of
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import organisers_only, private_only
from handlers.base.keyboards import fitted, labelled
from handlers.base.links import Payload, url_with
from handlers.base.replies import answer_callback, edit_or_send, expired, reply
from locales import Html
from schedules.event import Event, Session, Stage
from schedules.timefmt import format_date, format_range, format_time
from storage import attendance as store
from storage import audit, feedback, participants

log = logging.getLogger(__name__)

MISSING_SHOWN = 60  # names in the "not here yet" message; the daftar hadir has them all


def session_label(event: Event, stage: Stage, session: Session, lang: str) -> str:
    day = locales.plain(lang, "attendance.day", n=attendance.day_number(stage, session, event))
    start = format_time(session.start, event.tz, lang)
    title = attendance.title_after_day(session.title_in(lang), day)
    return fitted(f"{attendance.stage_label(stage, lang)} · {day} · {start} {title}")


def candidate_sessions(event: Event, now: datetime) -> list[tuple[Stage, Session]]:
    """Sessions whose check-in is open first, then the rest of the current stage's."""
    stage = event.current_stage(now)
    pairs = event.sessions()
    open_ = [p for p in pairs if attendance.window_state(event, p[1], now) is None]
    of_stage = [p for p in pairs if p[0].number == stage.number and p not in open_]
    return (open_ + of_stage)[:12]


@private_only(Payload.PRESENSI)
@organisers_only
async def presensi(update: Update, context: BotContext) -> None:
    lang = lang_of(update)
    event, now = context.event, context.services.clock.now()
    buttons = []
    for stage, session in candidate_sessions(event, now):
        mark = "🟢 " if attendance.window_state(event, session, now) is None else ""
        label = mark + session_label(event, stage, session, lang)
        buttons.append([labelled(label, Feature.ATTENDANCE, PICK, session.id)])
    await reply(
        update, locales.t(lang, "attendance.pick"), reply_markup=InlineKeyboardMarkup(buttons)
    )


def live_url(context: BotContext, secret: bytes, session_id: str, now: datetime) -> str:
    return url_with(
        context.bot.username, Payload.HADIR, attendance.live_code(secret, session_id, now)
    )


async def _session_of(update: Update, context: BotContext) -> tuple[Stage, Session] | None:
    press = press_of(update, 2)
    found = context.event.session(press.arg()) if press is not None else None
    if found is None:
        await expired(update)
    return found


@organisers_only
async def on_pick(update: Update, context: BotContext) -> None:
    """att:s:<session>: the live QR when the window is open, else the counts and when it opens."""
    found = await _session_of(update, context)
    user, chat = update.effective_user, update.effective_chat
    if found is None or user is None or chat is None:
        return
    await answer_callback(update)
    stage, session = found
    lang, event, now = lang_of(update), context.event, context.services.clock.now()
    await store.set_focus(context.db, user.id, session.id)
    counts = await attendance.session_counts(context.db, session)
    is_live = attendance.window_state(event, session, now) is None
    text = panel_text(event, stage, session, counts, now, lang, live=is_live)
    markup = panel_buttons(lang, session.id, live=is_live)
    if not is_live:
        await reply(update, text, reply_markup=markup)
        return
    secret = await store.secret(context.db)
    photo = qr_png(live_url(context, secret, session.id, now))
    sent: Message = await chat.send_photo(
        InputFile(photo, filename="presensi.png"), caption=text, reply_markup=markup
    )
    slot = attendance.minute_slot(now)
    display_id = await store.open_display(
        context.db, session.id, chat.id, sent.message_id, user.id, slot
    )
    await store.shown(context.db, display_id, slot, text)


@organisers_only
async def on_end(update: Update, context: BotContext) -> None:
    """att:end on a live QR: the code stops changing, and the message says it is closed."""
    query = update.callback_query
    message = query.message if query is not None else None
    display = (
        await store.display_of_message(context.db, message.chat.id, message.message_id)
        if isinstance(message, Message)
        else None
    )
    if display is None or not display.active:
        await expired(update)
        return
    await answer_callback(update)
    await live.close(
        context.bot, context.db, context.event, display, now=context.services.clock.now()
    )


@organisers_only
async def on_missing(update: Update, context: BotContext) -> None:
    found = await _session_of(update, context)
    if found is None:
        return
    await answer_callback(update)
    stage, session = found
    lang = lang_of(update)
    counts = await attendance.session_counts(context.db, session)
    if not counts.missing:
        await reply(update, locales.t(lang, "attendance.missing_none"))
        return
    lines = [
        locales.t(lang, "attendance.missing_line", name=p.full_name or "",
                  office=context.event.office_name(p.opd_id, p.opd_other))
        for p in counts.missing[:MISSING_SHOWN]
    ]  # fmt: skip
    more = len(counts.missing) - MISSING_SHOWN
    head = locales.t(
        lang, "attendance.missing_title", count=len(counts.missing), title=session.title_in(lang)
    )
    tail = [locales.t(lang, "attendance.missing_more", count=more)] if more > 0 else []
    for text in locales.split_messages([head, *lines, *tail]):
        await reply(update, Html(text))  # split_messages joins Html blocks: safe


@organisers_only
async def on_manual_hint(update: Update, context: BotContext) -> None:
    found = await _session_of(update, context)
    user = update.effective_user
    if found is None or user is None:
        return
    await store.set_focus(context.db, user.id, found[1].id)
    await answer_callback(update)
    await reply(
        update,
        locales.t(
            lang_of(update), "attendance.manual_hint", title=found[1].title_in(lang_of(update))
        ),
    )


@private_only(Payload.PRESENSI)
@organisers_only
async def tandai(update: Update, context: BotContext) -> None:
    """/tandai <name>: matching participants as buttons; a press marks them present in the
    organiser's session (the one last opened in /presensi)."""
    user = update.effective_user
    if user is None:
        return
    lang = lang_of(update)
    session_id = await store.focus(context.db, user.id)
    found = context.event.session(session_id) if session_id else None
    if found is None:
        await reply(update, locales.t(lang, "attendance.manual_no_session"))
        return
    query = " ".join(context.args or []).strip()
    if len(query) < 2:
        await reply(
            update, locales.t(lang, "attendance.manual_hint", title=found[1].title_in(lang))
        )
        return
    people = await participants.registered(context.db)
    matches = attendance.search_by_name(people, query)
    if not matches:
        await reply(update, locales.t(lang, "attendance.manual_none", query=query))
        return
    here = {r.user_id for r in await store.of_session(context.db, found[1].id)}
    buttons = [
        [labelled(fitted(("✅ " if p.user_id in here else "") + f"{p.full_name} · "
                         f"{context.event.office_name(p.opd_id, p.opd_other)}"),
                  Feature.ATTENDANCE, MARK, found[1].id, p.user_id)]
        for p in matches
    ]  # fmt: skip
    await reply(
        update,
        locales.t(lang, "attendance.manual_pick", title=found[1].title_in(lang)),
        reply_markup=InlineKeyboardMarkup(buttons),
    )


@organisers_only
async def on_mark(update: Update, context: BotContext) -> None:
    """att:m:<session>:<user>: recorded as present by this organiser (audited)."""
    user = update.effective_user
    press = press_of(update)
    if user is None or press is None or len(press.args) != 2:
        await expired(update)
        return
    target = press.int_arg(1)
    now = context.services.clock.now()
    result = (
        await attendance.mark_by_hand(context.db, context.event, press.arg(0), target, user.id, now)
        if target is not None
        else None
    )
    if result is None or result.outcome == Outcome.FORGED or result.session is None:
        await expired(update)
        return
    await answer_callback(update)
    lang = lang_of(update)
    profile = await participants.get(context.db, target) if target is not None else None
    name = profile.full_name if profile else ""
    if result.outcome == Outcome.RECORDED:
        await audit.record(
            context.db, user.id, "attendance_manual", session=result.session.id, user_id=target
        )
        await edit_or_send(
            update,
            locales.t(
                lang, "attendance.manual_done", name=name, title=result.session.title_in(lang)
            ),
        )
    else:
        await edit_or_send(
            update,
            locales.t(
                lang, "attendance.manual_already", name=name, title=result.session.title_in(lang)
            ),
        )


@organisers_only
async def on_poster(update: Update, context: BotContext) -> None:
    """att:post:<session>: the A4 poster whose code is valid on that day's window only."""
    found = await _session_of(update, context)
    chat = update.effective_chat
    if found is None or chat is None:
        return
    await answer_callback(update)
    stage, session = found
    lang, event = lang_of(update), context.event
    secret = await store.secret(context.db)
    url = url_with(
        context.bot.username, Payload.HADIR, attendance.poster_code(secret, session, event)
    )
    opens, closes = event.check_in_window(session)
    day = locales.plain(lang, "attendance.day", n=attendance.day_number(stage, session, event))
    content = await asyncio.to_thread(
        poster.build, lang, event_name=event.event.name,
        heading=f"{attendance.stage_label(stage, lang)}, {day}", session_title=session.title_in(lang),
        when=format_range(session.start, session.end, event.tz, lang),
        valid=locales.plain(lang, "attendance.poster_valid", date=format_date(opens, event.tz, lang),
                            opens=format_time(opens, event.tz, lang), closes=format_time(closes, event.tz, lang)),
        url=url,
    )  # fmt: skip
    await chat.send_document(
        InputFile(content, filename=f"poster-presensi-{session.id}.pdf"),
        caption=locales.t(lang, "attendance.poster_caption", title=session.title_in(lang)),
    )


@organisers_only
async def on_list(update: Update, context: BotContext) -> None:
    """att:dh:<session>:<pdf|xlsx>: the daftar hadir, audited."""
    press = press_of(update, 2)
    user, chat = update.effective_user, update.effective_chat
    fmt = press.arg(1) if press is not None else ""
    if press is None or user is None or chat is None or fmt not in daftar_hadir.FORMATS:
        await expired(update)
        return
    await send_list(update, context, press.arg(0), fmt)


async def send_list(update: Update, context: BotContext, session_id: str, fmt: str) -> None:
    """The daftar hadir of a session as a document (shared with /ekspor)."""
    user, chat = update.effective_user, update.effective_chat
    lang = lang_of(update)
    now = context.services.clock.now()
    sheet = await daftar_hadir.collect(
        context.db, context.event, session_id, now, await feedback.answers(context.db, session_id)
    )
    if sheet is None or user is None or chat is None:
        await expired(update)
        return
    await answer_callback(update)
    content = await asyncio.to_thread(daftar_hadir.build, sheet, fmt)
    await audit.record(
        context.db, user.id, "attendance_export", session=session_id, format=fmt, via="telegram"
    )
    await chat.send_document(
        InputFile(content, filename=sheet.filename(fmt)),
        caption=locales.t(lang, "attendance.list_caption", title=sheet.session.title_in(lang),
                          count=len(sheet.rows), fmt=fmt.upper()),
    )  # fmt: skip
