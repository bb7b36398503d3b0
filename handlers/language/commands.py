"""/bahasa and /language: two buttons, Bahasa Indonesia and English. A press stores the choice
(it wins over Telegram's language from then on), says so in the chosen language and sets the
person's command menu in it."""

from __future__ import annotations

from telegram import Update

import locales
from handlers.base import menus
from handlers.base.callbacks import Feature, press_of
from handlers.base.context import BotContext, choose_language, is_private, lang_of
from handlers.base.guards import private_only
from handlers.base.keyboards import language_buttons
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, edit_or_send, expired, reply

SET = "set"  # lang:set:<id|en>


@private_only(Payload.BAHASA)
async def bahasa(update: Update, context: BotContext) -> None:
    lang = lang_of(update)
    current = locales.plain(lang, "language.name")
    await reply(
        update,
        locales.t(lang, "language.ask", current=current),
        reply_markup=language_buttons(Feature.LANGUAGE, SET),
    )


async def on_choice(update: Update, context: BotContext) -> None:
    press = press_of(update)
    user = update.effective_user
    choice = press.arg() if press is not None else ""
    if user is None or choice not in locales.LANGUAGES or not is_private(update):
        await expired(update)
        return
    await choose_language(context.db, user.id, choice)
    await answer_callback(update)
    await edit_or_send(update, locales.t(choice, "language.chosen"))
    await menus.set_own_menu(context.app, user.id)
