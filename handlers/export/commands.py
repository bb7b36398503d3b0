"""/ekspor (admins): the proposals as XLSX, CSV or JSON, each export audited."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardMarkup, InputFile, Update

import locales
from domain.exports import EXPORTERS, collect
from domain.exports import attendance as daftar_hadir
from handlers.base.callbacks import Feature, press_of
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import admins_only, private_only
from handlers.base.keyboards import fitted, labelled
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, expired, reply
from schedules.timefmt import format_datetime
from storage import audit, feedback

log = logging.getLogger(__name__)

FORMAT = "fmt"  # the action of the format buttons: exp:fmt:<format>
ATTENDANCE = "dh"  # exp:dh (the sessions), exp:dh:<session> (formats), exp:dh:<session>:<fmt>


@private_only(Payload.EKSPOR)
@admins_only
async def export_command(update: Update, context: BotContext) -> None:
    lang = lang_of(update)
    buttons = [labelled(e.label, Feature.EXPORT, FORMAT, fmt) for fmt, e in EXPORTERS.items()]
    attendance = [
        labelled(locales.plain(lang, "attendance.export_button"), Feature.EXPORT, ATTENDANCE)
    ]
    await reply(
        update,
        locales.t(lang, "export.choose_format"),
        reply_markup=InlineKeyboardMarkup([buttons, attendance]),
    )


@admins_only
async def attendance_button(update: Update, context: BotContext) -> None:
    """The daftar hadir: pick a session, then the format; the file is audited."""
    lang = lang_of(update)
    press = press_of(update, 2)
    session_id, fmt = (press.arg(0), press.arg(1)) if press is not None else ("", "")
    found = context.event.session(session_id) if session_id else None
    if session_id and found is None:
        await expired(update)
        return
    await answer_callback(update)
    if found is None:
        rows = [
            [labelled(fitted(f"{stage.title_in(lang).split(':')[0]} · {session.title_in(lang)}"),
                      Feature.EXPORT, ATTENDANCE, session.id)]
            for stage, session in context.event.sessions()
        ]  # fmt: skip
        await reply(
            update,
            locales.t(lang, "attendance.export_pick"),
            reply_markup=InlineKeyboardMarkup(rows),
        )
        return
    if fmt not in daftar_hadir.FORMATS:
        formats = [
            labelled(f.upper(), Feature.EXPORT, ATTENDANCE, session_id, f)
            for f in daftar_hadir.FORMATS
        ]
        await reply(update, locales.t(lang, "attendance.export_format", title=found[1].title_in(lang)),
                    reply_markup=InlineKeyboardMarkup([formats]))  # fmt: skip
        return
    await _send_attendance(update, context, session_id, fmt)


async def _send_attendance(update: Update, context: BotContext, session_id: str, fmt: str) -> None:
    user, chat, lang = update.effective_user, update.effective_chat, lang_of(update)
    ratings = await feedback.answers(context.db, session_id)
    sheet = await daftar_hadir.collect(
        context.db, context.event, session_id, context.services.clock.now(), ratings
    )
    if sheet is None or user is None or chat is None:
        return
    content = await asyncio.to_thread(daftar_hadir.build, sheet, fmt)
    await audit.record(
        context.db, user.id, "attendance_export", session=session_id, format=fmt, via="telegram"
    )
    caption = locales.t(
        lang,
        "attendance.list_caption",
        title=sheet.session.title_in(lang),
        count=len(sheet.rows),
        fmt=fmt.upper(),
    )
    await chat.send_document(InputFile(content, filename=sheet.filename(fmt)), caption=caption)


@admins_only
async def format_button(update: Update, context: BotContext) -> None:
    """Build the file off the event loop, record the export, then send it."""
    user = update.effective_user
    lang = lang_of(update)
    press = press_of(update, 1)
    exporter = EXPORTERS.get(press.arg()) if press is not None else None
    if user is None or exporter is None:
        await expired(update)
        return
    await answer_callback(update)
    now = context.services.clock.now()
    try:
        data = await collect(context.db, context.event, now, lang)
        content = await asyncio.to_thread(exporter.build, data)
    except Exception:
        log.exception("Export (%s) failed", exporter.format)
        await reply(update, locales.t(lang, "export.failed"))
        return
    await audit.record(
        context.db,
        user.id,
        "export",
        format=exporter.format,
        proposals=len(data.proposals),
        via="telegram",
    )
    # The DOCX holds only the programmes confirmed in /seleksi, not every proposal.
    profiles = exporter.format == "docx"
    caption = locales.t(
        lang,
        "export.caption_profiles" if profiles else "export.caption",
        count=len({pid for _round, pid in data.chosen}) if profiles else len(data.proposals),
        when=format_datetime(now, context.event.tz, lang),
    )
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(InputFile(content, filename=exporter.filename(data)), caption=caption)
