"""/tinjau (reviewers): the next submitted proposal of their dimensions that they have not
reviewed yet, shown whole, then the review flow (handlers/review/steps.py)."""

from __future__ import annotations

from telegram import Update

import locales
from domain.proposal_text import render
from handlers.base.context import BotContext, lang_of, reviewed_dimensions
from handlers.base.flows import ask_current, begin, current_turn
from handlers.base.guards import private_only, reviewers_only
from handlers.base.links import Payload
from handlers.base.replies import reply
from handlers.review.steps import FLOW
from storage import proposals as proposal_store
from storage import reviews as store


@private_only(Payload.TINJAU)
@reviewers_only
async def tinjau(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None:
        return
    lang = lang_of(update)
    turn = await current_turn(update, context, FLOW)
    if turn is not None:  # a review in progress: where it is
        await reply(update, locales.t(lang, "review.resumed"))
        await ask_current(turn)
        return
    dims = await reviewed_dimensions(context, user.id)
    pid = await store.next_proposal_id(context.db, user.id, dims)
    proposal = await proposal_store.get_for_staff(context.db, pid) if pid else None
    if proposal is None:
        await reply(update, locales.t(lang, "review.none_left"))
        return
    rid = await store.open_draft(context.db, proposal.id, proposal.version, user.id)
    title = locales.t(lang, "review.title", id=proposal.id, version=proposal.version)
    await reply(update, f"{title}\n\n{render(context.event, proposal, lang)}")
    await begin(update, context, FLOW, "score", {"rid": rid, "pid": proposal.id, "ci": 0})
