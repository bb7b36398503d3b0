"""Free-text questions: in a private chat outside any flow, in a group when the bot is
mentioned or replied to. A sure match is answered at once; otherwise the question is logged
(storage/faq_log.py) and the closest questions are offered with "Tanya panitia". Thanks,
greetings and acknowledgements get a short reply of their own."""

from __future__ import annotations

import re

from telegram import InlineKeyboardMarkup, Message, Update

import locales
from domain.faq.book import FaqMatch, answer_question
from domain.faq.book import ready as books_ready
from domain.faq.intent import is_noise, reads_as_question
from domain.faq.text import normalise
from domain.offices import office_names
from handlers.base.callbacks import Feature
from handlers.base.context import BotContext, is_private, lang_of
from handlers.base.keyboards import button, labelled
from handlers.base.links import Payload, private_chat_button
from handlers.base.replies import reply
from handlers.faq.commands import Action, answer_body, answer_text
from storage import faq_log


def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Greetings, thanks and acknowledgements are not questions: answering them with "not sure"
# and a "Tanya panitia" button would invite sending "halo" to the organisers.
_SMALL_TALK = {
    "thanks": _vocab("terima kasih makasih makasi trims tq thx thanks thank you nuwun matur suwun"),
    # The Islamic greeting is answered in kind ("Waalaikumsalam"), before plain greetings.
    "salam": _vocab("assalamualaikum assalamu alaikum assalamualaikum wr wb salam"),
    "hello": _vocab(
        "halo hallo hai hi hello hey pagi siang sore malam selamat good morning afternoon "
        "evening permisi"
    ),
    "ok": _vocab("ok oke okay siap baik noted sip mantap"),
}
# At most this many words around a "terima kasih" still make it a thanks and not a question.
THANKS_WORDS = 6
_FILLER = _vocab(
    "ya iya nggih injih pak bu bapak ibu mas mbak kak min admin sir madam all semua "
    "semuanya banyak sekali much very so juga"
)


async def on_private_text(update: Update, context: BotContext) -> None:
    """Fallback of handlers/base/flows: a private message outside any flow."""
    message = update.effective_message
    text = (message.text or "") if message is not None else ""
    if not text.strip():
        await reply(update, locales.t(lang_of(update), "common.stray_message"))
        return
    await answer(update, context, text)


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
    await books_ready()  # just after start-up the index may still be loading
    match = answer_question(question, lang, office_names(context.event))
    if match.entry is None and is_noise(question):
        await _send(update, locales.t(lang, "forgiving.nudge"))
        return match
    kind = small_talk(question)
    # Thanks is never a question ("terima kasih infonya" is not about "info").
    if kind is not None and (match.entry is None or kind == "thanks"):
        await _send(update, locales.t(lang, f"faq.small_talk_{kind}"))
        return match
    if match.entry is not None:
        markup = None
        if match.entry.is_personal and not is_private(update):
            markup = private_chat_button(context.bot.username, lang, Payload.PROFIL)
        await _send(update, await answer_text(update, context, match.entry, lang), markup)
        return match
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return match
    best = match.candidates[0].id if match.candidates else None
    number = await faq_log.add(
        context.db, user.id, chat.id, lang, question[:2000], best, match.score
    )
    if match.maybe and match.candidates:
        await _maybe(update, context, match, number, lang)
        return match
    rows = [
        [labelled(e.question, Feature.FAQ, Action.SUGGESTION, e.id)] for e in match.candidates[:3]
    ]
    rows.append([button(lang, "faq.ask_organiser", Feature.FAQ, Action.ASK, number)])
    key = "faq.not_sure" if match.candidates else "faq.not_sure_none"
    await _send(update, locales.t(lang, key), InlineKeyboardMarkup(rows))
    return match


async def _maybe(
    update: Update, context: BotContext, match: FaqMatch, number: int, lang: str
) -> None:
    """A strong but unsure first candidate: "Mungkin maksud Bapak/Ibu: <question>?" with its
    answer, then the other two candidates and "Tanya panitia" (the question is logged, as
    for "not sure", so that the organisers can still be asked)."""
    first, others = match.candidates[0], match.candidates[1:3]
    answer = await answer_body(update, context, first, lang)
    await _send(update, locales.t(lang, "faq_more.maybe", question=first.question, answer=answer))
    rows = [[labelled(e.question, Feature.FAQ, Action.SUGGESTION, e.id)] for e in others]
    rows.append([button(lang, "faq.ask_organiser", Feature.FAQ, Action.ASK, number)])
    await _send(update, locales.t(lang, "faq_more.maybe_others"), InlineKeyboardMarkup(rows))


def small_talk(text: str) -> str | None:
    """The kind of a message that is only thanks, a greeting or an acknowledgement (with
    "pak", "bu", ... around it): "thanks", "hello" or "ok"; None for anything else. A short
    thanks for something ("terima kasih infonya", "makasih atas jawabannya") is thanks too,
    unless it asks something."""
    words = set(normalise(text).split())
    known = _FILLER.union(*_SMALL_TALK.values())
    if words & _SMALL_TALK["thanks"] and len(words) <= THANKS_WORDS and not reads_as_question(text):
        return "thanks"
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
