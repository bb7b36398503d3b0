"""/daftar (and /start daftar), and the registration offered after a bare /start."""

from __future__ import annotations

from telegram import Update

import locales
from domain import people
from handlers.base.context import BotContext, is_organiser, is_private, lang_of
from handlers.base.flows import begin, current_turn
from handlers.base.guards import private_only
from handlers.base.links import Payload
from handlers.base.replies import reply
from handlers.registration import steps
from storage import consents, flows, participants, users


async def start_or_resume(update: Update, context: BotContext) -> None:
    """Start or resume the registration of the user behind `update` (private chat)."""
    user = update.effective_user
    if user is None:
        return
    lang = lang_of(update)
    turn = await current_turn(update, context, steps.FLOW)
    profile = await participants.get(context.db, user.id)
    if turn is not None and not turn.data.get(steps.FROM_PROFILE):
        await steps.show(turn, prefix=resume_text(context, lang, turn.state.step, profile))
        return
    if profile is not None and profile.is_registered:
        await reply(update, locales.t(lang, "registration.already_registered"))
        return
    first = "consent"
    # Consent already given (a registration stopped with /batal): on to the first gap.
    if (
        profile is not None
        and profile.status == "draft"
        and await consents.active(context.db, user.id)
    ):
        first = people.missing_field(profile) or "summary"
    elif not telegram_in_indonesian(update) and await users.offer_language_once(
        context.db, user.id
    ):
        first = "language"  # once, briefly, before the notice: Bahasa Indonesia or English
    await begin(update, context, steps.FLOW, first, {})


def telegram_in_indonesian(update: Update) -> bool:
    user = update.effective_user
    return bool(user and user.language_code and user.language_code.lower().startswith("id"))


def resume_text(
    context: BotContext, lang: str, step: str, profile: participants.Participant | None
) -> locales.Html:
    """Where a registration in progress is: what it has stored so far (the summary shows it
    itself), above the question it is at."""
    stored = people.profile_so_far(context.event, lang, profile) if profile else ""
    if not stored or step == "summary":
        return locales.t(lang, "registration.resume")
    return locales.t(lang, "registration.resume_so_far", profile=stored)


@private_only(Payload.DAFTAR)
async def daftar(update: Update, context: BotContext) -> None:
    """/daftar and the deep link /start daftar."""
    await start_or_resume(update, context)


async def offer(update: Update, context: BotContext) -> None:
    """After the welcome of a bare /start in a private chat: registration for an unregistered
    user. Organisers and admins are not asked to register (they still can, with /daftar)."""
    user = update.effective_user
    if user is None or not is_private(update) or await is_organiser(context, user.id):
        return
    profile = await participants.get(context.db, user.id)
    state = await flows.get(context.db, user.id)
    if (profile is None or not profile.is_registered) and (
        state is None or state.flow == steps.FLOW.name
    ):
        await start_or_resume(update, context)
