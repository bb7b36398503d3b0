"""The FAQ in the chat: /faq menus, free-text questions, "Tanya panitia" and /faqbelum.

Matching lives in locales/faq.py, the facts the answers are filled with in schedules/facts.py.
Questions the FAQ is not sure about are logged (storage/faq_log.py); "Tanya panitia" sends a
copy to every organiser, and an organiser's REPLY to that copy is delivered to the asker
through the durable outbox.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

import locales
from domain import roles
from domain.faq.book import FaqBook, FaqEntry, FaqMatch, answer_question, load_books
from domain.faq.facts import facts_for_user
from domain.faq.text import normalise
from handlers.base.context import BotContext, display_name, is_organiser, is_private, lang_of
from handlers.base.guards import organisers_only
from handlers.base.replies import answer_callback, edit_or_send, reply
from locales import Html
from schedules.timefmt import format_datetime
from storage import faq_log, users
from storage.outbox import OutgoingMessage

log = logging.getLogger(__name__)

PATTERN = r"^faq:"
LIST_LIMIT = 20
LIST_MAX_CHARS = 3800  # below Telegram's 4096, with room for the title
SNIPPET = 200


def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Greetings, thanks and acknowledgements are not questions: answering them with "not sure"
# and a "Tanya panitia" button would invite sending "halo" to the organisers.
_SMALL_TALK = {
    "thanks": _vocab("terima kasih makasih makasi trims tq thx thanks thank you nuwun matur suwun"),
    "hello": _vocab(
        "halo hallo hai hi hello hey pagi siang sore malam selamat good morning afternoon "
        "evening assalamualaikum assalamu alaikum salam wr wb permisi"
    ),
    "ok": _vocab("ok oke okay siap baik noted sip mantap"),
}
_FILLER = _vocab(
    "ya iya nggih injih pak bu bapak ibu mas mbak kak min admin sir madam all semua "
    "semuanya banyak sekali much very so juga"
)


def book(lang: str) -> FaqBook:
    books = load_books()
    return books.get(lang) or books["id"]


# --- menus ---------------------------------------------------------------------------------


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def _home(lang: str, group_bot: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """The categories; in a group (``group_bot`` = the bot's username) the hint says to
    mention the bot, since plain group messages are not answered."""
    rows = [[_button(title, f"faq:c:{cid}")] for cid, title in book(lang).categories]
    text = (
        locales.t(lang, "faq.menu_group", bot_username=group_bot)
        if group_bot
        else locales.t(lang, "faq.menu")
    )
    return text, InlineKeyboardMarkup(rows)


def _group_bot(update: Update, context: BotContext) -> str | None:
    return None if is_private(update) else context.bot.username


def _category(lang: str, category_id: str) -> tuple[str, InlineKeyboardMarkup] | None:
    faq = book(lang)
    title = dict(faq.categories).get(category_id)
    if title is None:
        return None
    rows = [[_button(e.question, f"faq:q:{e.id}")] for e in faq.in_category(category_id)]
    rows.append([_button(locales.plain(lang, "common.back"), "faq:h")])
    return locales.t(lang, "faq.category", title=title), InlineKeyboardMarkup(rows)


async def _answer_text(update: Update, context: BotContext, entry: FaqEntry, lang: str) -> Html:
    user = update.effective_user
    facts = await facts_for_user(
        context.db,
        context.event,
        context.services.clock.now(),
        lang,
        user.id if user else None,
        private=is_private(update),
    )
    return locales.t(lang, "faq.answer", question=entry.question, answer=Html(entry.render(facts)))


async def faq_command(update: Update, context: BotContext) -> None:
    """/faq: the categories."""
    text, markup = _home(lang_of(update), _group_bot(update, context))
    await reply(update, text, reply_markup=markup)


async def start_faq(update: Update, context: BotContext) -> None:
    """/start faq (deep link): the same as /faq."""
    await faq_command(update, context)


async def on_callback(update: Update, context: BotContext) -> None:
    """Every `faq:` button: h (home), c:<category>, q:<id> (in the menu), s:<id> (a
    suggestion: answered in a new message), ask:<number> (Tanya panitia)."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    lang = lang_of(update)
    kind, _, arg = query.data.removeprefix("faq:").partition(":")
    if kind == "ask" and arg.isdigit():
        await _escalate(update, context, int(arg), lang)
        return
    if kind == "h":
        text, markup = _home(lang, _group_bot(update, context))
        await answer_callback(update)
        await edit_or_send(update, text, reply_markup=markup)
        return
    if kind == "c" and (page := _category(lang, arg)) is not None:
        await answer_callback(update)
        await edit_or_send(update, page[0], reply_markup=page[1])
        return
    entry = book(lang).get(arg) if kind in ("q", "s") else None
    if entry is None:
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
        return
    await answer_callback(update)
    text = await _answer_text(update, context, entry, lang)
    if kind == "s":
        await reply(update, text)
        return
    back = [
        [_button(locales.plain(lang, "common.back"), f"faq:c:{entry.category}")],
        [_button(locales.plain(lang, "faq.back_categories"), "faq:h")],
    ]
    await edit_or_send(update, text, reply_markup=InlineKeyboardMarkup(back))


# --- free-text questions -------------------------------------------------------------------


async def on_private_text(update: Update, context: BotContext) -> None:
    """Fallback of handlers/flows: a private message outside any flow."""
    message = update.effective_message
    if message is None or not (message.text or "").strip():
        await reply(update, locales.t(lang_of(update), "common.stray_message"))
        return
    await answer(update, context, message.text)


def _addressed_text(message: Message, bot_id: int, username: str) -> str | None:
    """The question in a group message meant for the bot (mentioned or replied to), else None."""
    text = message.text or ""
    mention = re.compile(rf"@{re.escape(username)}\b", re.IGNORECASE)
    replied = message.reply_to_message
    to_bot = (
        replied is not None and replied.from_user is not None and replied.from_user.id == bot_id
    )
    if not (to_bot or mention.search(text)):
        return None
    return mention.sub(" ", text).strip()


async def on_group_text(update: Update, context: BotContext) -> None:
    """A text message in a group: answered only when the bot is mentioned or replied to."""
    message = update.effective_message
    if message is None:
        return
    question = _addressed_text(message, context.bot.id, context.bot.username)
    if question is None:
        return
    if not question:
        lang = lang_of(update)
        await message.reply_text(
            locales.t(lang, "faq.mention_hint", bot_username=context.bot.username)
        )
        return
    await answer(update, context, question)


async def answer(update: Update, context: BotContext, question: str) -> FaqMatch:
    """Answer a question, or say "not sure" with the closest questions and "Tanya panitia"
    (the question is logged first, so the button can refer to it)."""
    lang = lang_of(update)
    match = answer_question(question, lang)
    if match.entry is None and (kind := small_talk(question)) is not None:
        await _send(update, locales.t(lang, f"faq.small_talk_{kind}"))
        return match
    if match.entry is not None:
        await _send(update, await _answer_text(update, context, match.entry, lang))
        return match
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return match
    best = match.candidates[0].id if match.candidates else None
    number = await faq_log.add(
        context.db, user.id, chat.id, lang, question[:2000], best, match.score
    )
    rows = [[_button(e.question, f"faq:s:{e.id}")] for e in match.candidates[:3]]
    rows.append([_button(locales.plain(lang, "faq.ask_organiser"), f"faq:ask:{number}")])
    key = "faq.not_sure" if match.candidates else "faq.not_sure_none"
    await _send(update, locales.t(lang, key), InlineKeyboardMarkup(rows))
    return match


def small_talk(text: str) -> str | None:
    """The kind of a message that is only thanks, a greeting or an acknowledgement (with
    "pak", "bu", ... around it): "thanks", "hello" or "ok"; None for anything else."""
    words = set(normalise(text).split())
    known = _FILLER.union(*_SMALL_TALK.values())
    if not words or not words <= known:
        return None
    return next((kind for kind, vocab in _SMALL_TALK.items() if words & vocab), "hello")


async def _send(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """In a group, answer as a reply to the question so that it is clear whom it is for."""
    message = update.effective_message
    if message is not None and not is_private(update):
        await message.reply_text(text, reply_markup=markup)
    else:
        await reply(update, text, reply_markup=markup)


# --- escalation to the organisers ----------------------------------------------------------


async def _escalate(update: Update, context: BotContext, number: int, lang: str) -> None:
    """ "Tanya panitia": only the asker may press it, and only once."""
    user = update.effective_user
    logged = await faq_log.get(context.db, number)
    if user is None or logged is None:
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
        return
    if logged.user_id != user.id:
        await answer_callback(update, locales.plain(lang, "faq.not_yours"), alert=True)
        return
    if not await faq_log.escalate(context.db, number):
        await answer_callback(update, locales.plain(lang, "faq.already_escalated"), alert=True)
        return
    await answer_callback(update)
    reached = await _forward_to_organisers(context, logged, display_name(user))
    if reached:
        await edit_or_send(update, locales.t(lang, "faq.escalated"))
    else:
        facts = await facts_for_user(
            context.db, context.event, context.services.clock.now(), lang, None
        )
        await edit_or_send(
            update, locales.t(lang, "faq.nobody_reachable", contacts=Html(facts["contacts"]))
        )


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
    if not (message.text or "").strip():
        await reply(update, locales.t(lang, "faq.reply_text_only"))
        return
    await faq_log.record_answer(context.db, logged.id, message.text, user.id)
    text = locales.t(
        logged.language,
        "faq.answer_from_organiser",
        question=logged.question,
        answer=message.text,
    )
    await context.services.sender.enqueue(
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


# --- /faqbelum -----------------------------------------------------------------------------


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
    items: list[str] = []
    used = 0
    for row in rows:
        status = "faq.status_answered"
        if row.status == "unsure":
            status = "faq.status_open"
        elif row.status == "escalated":
            status = "faq.status_escalated"
        asked = datetime.fromisoformat(row.asked_at)
        item = locales.t(
            lang,
            "faq.unanswered_item",
            number=row.id,
            when=format_datetime(asked, context.event.tz, lang),
            status=locales.plain(lang, status),
            question=_snippet(row.question),
        )
        if row.answer:
            item += "\n" + locales.t(lang, "faq.unanswered_reply", answer=_snippet(row.answer))
        if used + len(item) > LIST_MAX_CHARS:
            break
        items.append(item)
        used += len(item) + 2
    title = locales.t(lang, "faq.unanswered_title", count=len(items))
    await reply(update, title + "\n\n" + "\n\n".join(items))
