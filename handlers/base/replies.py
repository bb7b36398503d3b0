"""Replying: in the chat of the update, to a button press, by editing the pressed menu."""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest

import locales
from handlers.base.context import lang_of
from locales import CAPTION_LIMIT, visible_length


async def reply(update: Update, text: str, **kwargs: Any) -> None:
    """Answer in the chat the update came from (message or button press)."""
    chat = update.effective_chat
    if chat is not None:
        await chat.send_message(text, **kwargs)


async def answer_callback(update: Update, text: str | None = None, alert: bool = False) -> None:
    """Acknowledge a button press; an already-answered or too-old query is not an error."""
    if update.callback_query is None:
        return
    with contextlib.suppress(BadRequest):
        await update.callback_query.answer(text, show_alert=alert)


async def expired(update: Update, key: str = "common.expired") -> None:
    """Answer a button that no longer means anything (old, forged, or not for this person)
    with a short alert; nothing changes."""
    await answer_callback(update, locales.plain(lang_of(update), key), alert=True)


async def edit_or_send(update: Update, text: str, **kwargs: Any) -> None:
    """Edit the message whose button was pressed, or send a new one.

    A text message gets its text edited; a photo or document (an announcement's preview)
    its caption, or only its buttons when the text would not fit a caption. An edit that
    would change nothing is not sent at all ("message is not modified")."""
    query = update.callback_query
    message = query.message if query is not None else None
    if query is not None and isinstance(message, Message):
        markup = kwargs.get("reply_markup")
        try:
            if message.text is not None:
                if message.text_html == text and message.reply_markup == markup:
                    return
                await query.edit_message_text(text, **kwargs)
            elif message.caption is not None or message.effective_attachment:
                await _edit_media_message(query, message, text, markup)
            else:
                await reply(update, text, **kwargs)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
    await reply(update, text, **kwargs)


async def _edit_media_message(
    query: CallbackQuery, message: Message, text: str, markup: Any
) -> None:
    """A media message has no text to edit: its caption becomes the text when it fits
    Telegram's caption limit; otherwise only its buttons change."""
    if visible_length(text) <= CAPTION_LIMIT:
        if message.caption_html != text or message.reply_markup != markup:
            await query.edit_message_caption(caption=text, reply_markup=markup)
    elif message.reply_markup != markup:
        await query.edit_message_reply_markup(reply_markup=markup)


def unreadable_file(update: Update) -> locales.Html | None:
    """ "Belum dapat membaca berkas laporan.pdf": the line for a document sent where it is not
    taken, naming the file (None for anything that is not a document)."""
    message = update.effective_message
    document = message.document if message is not None else None
    if document is None:
        return None
    lang = lang_of(update)
    if document.file_name:
        return locales.t(lang, "forgiving.media_document", name=document.file_name[:80])
    return locales.t(lang, "forgiving.media_document_unnamed")


async def refuse(update: Update, key: str) -> None:
    """Politely refuse; for a button press, as a callback answer so no chat noise is added."""
    text = locales.plain(lang_of(update), key)
    if update.callback_query is not None:
        await answer_callback(update, text, alert=True)
    else:
        await reply(update, locales.t(lang_of(update), key))
