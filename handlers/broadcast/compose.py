"""The announcement itself: the compose step (a text, a photo or a document, kept with the
organiser's formatting) and the preview, which shows it exactly as recipients will get it."""

from __future__ import annotations

from typing import Any

from telegram import Message

import locales
from domain.audience import Reach, count_line, describe, reach
from domain.delivery.sender import send_payload
from handlers.base.callbacks import Callback
from handlers.base.flows import STAY, Move, Turn, remember_menu
from handlers.base.replies import reply
from handlers.broadcast.keyboards import compose_menu, preview_menu, show_menu

SUMMARY_LENGTH = 120  # of the plain-text summary kept for /siaran and the audit


def header(lang: str) -> locales.Html:
    """The line every announcement starts with, in the recipient's language."""
    return locales.t(lang, "broadcast.header")


# Room the header takes (its longest language, and the blank line after it), so that an
# announcement that passes content_problem still fits Telegram's limit with it.
HEADER_ROOM = max(locales.visible_length(header(lang)) for lang in locales.LANGUAGES) + 2


def with_header(payload: dict[str, Any], lang: str) -> dict[str, Any]:
    """The announcement as one recipient gets it (and the preview shows it): the header,
    then the organiser's text or caption."""
    key = "text" if "text" in payload else "caption"
    body = payload.get(key)
    # The body is Telegram's own HTML of the organiser's message (text_html, caption_html):
    # already safe, kept as it is.
    return {**payload, key: str(header(lang) + (locales.Html("\n\n" + body) if body else ""))}


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


async def ask_compose(turn: Turn) -> None:
    """Back from the preview ("Ubah"): ask for the message that replaces the first one."""
    if "payload" not in turn.data:
        found = await reach(turn.db, turn.context.event, turn.data["audience"])
        await show_compose(turn, found)
        return
    lang = turn.lang
    desc = describe(turn.data["audience"], lang, turn.context.event)
    text = (
        locales.t(lang, "broadcast.audience_chosen", audience=desc)
        + "\n\n"
        + locales.t(lang, "broadcast.ask_new_message")
    )
    await show_menu(turn, text, compose_menu(lang))


async def show_compose(turn: Turn, found: Reach) -> None:
    """Right after the audience is chosen: whom it reaches, and the request for the message.
    `found` is the count the choice was checked with, so the view queries nobody again."""
    lang = turn.lang
    desc = describe(turn.data["audience"], lang, turn.context.event)
    text = (
        locales.t(lang, "broadcast.audience_chosen", audience=desc)
        + "\n"
        + count_line(found, lang)
        + "\n\n"
        + locales.t(lang, "broadcast.ask_message")
    )
    await show_menu(turn, text, compose_menu(lang))


def content_problem(message: Message, lang: str) -> locales.Html | None:
    """Why a message cannot be the announcement: empty (spaces or zero-width marks only), or
    over Telegram's limit for a text (4,096) or a caption (1,024), counted as Telegram counts
    (UTF-16 code units of the text as shown). None when it can."""
    if message.text is not None:
        if locales.is_blank(message.text):
            return locales.t(lang, "broadcast.empty_text")
        length, limit, key = locales.utf16_length(message.text), locales.MESSAGE_LIMIT, "text"
    elif message.caption is not None:
        length, limit, key = locales.utf16_length(message.caption), locales.CAPTION_LIMIT, "caption"
    else:
        return None
    limit -= HEADER_ROOM  # the header goes above it
    if length > limit:
        return locales.t(lang, f"broadcast.{key}_too_long", length=length, limit=limit)
    return None


async def composed(turn: Turn, message: Message) -> Move:
    """Any message at the compose step is the announcement, unless it is something the outbox
    cannot send (a sticker, a voice note...), empty, or too long for Telegram."""
    found = payload_of(message)
    if found is None:
        await reply(turn.update, locales.t(turn.lang, "broadcast.bad_content"))
        return STAY
    problem = content_problem(message, turn.lang)
    if problem is not None:
        await reply(turn.update, problem)
        return STAY
    payload, summary = found
    turn.data.update(payload=payload, summary=summary[:SUMMARY_LENGTH])
    return Move(to="preview")  # committed before the preview goes out


async def ask_preview(turn: Turn) -> None:
    """The announcement as recipients will see it, then the question with its buttons."""
    chat = turn.update.effective_chat
    if chat is None:
        return
    lang, event = turn.lang, turn.context.event
    await chat.send_message(locales.t(lang, "broadcast.preview_title"))
    await send_payload(turn.context.bot, chat.id, with_header(turn.data["payload"], lang))
    audience = turn.data["audience"]
    text = (
        locales.t(lang, "broadcast.preview_question", audience=describe(audience, lang, event))
        + "\n"
        + count_line(await reach(turn.db, event, audience), lang)
    )
    menu = preview_menu(lang)
    control = await chat.send_message(text, reply_markup=menu)
    await remember_menu(turn, control, menu)


async def edit(turn: Turn, _press: Callback) -> Move:
    """The "Ubah" button: back to the compose step, keeping the audience (and the old message
    until a new one comes)."""
    return Move(to="compose")


async def go(turn: Turn, _press: Callback) -> Move:
    """The "Kirim" button: on to the question of when."""
    return Move(to="when")
