"""/tinjau as a declared flow ("review"): a score from 1 to 5 per criterion of the event
file, a recommendation, an optional comment. Every answer is committed to the review row
(status 'draft') with the next step before the next question, as in the other forms.

The flow's data holds the review id, the proposal id and the index of the criterion being
scored; every review is loaded with the reviewer's own id, and the flow is only for
reviewers (checked on every input, `allowed`)."""

from __future__ import annotations

import functools

from telegram import InlineKeyboardMarkup, Update

import locales
from domain import review_text
from handlers.base.callbacks import Callback, Feature
from handlers.base.context import BotContext, is_reviewer, lang_of, reviewed_dimensions
from handlers.base.flows import (
    END,
    STAY,
    Ask,
    FlowSpec,
    Move,
    OnPress,
    Step,
    Turn,
    ask_current,
    remember_menu,
)
from handlers.base.keyboards import button, labelled
from handlers.base.replies import reply
from storage import flows, outbox, users
from storage import proposals as proposal_store
from storage import reviews as store
from storage.outbox import OutgoingMessage
from storage.reviews import RECOMMENDATIONS

NAME = "review"
CHOICE = "v"  # rev:v:<step>:<value>; Lewati: rev:v:comment:_skip:<review>
SKIP = "_skip"
COMMENT_LIMIT = 1000
SCORES = range(1, 6)


async def _review(turn: Turn) -> store.Review | None:
    return await store.get(turn.db, turn.data.get("rid", 0), turn.user_id)


async def _send_menu(turn: Turn, text: str, markup: InlineKeyboardMarkup | None) -> None:
    chat = turn.update.effective_chat
    if chat is None:
        return
    sent = await chat.send_message(text, reply_markup=markup)
    if markup is not None:
        await remember_menu(turn, sent)


async def _ask_score(turn: Turn) -> None:
    criteria = turn.context.event.review.criteria
    index = int(turn.data.get("ci", 0))
    criterion = criteria[min(index, len(criteria) - 1)]
    text = locales.t(
        turn.lang,
        "review.ask_score",
        n=index + 1,
        total=len(criteria),
        criterion=criterion.name_in(turn.lang),
    )
    row = [labelled(str(n), Feature.REVIEW, CHOICE, "score", n) for n in SCORES]
    await _send_menu(turn, text, InlineKeyboardMarkup([row]))


async def _ask_recommendation(turn: Turn) -> None:
    rows = [
        [button(turn.lang, f"review.rec.{r}", Feature.REVIEW, CHOICE, "rec", r)]
        for r in RECOMMENDATIONS
    ]
    await _send_menu(turn, locales.t(turn.lang, "review.ask_rec"), InlineKeyboardMarkup(rows))


async def _ask_comment(turn: Turn) -> None:
    # The review's id on the final button: a second press after a lost reply is told what
    # was saved (`_settled`) instead of "expired".
    rid = turn.data.get("rid", 0)
    row = [button(turn.lang, "review.skip", Feature.REVIEW, CHOICE, "comment", SKIP, rid)]
    text = locales.t(turn.lang, "review.ask_comment", limit=COMMENT_LIMIT)
    await _send_menu(turn, text, InlineKeyboardMarkup([row]))


async def _score(turn: Turn, press: Callback) -> Move:
    """rev:v:score:<1-5> for the criterion in the flow's data."""
    value = press.int_arg(1)
    criteria = turn.context.event.review.criteria
    index = int(turn.data.get("ci", 0))
    if value is None or value not in SCORES or index >= len(criteria) or len(press.args) != 2:
        return await turn.alert("common.expired")
    criterion = criteria[index]
    write = functools.partial(
        store.set_score, turn.db, turn.data["rid"], turn.user_id, criterion.id, value
    )
    turn.data["ci"] = index + 1  # saved with the step
    to = "score" if index + 1 < len(criteria) else "recommendation"
    note = locales.t(
        turn.lang, "review.score_stored", criterion=criterion.name_in(turn.lang), score=value
    )
    return Move(to=to, write=write, note=note)


async def _recommend(turn: Turn, press: Callback) -> Move:
    value = press.arg(1)
    if value not in RECOMMENDATIONS or len(press.args) != 2:
        return await turn.alert("common.expired")
    write = functools.partial(
        store.set_recommendation, turn.db, turn.data["rid"], turn.user_id, value
    )
    note = locales.t(
        turn.lang, "review.rec_stored", rec=locales.plain(turn.lang, f"review.rec.{value}")
    )
    return Move(to="comment", write=write, note=note)


async def _typed_comment(turn: Turn, text: str) -> Move:
    text = text.strip()
    if len(text) > COMMENT_LIMIT:
        await reply(
            turn.update,
            locales.t(turn.lang, "proposals.too_long", length=len(text), limit=COMMENT_LIMIT),
        )
        return STAY
    if not text:
        await reply(turn.update, locales.t(turn.lang, "proposals.empty"))
        return STAY
    return await _finish(turn, text)


