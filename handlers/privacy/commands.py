"""The data rights of UU 27/2022 in chat: /privasi (the notice), /datasaya (what is kept, with
the complete JSON file) and /hapusdata (erase, after a confirmation). What is collected and
erased is decided in domain/privacy.py; this module only shows it."""

from __future__ import annotations

import io
import json
from datetime import datetime

from telegram import InlineKeyboardMarkup, Update

import locales
from domain.people import profile_text
from domain.privacy import collect_data, delete_user_data, holds_personal_data, notice_text
from handlers.base.callbacks import Callback, Feature, press_of
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import private_only
from handlers.base.keyboards import button
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, edit_or_send, reply
from schedules.timefmt import format_datetime
from storage import audit, consents, participants

CONFIRM = Callback(Feature.DELETION, "yes")


async def privasi(update: Update, context: BotContext) -> None:
    """/privasi: the notice again (nothing personal: fine in groups too)."""
    await reply(update, notice_text(context.event, lang_of(update)))


@private_only(Payload.DATASAYA)
async def datasaya(update: Update, context: BotContext) -> None:
    """/datasaya: a readable summary and the complete JSON file."""
    user = update.effective_user
    assert user is not None
    lang = lang_of(update)
    data = await collect_data(context.db, user.id, context.event.tz)
    profile = await participants.get(context.db, user.id)
    history = await consents.history(context.db, user.id)
    parts = [locales.t(lang, "registration.data_title")]
    if profile is None and not history:
        parts.append(locales.t(lang, "registration.data_none"))
    if profile is not None:
        status = locales.plain(lang, f"registration.status_{profile.status}")
        parts += [locales.t(lang, "registration.data_profile", status=status)]
        if profile.status != "deleted":
            parts.append(profile_text(context.event, lang, profile))
    if history:
        lines = [
            locales.plain(
                lang,
                "registration.data_consent_line",
                version=c["notice_version"],
                given=_moment(context, c["given_at"], lang),
                withdrawn=(
                    locales.plain(
                        lang,
                        "registration.data_withdrawn",
                        withdrawn=_moment(context, c["withdrawn_at"], lang),
                    )
                    if c["withdrawn_at"]
                    else ""
                ),
            )
            for c in history
        ]
        parts.append(locales.t(lang, "registration.data_consents", consents="; ".join(lines)))
    records = _records_line(data, lang)
    if records:
        parts.append(records)
    await reply(update, "\n".join(parts))
    payload = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        io.BytesIO(payload),
        filename=f"{locales.plain(lang, 'lists.data_file')}-{user.id}.json",
        caption=locales.t(lang, "registration.data_file_caption"),
    )
    await audit.record(context.db, user.id, "data_access_self")


# The other records of the copy, counted in the message (the JSON file has them in full).
RECORDS = ("proposals", "attendance", "session_feedback", "certificates", "questions_to_organisers")


def _records_line(data: dict[str, object], lang: str) -> locales.Html | None:
    counts = [(kind, len(value)) for kind in RECORDS if isinstance(value := data.get(kind), list)]
    shown = [  # "_one": English says "1 session rating", "2 session ratings"
        locales.plain(lang, f"registration.data_count_{kind}{'_one' if n == 1 else ''}", n=n)
        for kind, n in counts
        if n
    ]
    return locales.t(lang, "registration.data_records", records=", ".join(shown)) if shown else None


def _moment(context: BotContext, stored: str, lang: str) -> str:
    """A stored ISO time as people read it, in the event's zone (the JSON file keeps ISO)."""
    try:
        return format_datetime(datetime.fromisoformat(stored), context.event.tz, lang)
    except (TypeError, ValueError):
        return str(stored)


@private_only(Payload.HAPUSDATA)
async def hapusdata(update: Update, context: BotContext) -> None:
    """/hapusdata: ask for confirmation first."""
    user = update.effective_user
    assert user is not None
    lang = lang_of(update)
    if not await holds_personal_data(context.db, user.id):
        await reply(update, locales.t(lang, "registration.nothing_to_delete"))
        return
    keyboard = InlineKeyboardMarkup(
        [
            [button(lang, "registration.delete_yes", Feature.DELETION, "yes")],
            [button(lang, "registration.delete_no", Feature.DELETION, "no")],
        ]
    )
    await reply(update, locales.t(lang, "registration.delete_confirm"), reply_markup=keyboard)


async def on_delete_press(update: Update, context: BotContext) -> None:
    """`del:yes` / `del:no`: always about the presser's own data."""
    user = update.effective_user
    if user is None:
        return
    lang = lang_of(update)
    await answer_callback(update)
    if press_of(update) != CONFIRM:
        await edit_or_send(update, locales.t(lang, "registration.delete_kept"))
        return
    removed = await delete_user_data(context.db, user.id)
    key = "registration.deleted" if removed else "registration.nothing_to_delete"
    await edit_or_send(update, locales.t(lang, key), reply_markup=None)
