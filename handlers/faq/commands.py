"""The FAQ in the chat: /faq menus and their buttons, and the answer message they share with
free-text questions (handlers/faq/questions.py).

Matching lives in domain/faq/ (book.py, index.py, text.py), the facts the answers are filled
with in domain/faq/facts.py."""

from __future__ import annotations

from enum import StrEnum

from telegram import InlineKeyboardMarkup, Update

import locales
from domain.faq.book import FaqEntry, book_for
from domain.faq.book import ready as books_ready
from domain.faq.facts import facts_for_user
from handlers.base.callbacks import Feature, press_of
from handlers.base.context import BotContext, is_private, lang_of
from handlers.base.keyboards import button, labelled
from handlers.base.replies import answer_callback, edit_or_send, expired, reply
from locales import Html


class Action(StrEnum):
    """The actions of the `faq:` buttons."""

    HOME = "h"  # the categories
    CATEGORY = "c"  # c:<category>: its questions
    QUESTION = "q"  # q:<id>: the answer, in the menu message
    SUGGESTION = "s"  # s:<id>: one of the closest questions, answered in a new message
    ASK = "ask"  # ask:<number>: "Tanya panitia" (handlers/faq/escalation.py)


async def answer_text(update: Update, context: BotContext, entry: FaqEntry, lang: str) -> Html:
    """The answer to an entry under its question, filled with the facts for this user and chat."""
    body = await answer_body(update, context, entry, lang)
    return locales.t(lang, "faq.answer", question=entry.question, answer=body)


async def answer_body(update: Update, context: BotContext, entry: FaqEntry, lang: str) -> Html:
    """The answer to an entry alone, filled with the facts for this user and chat."""
    user = update.effective_user
    facts = await facts_for_user(
        context.db,
        context.event,
        context.services.clock.now(),
        lang,
        user.id if user else None,
        private=is_private(update),
    )
    return Html(entry.render(facts))


def _home(lang: str, group_bot: str | None = None) -> tuple[str, InlineKeyboardMarkup]:
    """The categories; in a group (``group_bot`` = the bot's username) the hint says to
    mention the bot, since plain group messages are not answered."""
    rows = [
        [labelled(title, Feature.FAQ, Action.CATEGORY, cid)]
        for cid, title in book_for(lang).categories
    ]
    text = (
        locales.t(lang, "faq.menu_group", bot_username=group_bot)
        if group_bot
        else locales.t(lang, "faq.menu")
    )
    return text, InlineKeyboardMarkup(rows)


def _group_bot(update: Update, context: BotContext) -> str | None:
    return None if is_private(update) else context.bot.username


def _category(lang: str, category_id: str) -> tuple[str, InlineKeyboardMarkup] | None:
    faq = book_for(lang)
    title = dict(faq.categories).get(category_id)
    if title is None:
        return None
    rows = [
        [labelled(e.question, Feature.FAQ, Action.QUESTION, e.id)]
        for e in faq.in_category(category_id)
    ]
    rows.append([button(lang, "common.back", Feature.FAQ, Action.HOME)])
    return locales.t(lang, "faq.category", title=title), InlineKeyboardMarkup(rows)


async def faq_command(update: Update, context: BotContext) -> None:
    """/faq and /start faq: the categories."""
    await books_ready()
    text, markup = _home(lang_of(update), _group_bot(update, context))
    await reply(update, text, reply_markup=markup)


async def on_callback(update: Update, context: BotContext) -> None:
    """Every `faq:` button but "Tanya panitia": the categories, one category, an answer in
    the menu, or a suggestion answered in a new message."""
    press = press_of(update, 1)
    if press is None:
        return
    lang = lang_of(update)
    await books_ready()
    if press.action == Action.HOME:
        text, markup = _home(lang, _group_bot(update, context))
        await answer_callback(update)
        await edit_or_send(update, text, reply_markup=markup)
        return
    if press.action == Action.CATEGORY and (page := _category(lang, press.arg())) is not None:
        await answer_callback(update)
        await edit_or_send(update, page[0], reply_markup=page[1])
        return
    answers = (Action.QUESTION, Action.SUGGESTION)
    entry = book_for(lang).get(press.arg()) if press.action in answers else None
    if entry is None:
        await expired(update)
        return
    await answer_callback(update)
    text = await answer_text(update, context, entry, lang)
    if press.action == Action.SUGGESTION:
        await reply(update, text)
        return
    back = [
        [button(lang, "common.back", Feature.FAQ, Action.CATEGORY, entry.category)],
        [button(lang, "faq.back_categories", Feature.FAQ, Action.HOME)],
    ]
    await edit_or_send(update, text, reply_markup=InlineKeyboardMarkup(back))
