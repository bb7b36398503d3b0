"""/usul and /usulanku (also as /start usul and /start usulanku): where a participant enters
the proposal form and their own proposals.

/usul resumes the form in progress, else the latest draft, else starts a new draft; the form
itself is the flow in handlers/proposals/steps.py. Both commands are for registered
participants only, in the private chat."""

from __future__ import annotations

from telegram import Update

import locales
from handlers.base.context import BotContext, lang_of
from handlers.base.flows import ask_current, begin, current_turn
from handlers.base.guards import private_only
from handlers.base.links import Payload
from handlers.base.replies import reply
from handlers.proposals import mine, views
from handlers.proposals.steps import FLOW, first_missing, open_or_say
from schedules.event import Event
from storage import participants
from storage import proposals as store
from storage.participants import Participant


async def registered(
    update: Update, context: BotContext, refusal: str = "proposals.not_registered"
) -> Participant | None:
    """Only registered participants propose; others are pointed to /daftar."""
    user = update.effective_user
    profile = await participants.get(context.db, user.id) if user else None
    if profile is None or not profile.is_registered:
        await reply(update, locales.t(lang_of(update), refusal))
        return None
    return profile


def _defaults(event: Event, profile: Participant) -> dict[str, object]:
    """The participant's dimension group prefills the form."""
    fields: dict[str, object] = {}
    if event.dimension(profile.dimension) is not None:
        fields["dimension"] = profile.dimension
    return fields


@private_only(Payload.USUL)
async def usul_command(update: Update, context: BotContext) -> None:
    """/usul and /start usul: resume the form in progress, else a draft, else a new one."""
    user = update.effective_user
    lang = lang_of(update)
    profile = await registered(update, context)
    if user is None or profile is None:
        return
    if not await open_or_say(update, context):
        return
    if await resume_open_form(update, context):
        return
    draft = await store.latest_draft(context.db, user.id)
    fresh = draft is None
    if draft is None:
        limit = context.event.proposals.max_per_participant
        if await store.count_submitted(context.db, user.id) >= limit:
            await reply(update, locales.t(lang, "proposals.limit_reached", limit=limit))
            return
        defaults = _defaults(context.event, profile)
        stage = context.event.current_stage(context.services.clock.now())
        number = stage.number if stage else None
        pid = await store.create_draft(context.db, user.id, number, **defaults)
        draft = await store.get(context.db, pid, user.id)
        await reply(
            update,
            locales.t(
                lang,
                "proposals.intro",
                limit=limit,
                count=len(views.questions(context.event)),
            ),
        )
    assert draft is not None
    # A draft is resumed at its first unanswered question (the dimension may be prefilled).
    step = "dimension" if draft.name is None else (first_missing(context.event, draft) or "preview")
    if not fresh:
        await reply(update, views.resume_text(context.event, lang, draft, step))
    await begin(update, context, FLOW, step, {"pid": draft.id})


async def resume_open_form(update: Update, context: BotContext) -> bool:
    """The form in progress, if any: what its draft has stored so far, then the question it
    is at (for /usul and a bare /start). False when no form is open."""
    user = update.effective_user
    turn = await current_turn(update, context, FLOW)
    if user is None or turn is None:
        return False
    proposal = await store.get(context.db, turn.data.get("pid", 0), user.id)
    if proposal is None:
        return False
    await reply(
        update, views.resume_text(context.event, lang_of(update), proposal, turn.state.step)
    )
    await ask_current(turn)
    return True


@private_only(Payload.USULANKU)
async def my_command(update: Update, context: BotContext) -> None:
    """/usulanku: one's own proposals, to view, edit or withdraw."""
    if await registered(update, context, "proposals.my_not_registered") is None:
        return
    text, markup = await mine.my_list(update, context)
    await reply(update, text, reply_markup=markup)
