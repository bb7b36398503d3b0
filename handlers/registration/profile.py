"""/profil: the registered profile with a button per field; `prof:edit:<field>` changes that
one field through the registration's own step (handlers/registration/steps.py)."""

from __future__ import annotations

from telegram import Update

import locales
from domain.people import FIELDS
from handlers.base.callbacks import press_of
from handlers.base.context import BotContext, lang_of
from handlers.base.flows import begin
from handlers.base.guards import private_only
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, expired, reply
from handlers.registration import steps, views
from storage import participants


@private_only(Payload.PROFIL)
async def profil(update: Update, context: BotContext) -> None:
    """/profil: the profile with a button per field."""
    user = update.effective_user
    assert user is not None
    lang = lang_of(update)
    profile = await participants.get(context.db, user.id)
    if profile is None or not profile.is_registered:
        await reply(update, locales.t(lang, "registration.not_registered"))
        return
    text, keyboard = views.profile_view(context, lang, profile)
    await reply(update, text, reply_markup=keyboard)


async def on_profile_press(update: Update, context: BotContext) -> None:
    """`prof:edit:<field>`: change one field of the presser's own registered profile."""
    user = update.effective_user
    press = press_of(update, arity=1)
    if user is None or press is None:
        return
    field = press.arg() if press.action == "edit" else ""
    profile = await participants.get(context.db, user.id)
    if field not in FIELDS or profile is None or not profile.is_registered:
        await expired(update)
        return
    await answer_callback(update)
    await begin(update, context, steps.FLOW, field, {steps.FROM_PROFILE: True})
