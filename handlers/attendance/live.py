"""Background work of attendance, run on the reminders' scheduler (bot.start_reminders):
- the live QR messages: a new code (image replaced in place) every minute, the counts in the
  caption as they change, closed when the window closes;
- the online invitation: at each session's start, its online participants get a message
  with a Hadir button through the outbox (dedupe key `hadir:<session>:<user>`: once)."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Bot, InputMediaPhoto
from telegram.error import BadRequest, Forbidden

import locales
from domain import attendance, meeting_links
from domain.documents.qr import qr_png
from handlers.attendance.views import panel_buttons, panel_text
from handlers.base.callbacks import Feature, encode
from handlers.base.context import Services
from handlers.base.links import Payload, url_with
from schedules.event import Event
from storage import attendance as store
from storage import outbox, users
from storage.db import Database
from storage.outbox import OutgoingMessage

log = logging.getLogger(__name__)

REFRESH_SECONDS = 2.0
ONLINE_SECONDS = 3.0


async def _lang(db: Database, user_id: int) -> str:
    return locales.language_of(await users.language(db, user_id))


async def refresh(bot: Bot, services: Services) -> None:
    """One pass over the live displays."""
    for display in await store.active_displays(services.db):
        try:
            await _refresh_one(bot, services, display)
        except Forbidden:
            await store.close_display(services.db, display.id)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                # The message was deleted, or is too old to edit: stop refreshing it.
                log.info("Live QR %s stopped: %s", display.id, exc)
                await store.close_display(services.db, display.id)


async def _refresh_one(bot: Bot, services: Services, display: store.Display) -> None:
    event, now = services.event, services.clock.now()
    found = event.session(display.session_id)
    if found is None or attendance.window_state(event, found[1], now) is not None:
        await close(bot, services.db, event, display, now=now)
        return
    stage, session = found
    lang = await _lang(services.db, display.opened_by)
    counts = await attendance.session_counts(services.db, session)
    caption = panel_text(event, stage, session, counts, now, lang, live=True)
    markup = panel_buttons(lang, session.id, live=True)
    slot = attendance.minute_slot(now)
    if slot != display.slot:
        secret = await store.secret(services.db)
        code = attendance.live_code(secret, session.id, now)
        photo = qr_png(url_with(bot.username, Payload.HADIR, code))
        await bot.edit_message_media(
            media=InputMediaPhoto(photo, caption=caption),
            chat_id=display.chat_id, message_id=display.message_id, reply_markup=markup,
        )  # fmt: skip
        await store.shown(services.db, display.id, slot, caption)
    elif caption != display.caption:
        await bot.edit_message_caption(
            chat_id=display.chat_id, message_id=display.message_id, caption=caption,
            reply_markup=markup,
        )  # fmt: skip
        await store.shown(services.db, display.id, display.slot, caption)


async def close(
    bot: Bot, db: Database, event: Event, display: store.Display, *, now: datetime
) -> None:
    """The live QR stops (Selesai, or the window closed): its caption says so, with the
    final counts; the list buttons stay."""
    if not await store.close_display(db, display.id):
        return
    found = event.session(display.session_id)
    if found is None:
        return
    stage, session = found
    lang = await _lang(db, display.opened_by)
    counts = await attendance.session_counts(db, session)
    caption = panel_text(event, stage, session, counts, now, lang, live=False, closed_at=now)
    try:
        await bot.edit_message_caption(
            chat_id=display.chat_id, message_id=display.message_id, caption=caption,
            reply_markup=panel_buttons(lang, session.id, live=False),
        )  # fmt: skip
    except BadRequest as exc:
        log.info("Live QR %s: closing caption not shown: %s", display.id, exc)


async def invite_online(services: Services) -> int:
    """Enqueue the Hadir invitations due now (idempotent: the outbox's dedupe key)."""
    if services.sender is None:
        return 0
    event, now = services.event, services.clock.now()
    if not any(s.start <= now < event.check_in_window(s)[1] for _, s in event.sessions()):
        return 0  # no session in progress: nothing to read
    people = await meeting_links.reminder_recipients(services.db)
    due = attendance.online_invitees(event, people, now)
    # Invitations already queued are not offered to the outbox again every few seconds (its
    # dedupe key would ignore them, but each try takes the write lock).
    queued = {
        sid: await outbox.recipients(services.db, "attendance_invite", sid)
        for sid in {s.id for _, s, _ in due}
    }
    messages = []
    for stage, session, person in due:
        if person.user_id in queued[session.id]:
            continue
        lang = person.language
        day = attendance.day_number(stage, session, services.event)
        text = locales.t(
            lang, "attendance.online_invite", stage=attendance.stage_label(stage, lang),
            day=locales.plain(lang, "attendance.day", n=day), title=session.title_in(lang),
        )  # fmt: skip
        label = locales.plain(lang, "attendance.b_present")
        data = encode(Feature.ATTENDANCE, "on", session.id)
        markup = {"inline_keyboard": [[{"text": label, "callback_data": data}]]}
        messages.append(
            OutgoingMessage(
                kind="attendance_invite",
                chat_id=person.user_id,
                payload={"text": text, "reply_markup": markup},
                ref=session.id,
                dedupe_key=f"hadir:{session.id}:{person.user_id}",
            )
        )
    return await services.sender.enqueue(messages) if messages else 0