async def _skip_comment(turn: Turn, press: Callback) -> Move:
    # Menus sent before the review id was on the button carry two arguments.
    legacy = len(press.args) == 2
    if press.arg(1) != SKIP or not (legacy or _pressed_review(press) == turn.data.get("rid")):
        return await turn.alert("common.expired")
    return await _finish(turn, None)


async def _finish(turn: Turn, comment: str | None) -> Move:
    """The review done; "perlu perbaikan" queues the comments for the proposer (outbox,
    once per review), in the same transaction."""
    review = await _review(turn)
    if review is None:
        return await _gone(turn)
    proposal = await proposal_store.get_for_staff(turn.db, review.proposal_id)
    rid = review.id

    async def write() -> None:
        if not await store.finish(turn.db, rid, turn.user_id, comment):
            return
        if review.recommendation == "perbaikan" and proposal is not None and proposal.user_id:
            their_lang = await users.language(turn.db, proposal.user_id) or "id"
            done = await store.get(turn.db, rid, turn.user_id)
            assert done is not None
            text = review_text.revision_request(turn.context.event, their_lang, proposal, done)
            message = OutgoingMessage(
                "review_revision", proposal.user_id, {"text": text}, str(rid), f"review:{rid}"
            )
            await outbox.enqueue(turn.db, [message])

    async def then() -> None:
        sender = turn.context.services.sender
        if sender is not None:
            sender.wake()

    # The next step said: another proposal waits, or none does.
    dims = await reviewed_dimensions(turn.context, turn.user_id)
    more = await store.next_proposal_id(turn.db, turn.user_id, dims, excluding=review.proposal_id)
    note = locales.t(turn.lang, "review.done" if more else "review.done_last")
    return Move(to=END, write=write, then=then, note=note)


def _pressed_review(press: Callback) -> int | None:
    """The review id of a Lewati press (rev:v:comment:_skip:<review>), or None."""
    if press.arg(0) != "comment" or press.arg(1) != SKIP or len(press.args) != 3:
        return None
    return press.int_arg(2)


async def _settled(update: Update, context: BotContext, press: Callback) -> str | None:
    """A second press of Lewati after the review was finished and its reply lost: nothing
    is saved again (nor the proposer told twice); the reviewer is told it was saved."""
    user, rid = update.effective_user, _pressed_review(press)
    if press.action != CHOICE or user is None or rid is None:
        return None
    review = await store.get(context.db, rid, user.id)
    if review is None or review.status != "done":
        return None
    return locales.plain(lang_of(update), "review.already_saved", id=review.proposal_id)


async def _gone(turn: Turn) -> Move:
    await reply(turn.update, locales.t(turn.lang, "common.expired"))
    return Move(to=END)


async def _before_input(turn: Turn) -> bool:
    """The review is still the reviewer's draft, of a proposal still submitted and not
    theirs (the rule "nobody reviews their own proposal", checked on every answer too)."""
    review = await _review(turn)
    proposal = await proposal_store.get_for_staff(turn.db, review.proposal_id) if review else None
    if (
        review is None
        or review.status != "draft"
        or proposal is None
        or proposal.user_id == turn.user_id
        or proposal.version != review.version
    ):
        await flows.clear(turn.db, turn.user_id, NAME)
        if turn.press is not None:
            await turn.alert("common.expired")
        else:
            await reply(turn.update, locales.t(turn.lang, "common.expired"))
        return False
    return True


async def _wrong_input(turn: Turn, kind: str) -> None:
    if kind == "command":
        await reply(turn.update, locales.t(turn.lang, "common.unknown_command"))
        return
    await reply(turn.update, locales.t(turn.lang, "proposals.use_buttons"))
    await ask_current(turn)


async def _allowed(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and await is_reviewer(context, user.id)


async def _on_cancel(turn: Turn) -> None:
    await reply(turn.update, locales.t(turn.lang, "review.cancelled"))


def _choice(ask: Ask, take: OnPress, step: str) -> Step:
    return Step(ask=ask, press=take, actions=frozenset({f"{CHOICE}:{step}"}))


STEPS: dict[str, Step] = {
    "score": _choice(_ask_score, _score, "score"),
    "recommendation": _choice(_ask_recommendation, _recommend, "rec"),
    "comment": Step(
        ask=_ask_comment,
        text=_typed_comment,
        press=_skip_comment,
        actions=frozenset({f"{CHOICE}:comment"}),
        check_questions=False,  # a comment may well ask the proposer something
    ),
}

FLOW = FlowSpec(
    name=NAME,
    feature=Feature.REVIEW,
    steps=STEPS,
    wrong_input=_wrong_input,
    on_cancel=_on_cancel,
    menu_bound=True,
    allowed=_allowed,
    before_input=_before_input,
    refusal="review.not_allowed",
    arity=3,
    settled=_settled,
)
