"""The participant's side of attendance: the scanned QR (deep link `start=hadir_<code>`), the
online Hadir button, and the scan that waited for a registration."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Update

import locales
from domain import attendance
from domain.attendance import Outcome, Result
from handlers.base.callbacks import press_of
from handlers.base.context import BotContext, is_private, lang_of
from handlers.base.replies import answer_callback, edit_or_send, reply
from schedules.event import Event
from schedules.timefmt import format_datetime, format_time, zone_name

ONLINE = "on"  # att:on:<session id>, the Hadir button of the online invitation


def recorded_text(event: Event, result: Result, lang: str) -> locales.Html:
    """ "Kehadiran Bapak/Ibu tercatat: Tahap I, Hari 1, pukul 08.12 WIB." (or, for a second
    scan, that it was recorded before)."""
    assert result.stage is not None and result.session is not None and result.record is not None
    at = datetime.fromisoformat(result.record.at)
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    key = "attendance.recorded" if result.outcome == Outcome.RECORDED else "attendance.already"
    return locales.t(
        lang,
        key,
        stage=attendance.stage_label(result.stage, lang),
        day=locales.plain(
            lang, "attendance.day", n=attendance.day_number(result.stage, result.session, event)
        ),
        time=format_time(at, event.tz, lang),
        zone=zone_name(event.tz, at),
        title=result.session.title_in(lang),
    )


def refusal_text(event: Event, result: Result, lang: str) -> locales.Html:
    title = result.session.title_in(lang) if result.session else ""
    opens = format_datetime(result.opens_at, event.tz, lang) if result.opens_at else ""
    return locales.t(lang, f"attendance.refused.{result.outcome.value}", title=title, opens=opens)


async def scan(update: Update, context: BotContext, value: str) -> bool:
    """/start hadir_<code>. Returns True when the person must register first (the scan is
    kept and recorded once the registration is complete; handlers/deeplinks.py starts it)."""
    user = update.effective_user
    if user is None or not is_private(update):
        return False
    lang = lang_of(update)
    result = await attendance.scan(
        context.db, context.event, user.id, value, context.services.clock.now()
    )
    if result.outcome in (Outcome.RECORDED, Outcome.ALREADY):
        await reply(update, recorded_text(context.event, result, lang))
        return False
    if result.outcome == Outcome.NOT_REGISTERED:
        await reply(update, locales.t(lang, "attendance.register_first"))
        return True
    await reply(update, refusal_text(context.event, result, lang))
    return False


async def on_online_press(update: Update, context: BotContext) -> None:
    """att:on:<session>: recorded as online, within the window, for the session's audience;
    the invitation becomes the confirmation."""
    user = update.effective_user
    press = press_of(update, 1)
    if user is None or press is None:
        return
    lang = lang_of(update)
    result = await attendance.press_online(
        context.db, context.event, user.id, press.arg(), context.services.clock.now()
    )
    if result.outcome in (Outcome.RECORDED, Outcome.ALREADY):
        await answer_callback(update)
        await edit_or_send(update, recorded_text(context.event, result, lang))
        return
    await answer_callback(update, locales.plain(lang, f"attendance.refused.{result.outcome.value}",
                          title=result.session.title_in(lang) if result.session else "",
                          opens=format_datetime(result.opens_at, context.event.tz, lang)
                          if result.opens_at else ""), alert=True)  # fmt: skip


async def after_registration(update: Update, context: BotContext) -> None:
    """Services.on_registered: a scan that waited for the registration is recorded now."""
    user = update.effective_user
    if user is None:
        return
    result = await attendance.complete_pending(context.db, context.event, user.id)
    if result is not None:
        await reply(update, recorded_text(context.event, result, lang_of(update)))
