"""/siaran: scheduled and recent announcements with their reports; a scheduled one can be
cancelled ("Batalkan #n", bc:c:<id>)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

import locales
from domain.audience import describe
from handlers.base.callbacks import Feature, press_of
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import organisers_only, private_only
from handlers.base.keyboards import button
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, edit_or_send, expired, reply
from locales import Html, number
from schedules.event import Event
from schedules.timefmt import format_datetime
from storage import audit, broadcasts
from storage.broadcasts import Broadcast

FEATURE = Feature.BROADCAST


def _status_line(b: Broadcast, lang: str, event: Event) -> Html:
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
        return Html("\n").join([head, summary, report])
    return Html("\n").join([head, summary])


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
        [button(lang, "broadcast.btn_cancel_scheduled", FEATURE, "c", b.id, id=b.id)]
        for b in found
        if b.status == "scheduled"
    ]
    return Html("\n\n").join(lines), InlineKeyboardMarkup(buttons) if buttons else None


@organisers_only
@private_only(Payload.SIARAN)
async def siaran(update: Update, context: BotContext) -> None:
    """/siaran: scheduled and past announcements with their reports."""
    text, markup = await _siaran_view(context, lang_of(update))
    await reply(update, text, reply_markup=markup)


@organisers_only
async def on_cancel_press(update: Update, context: BotContext) -> None:
    """bc:c:<id>, "Batalkan #n" under /siaran. Not a step of the /umumkan flow: the list's
    buttons work whatever the organiser is doing, so they have their own handler."""
    lang = lang_of(update)
    user = update.effective_user
    assert user is not None
    press = press_of(update)
    broadcast_id = press.int_arg() if press is not None else None
    if broadcast_id is None:
        await expired(update)
        return
    async with context.db.transaction():
        cancelled = await broadcasts.cancel(context.db, broadcast_id, user.id)
        if cancelled:
            await audit.record(context.db, user.id, "broadcast.cancel", broadcast_id=broadcast_id)
    key = "broadcast.cancel_done" if cancelled else "broadcast.cancel_too_late"
    await answer_callback(update, locales.plain(lang, key, id=broadcast_id), not cancelled)
    text, markup = await _siaran_view(context, lang)
    await edit_or_send(update, text, reply_markup=markup)
