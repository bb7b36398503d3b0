"""Durable conversations ("flows"), declared as tables of steps.

In the spirit of PTB's ConversationHandler states and aiogram's StatesGroup: a flow is a
`FlowSpec`, a table from step name to `Step`. A step says how it asks (`ask`) and which input
it takes: typed text, a button press, a shared contact. Each input function returns a `Move`:
the storage write of the answer, the next step, and an optional line that says what was
stored. The engine commits the write and the next step in ONE transaction before anything is
sent, so a restart (even SIGKILL) resumes at the same question with every answer kept.

The state lives in SQLite (`storage.flows`), not in memory. One stale-press check serves every
flow (`_press_fits`): a button acts only when it belongs to the presser's current step of that
flow, and, for flows with `menu_bound`, only from the menu message the step last sent.

The router that takes each message to its flow, and asks whether a typed question is an
answer, is handlers/base/router.py."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from telegram import Contact, Message, Update

import locales
from handlers.base.callbacks import Callback, decode
from handlers.base.context import BotContext, lang_of
from handlers.base.replies import answer_callback, reply
from storage import flows
from storage.db import Database
from storage.flows import Flow

log = logging.getLogger(__name__)

END = "__end__"  # a Move to END clears the flow row (in the same transaction as the write)
# In the flow's data: a text that read as a question, waiting for "Jawaban / Pertanyaan"
# ({"step", "text", "message": the user's message id, "menu": the question's message id}).
# Stored: keep the name. Any move to a step drops it.
QUESTION = "_question"
ANSWER_ACTION, QUESTION_ACTION = "answer", "question"  # flow:answer, flow:question
NOTE_CHARS = 60  # how much of a typed answer its note repeats

Write = Callable[[], Awaitable[Any]]


@dataclass(frozen=True)
class Move:
    """What an answer does: `write` (the answer's storage write) and the step `to` go into
    one transaction; then `note` is said and the next step asked. `to=None` stays put and
    asks nothing (the input function has already replied, e.g. with a refusal)."""

    to: str | None = None
    write: Write | None = None
    note: locales.Html | None = None  # sent as HTML: a t() result, never raw input
    ask: bool = True  # False: commit and move, but the input function speaks for itself
    # Runs after the commit, before the note: what the input says once its answer is stored,
    # when that needs what the write produced (a new row's id) or must edit the pressed menu.
    then: Callable[[], Awaitable[None]] | None = None


STAY = Move()


def stored_note(lang: str, label: str, value: str) -> locales.Html:
    """The one line that says what a typed answer stored: "Nama tercatat: Siti, S.Kom." (the
    value on one line, its first NOTE_CHARS characters; escaped by t())."""
    line = " ".join(value.split())
    if len(line) > NOTE_CHARS:
        line = line[:NOTE_CHARS].rstrip() + "…"
    if not line.endswith((".", "!", "?", "…")):
        line += "."
    return locales.t(lang, "flows.stored", label=label, value=line)


@dataclass
class Turn:
    """One update inside a flow: what a step function gets."""

    update: Update
    context: BotContext
    state: Flow
    spec: FlowSpec
    press: Callback | None = None
    answered: bool = False  # the button press has had its answer (an alert, say)

    async def alert(self, key: str, **values: object) -> Move:
        """Refuse a press with a short alert (nothing changes) and stay at the step."""
        await answer_callback(self.update, locales.plain(self.lang, key, **values), alert=True)
        self.answered = True
        return STAY

    @property
    def lang(self) -> str:
        return lang_of(self.update)

    @property
    def db(self) -> Database:
        return self.context.db

    @property
    def user_id(self) -> int:
        return self.state.user_id

    @property
    def message(self) -> Message | None:
        return self.update.effective_message

    @property
    def data(self) -> dict[str, Any]:
        return self.state.data


Ask = Callable[[Turn], Awaitable[None]]
OnText = Callable[[Turn, str], Awaitable[Move]]
OnPress = Callable[[Turn, Callback], Awaitable[Move]]
OnContact = Callable[[Turn, Contact], Awaitable[Move]]
OnMessage = Callable[[Turn, Message], Awaitable[Move]]
OnTurn = Callable[[Turn], Awaitable[None]]
Guard = Callable[[Update, BotContext], Awaitable[bool]]
Settled = Callable[[Update, BotContext, Callback], Awaitable[str | None]]


@dataclass(frozen=True)
class Step:
    """One question of a flow. `actions` are the button actions that belong to it: a press
    `feature:action:...` fits when `action` or `action:first-arg` is listed."""

    ask: Ask
    text: OnText | None = None
    press: OnPress | None = None
    contact: OnContact | None = None
    actions: frozenset[str] = frozenset()
    # Any other message (a photo, a document, text when `text` is not set): for a step whose
    # answer is the message itself, e.g. an announcement to forward as it was written.
    message: OnMessage | None = None
    # Typed text that reads as a question is asked about before `text` gets it ("Jawaban /
    # Pertanyaan?"). False for a step where a question mark is an ordinary answer.
    check_questions: bool = True


@dataclass(frozen=True)
class FlowSpec:
    """A flow: its name (the `flows.flow` column), the callback feature of its buttons, and
    its steps. `wrong_input(turn, kind)` answers input the step does not take: kind is
    "media", "text" (a button was expected), "command" or "button" (text was expected)."""

    name: str
    feature: str
    steps: Mapping[str, Step]
    wrong_input: Callable[[Turn, str], Awaitable[None]]
    on_cancel: OnTurn | None = None
    menu_bound: bool = False
    allowed: Guard | None = None  # who may be in this flow (checked on every input)
    before_input: Callable[[Turn], Awaitable[bool]] | None = None  # False: input not taken
    refusal: str = "common.not_allowed"
    any_step_actions: frozenset[str] = frozenset()  # e.g. a "cancel" button on every menu
    any_step_press: OnPress | None = None  # what those buttons do, at whichever step
    arity: int | None = None  # how many callback arguments to split (the rest stays whole)
    # A press that no longer fits the flow may be the second press of a final button whose
    # work was committed before the reply was lost (a crash, a dropped response): `settled`
    # names what was done (a locale text), so the person is told instead of "expired".
    settled: Settled | None = None


def _fits(step: Step, press: Callback) -> bool:
    return press.action in step.actions or f"{press.action}:{press.arg()}" in step.actions


def _press_fits(
    spec: FlowSpec, state: Flow | None, press: Callback, message_id: int | None
) -> bool:
    """The one stale-press check: this flow, the current step, the current menu."""
    if state is None or state.flow != spec.name or press.feature != spec.feature:
        return False
    step = spec.steps.get(state.step)
    if step is None:
        return False
    if not (_fits(step, press) or press.action in spec.any_step_actions):
        return False
    return not spec.menu_bound or state.message_id is None or state.message_id == message_id


async def commit(turn: Turn, move: Move) -> None:
    """Write the answer and the next step together; END removes the flow row."""
    state = turn.state
    async with turn.db.transaction():
        if move.write is not None:
            await move.write()
        if move.to == END:
            await flows.clear(turn.db, state.user_id, state.flow)
        elif move.to is not None:
            state.data.pop(QUESTION, None)  # a text waiting for "Jawaban / Pertanyaan"
            state.step = move.to
            state.message_id = None
            await flows.save(turn.db, state)


async def apply(turn: Turn, move: Move) -> None:
    """Commit a move, then run its `then`, say its note and ask the next question."""
    if move.to is None and move.write is None and move.then is None:
        return
    if move.to is not None or move.write is not None:
        await commit(turn, move)
    if move.then is not None:
        await move.then()
    if move.note:
        await reply(turn.update, move.note)
    if move.ask and move.to not in (None, END):
        await ask_current(turn)


async def ask_current(turn: Turn) -> None:
    step = turn.spec.steps.get(turn.state.step)
    if step is not None:
        await step.ask(turn)


async def go(turn: Turn, step: str, **data: Any) -> None:
    """Move to `step` (committed) and ask it; `data` is merged into the flow's data."""
    turn.state.data.update(data)
    await apply(turn, Move(to=step))


async def begin(
    update: Update, context: BotContext, spec: FlowSpec, step: str, data: dict[str, Any]
) -> Turn:
    """Start `spec` at `step` for the user behind `update` (replacing any other flow)."""
    user = update.effective_user
    assert user is not None
    turn = Turn(update, context, Flow(user.id, spec.name, step, dict(data)), spec)
    await go(turn, step)
    return turn


async def remember_menu(turn: Turn, message: Message) -> None:
    """Record the message that carries the current step's buttons (for `menu_bound` flows)."""
    turn.state.message_id = message.message_id
    await flows.save(turn.db, turn.state)


async def current_turn(
    update: Update, context: BotContext, spec: FlowSpec, press: Callback | None = None
) -> Turn | None:
    """The user's turn in `spec`, or None when they are not in it."""
    user = update.effective_user
    state = await flows.get(context.db, user.id) if user else None
    if state is None or state.flow != spec.name:
        return None
    return Turn(update, context, state, spec, press)


def press_handler(spec: FlowSpec) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """The CallbackQueryHandler callback for the buttons of `spec` (a feature lists it in its
    HANDLERS with `pattern(spec.feature)`)."""

    async def on_press(update: Update, context: BotContext) -> None:
        await take_press(update, context, spec)

    on_press.__name__ = f"on_{spec.name}_press"
    return on_press


async def take_press(update: Update, context: BotContext, spec: FlowSpec) -> None:
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    lang = lang_of(update)
    if spec.allowed is not None and not await spec.allowed(update, context):
        await answer_callback(update, locales.plain(lang, spec.refusal), alert=True)
        return
    press = decode(query.data, spec.arity)
    state = await flows.get(context.db, user.id)
    menu_id = query.message.message_id if query.message else None
    if press is None or not _press_fits(spec, state, press, menu_id):
        done = await spec.settled(update, context, press) if spec.settled and press else None
        await answer_callback(update, done or locales.plain(lang, "common.expired"), alert=True)
        return
    assert state is not None
    turn = Turn(update, context, state, spec, press)
    if spec.before_input is not None and not await spec.before_input(turn):
        return
    step = spec.steps[state.step]
    handler = spec.any_step_press if press.action in spec.any_step_actions else step.press
    if handler is None:
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
        return
    move = await handler(turn, press)
    # Answered once the move is shown: the spinner lasts until the menu has changed, so the
    # next press (a person's, or a test's) is on the new menu.
    await apply(turn, move)
    if not turn.answered:
        await answer_callback(update)
