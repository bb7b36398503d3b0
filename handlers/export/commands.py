"""/ekspor (admins): the proposals as XLSX, CSV or JSON, each export audited."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardMarkup, InputFile, Update

import locales
from domain.exports import EXPORTERS, collect
from handlers.base.callbacks import Feature, press_of
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import admins_only, private_only
from handlers.base.keyboards import labelled
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, expired, reply
from schedules.timefmt import format_datetime
from storage import audit

log = logging.getLogger(__name__)

FORMAT = "fmt"  # the action of the format buttons: exp:fmt:<format>


@private_only(Payload.EKSPOR)
@admins_only
async def export_command(update: Update, context: BotContext) -> None:
    lang = lang_of(update)
    buttons = [labelled(e.label, Feature.EXPORT, FORMAT, fmt) for fmt, e in EXPORTERS.items()]
    await reply(
        update,
        locales.t(lang, "export.choose_format"),
        reply_markup=InlineKeyboardMarkup([buttons]),
    )


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
    caption = locales.t(
        lang,
        "export.caption",
        count=len(data.proposals),
        when=format_datetime(now, context.event.tz, lang),
    )
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(InputFile(content, filename=exporter.filename(data)), caption=caption)
