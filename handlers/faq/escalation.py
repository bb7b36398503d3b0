""" "Tanya panitia" and what follows: the question goes to every organiser, an organiser's
REPLY to that copy is delivered to the asker through the durable outbox, and /faqbelum lists
the questions the FAQ could not answer."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Update, User
from telegram.error import TelegramError

import locales
from domain import roles
from domain.faq.facts import facts_for_user
from handlers.base.callbacks import press_of
from handlers.base.context import BotContext, display_name, is_organiser, is_private, lang_of
from handlers.base.guards import organisers_only
from handlers.base.replies import answer_callback, edit_or_send, expired, reply
from locales import Html, split_messages
from schedules.timefmt import format_datetime
from storage import faq_log, participants, users
from storage.outbox import OutgoingMessage

log = logging.getLogger(__name__)

LIST_LIMIT = 20
SNIPPET = 200
STATUS_KEYS = {"unsure": "faq.status_open", "escalated": "faq.status_escalated"}


async def on_ask(update: Update, context: BotContext) -> None:
    """ "Tanya panitia" (faq:ask:<number>): only the asker may press it, and only once."""
    press = press_of(update)
    number = press.int_arg() if press is not None else None
    user = update.effective_user
    lang = lang_of(update)
    logged = await faq_log.get(context.db, number) if number is not None else None
    if user is None or logged is None:
        await expired(update)
        return
    if logged.user_id != user.id:
        await expired(update, "faq.not_yours")
        return
    if not await faq_log.escalate(context.db, logged.id):
        await expired(update, "faq.already_escalated")
        return
    await answer_callback(update)
    reached = await _forward_to_organisers(context, logged, await _asker(context, user))
    if reached:
        await edit_or_send(update, locales.t(lang, "faq.escalated"))
    else:
        facts = await facts_for_user(
            context.db, context.event, context.services.clock.now(), lang, None
        )
        await edit_or_send(
            update, locales.t(lang, "faq.nobody_reachable", contacts=Html(facts["contacts"]))
        )


async def _asker(context: BotContext, user: User) -> str:
    """Who asks, as organisers know them: the registered name and office ("Dina Marlina,
    Dinas Sosial"), else the Telegram name of someone not registered."""
    person = await participants.get(context.db, user.id)
    if person is None or not person.is_registered or not person.full_name:
        return display_name(user)
    office = context.event.office_name(person.opd_id, person.opd_other)
    return f"{person.full_name}, {office}" if office else person.full_name


async def _forward_to_organisers(
    context: BotContext, logged: faq_log.LoggedQuestion, name: str
) -> int:
    """Send the question to each organiser; remember each copy. Returns how many got it."""
    reached = 0
    for organiser_id in sorted(await roles.organiser_ids(context.settings, context.db)):
        lang = await users.language(context.db, organiser_id) or locales.DEFAULT_LANGUAGE
        text = locales.t(
            lang, "faq.to_organiser", number=logged.id, name=name, question=logged.question
        )
        try:
            sent = await context.bot.send_message(organiser_id, text)
        except TelegramError as exc:  # never started the bot, blocked it, ...
            log.info("FAQ question %s not delivered to organiser: %s", logged.id, exc)
            continue
        await faq_log.add_forward(context.db, sent.chat_id, sent.message_id, logged.id)
        reached += 1
    return reached


async def on_private_reply(update: Update, context: BotContext) -> None:
    """A private reply: an organiser answering a forwarded question, else an ordinary message
    (the flow in progress or the FAQ)."""
    message, user = update.effective_message, update.effective_user
    replied = message.reply_to_message if message else None
    logged = None
    if message is not None and replied is not None and user is not None:
        logged = await faq_log.by_forward(context.db, message.chat_id, replied.message_id)
        if logged is not None and not await is_organiser(context, user.id):
            logged = None
    if logged is None or message is None or user is None:
        await context.services.flows.on_private_message(update, context)
        return
    lang = lang_of(update)
    answer = message.text or ""
    if locales.is_blank(answer):
        await reply(update, locales.t(lang, "faq.reply_text_only"))
        return
    text = locales.t(
        logged.language, "faq.answer_from_organiser", question=logged.question, answer=answer
    )
    # The participant gets the answer with their question above it: all of it must fit one
    # message, so the answer is refused here rather than failing later in the outbox.
    room = locales.MESSAGE_LIMIT - (locales.visible_length(text) - locales.utf16_length(answer))
    if locales.utf16_length(answer) > room:
        length = locales.utf16_length(answer)
        await reply(update, locales.t(lang, "faq.reply_too_long", length=length, limit=room))
        return
    await faq_log.record_answer(context.db, logged.id, answer, user.id)
    sender = context.services.sender
    assert sender is not None  # created in bot.startup, before updates are taken
    await sender.enqueue(
        [
            OutgoingMessage(
                kind="faq_answer",
                chat_id=logged.chat_id,
                payload={"text": text},
                ref=str(logged.id),
                dedupe_key=f"faq-answer:{message.chat_id}:{message.message_id}",
            )
        ]
    )
    await reply(update, locales.t(lang, "faq.reply_sent", number=logged.id))


def _snippet(text: str) -> str:
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


@organisers_only
async def unanswered(update: Update, context: BotContext) -> None:
    """/faqbelum: the latest questions the FAQ could not answer, newest first."""
    lang = lang_of(update)
    if not is_private(update):
        await reply(update, locales.t(lang, "common.private_only"))
        return
    rows = await faq_log.latest(context.db, LIST_LIMIT)
    if not rows:
        await reply(update, locales.t(lang, "faq.unanswered_empty"))
        return
    items: list[Html] = []
    for row in rows:
        asked = datetime.fromisoformat(row.asked_at)
        item = locales.t(
            lang,
            "faq.unanswered_item",
            number=row.id,
            when=format_datetime(asked, context.event.tz, lang),
            status=locales.plain(lang, STATUS_KEYS.get(row.status, "faq.status_answered")),
            question=_snippet(row.question),
        )
        if row.answer:
            item += "\n" + locales.t(lang, "faq.unanswered_reply", answer=_snippet(row.answer))
        items.append(item)
    title = locales.t(lang, "faq.unanswered_title", count=len(items))
    # As many messages as the list needs, each within Telegram's limit.
    for text in split_messages([title, *items]):
        await reply(update, Html(text))
