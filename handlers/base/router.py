"""The router of every flow: a private message goes to the flow the person is in (the step
of its FlowSpec, handlers/base/flows.py), or to the fallback (the FAQ) outside any flow.

A text typed at a free-text step that reads as a question (domain/faq/intent.py) is never
stored silently: the router keeps it in the flow's data and asks "Jawaban / Pertanyaan?"
(its own buttons, `Feature.FLOW`); an answer goes to the step as if typed, a question to the
FAQ (the `answer_question` bot.py gives the router), and the step is asked again. An edited
message is never an answer (`on_edited_message`).

bot.py builds one `FlowRouter` with every flow, explicitly; nothing registers at import time."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop

import locales
from domain.choices import FULL_MATCH, match_choice
from domain.faq import book as faq_book
from domain.faq import intent
from handlers.base.callbacks import Callback, Feature, decode
from handlers.base.context import BotContext, lang_of
from handlers.base.flows import (
    AGAIN_ACTION,
    ANSWER_ACTION,
    NOTE_CHARS,
    QUESTION,
    QUESTION_ACTION,
    FlowSpec,
    Step,
    Turn,
    apply,
    ask_current,
    fits_now,
    run_press,
    shown_buttons,
)
from handlers.base.keyboards import button
from handlers.base.replies import answer_callback, reply
from storage import flows
from storage.flows import Flow

log = logging.getLogger(__name__)


_MARKS = re.compile(r"^[^\w(]+")  # what a label starts with before its words: ✓ ✅ ▫️ 🕒 «
Fallback = Callable[[Update, BotContext], Awaitable[None]]
# Answers a question typed inside a flow (the FAQ's answer, given by bot.py).
AnswerQuestion = Callable[[Update, BotContext, str], Awaitable[object]]
IsQuestion = Callable[[str, str], bool]  # (text, language)


def _pending_question(
    state: Flow | None, press: Callback | None, menu_id: int | None
) -> dict[str, Any] | None:
    """The text waiting for "Jawaban / Pertanyaan" that this press settles, or None when the
    press is stale: the same rule as `_press_fits`, for the engine's own buttons (asked at
    the current step, and pressed on the last such question)."""
    if state is None or press is None or press.feature != Feature.FLOW:
        return None
    if press.action not in (ANSWER_ACTION, QUESTION_ACTION):
        return None
    pending = state.data.get(QUESTION)
    if not isinstance(pending, dict) or pending.get("step") != state.step:
        return None
    if not isinstance(pending.get("text"), str):
        return None
    menu = pending.get("menu")
    return pending if menu is None or menu == menu_id else None


def _quoted(text: str) -> str:
    """The waiting text as the question quotes it: one line, at most 2 × NOTE_CHARS."""
    shown = " ".join(text.split())
    return shown if len(shown) <= NOTE_CHARS * 2 else shown[: NOTE_CHARS * 2].rstrip() + "…"


def _as_typed(update: Update, text: str, message_id: object) -> Update:
    """The press on "Jawaban / Pertanyaan" as the message the person typed: the step's text
    function (and the FAQ) answer it exactly as they would have answered the message."""
    query = update.callback_query
    assert query is not None and query.message is not None
    menu = query.message
    typed = Message(
        message_id=message_id if isinstance(message_id, int) else menu.message_id,
        date=menu.date,
        chat=menu.chat,
        from_user=query.from_user,
        text=text,
    )
    typed.set_bot(update.get_bot())
    as_typed = Update(update.update_id, message=typed)
    as_typed.set_bot(update.get_bot())
    return as_typed


@dataclass
class FlowRouter:
    """Every flow of the bot, and what a private message outside any flow gets."""

    specs: Sequence[FlowSpec]
    fallback: Fallback | None = None
    # What "Pertanyaan" does with a question typed in a flow (handlers/base imports no feature:
    # bot.py passes the FAQ's answer). None: the step is only asked again.
    answer_question: AnswerQuestion | None = None
    is_question: IsQuestion = intent.is_question
    _by_name: dict[str, FlowSpec] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._by_name = {spec.name: spec for spec in self.specs}

    def add(self, spec: FlowSpec) -> None:
        """Add a flow (bot.py passes every flow at build time; tests add their own)."""
        self._by_name[spec.name] = spec

    async def on_private_message(self, update: Update, context: BotContext) -> None:
        """Any non-command message in a private chat: the flow in progress, or the fallback."""
        user = update.effective_user
        if user is None:
            return
        state = await flows.get(context.db, user.id)
        spec = self._by_name.get(state.flow) if state is not None else None
        if state is None or spec is None:
            if self.fallback is not None:
                await self.fallback(update, context)
            else:
                await reply(update, locales.t(lang_of(update), "common.stray_message"))
            return
        if update.edited_message is not None:  # never an answer (see on_edited_message)
            await reply(update, locales.t(lang_of(update), "flows.edit_ignored"))
            return
        await self._take_message(Turn(update, context, state, spec))

    async def on_edited_message(self, update: Update, context: BotContext) -> None:
        """An edited private message (bot.py runs this before every other handler): in a flow
        it changes nothing, whatever it says (text, caption, even a command), and the person is
        told how to change an answer; outside a flow it goes on to the handlers as today."""
        user = update.effective_user
        if user is None or update.edited_message is None:
            return
        state = await flows.get(context.db, user.id)
        if state is None or state.flow not in self._by_name:
            return
        await reply(update, locales.t(lang_of(update), "flows.edit_ignored"))
        raise ApplicationHandlerStop

    async def on_command(self, update: Update, context: BotContext) -> bool:
        """An unknown command inside a flow: the step's wrong-input answer. False outside."""
        user = update.effective_user
        state = await flows.get(context.db, user.id) if user else None
        spec = self._by_name.get(state.flow) if state is not None else None
        if state is None or spec is None:
            return False
        await spec.wrong_input(Turn(update, context, state, spec), "command")
        return True

    async def _take_message(self, turn: Turn) -> None:
        spec, message = turn.spec, turn.message
        if message is None:
            return
        if spec.allowed is not None and not await spec.allowed(turn.update, turn.context):
            await flows.clear(turn.db, turn.user_id, spec.name)
            await reply(turn.update, locales.t(turn.lang, spec.refusal))
            return
        if spec.before_input is not None and not await spec.before_input(turn):
            return
        step = spec.steps.get(turn.state.step)
        if message.text is not None:
            await faq_book.ready()  # is_question asks the FAQ; just after start-up it may load
        if step is None:
            log.warning("Flow %s has no step %s; ending it", spec.name, turn.state.step)
            await flows.clear(turn.db, turn.user_id, spec.name)
            await reply(turn.update, locales.t(turn.lang, "common.expired"))
            return
        if message.contact is not None and step.contact is not None:
            await apply(turn, await step.contact(turn, message.contact))
        elif message.text is not None and await self._typed_button(turn, step, message.text):
            return
        elif message.text is not None and step.text is not None:
            if step.check_questions and self.is_question(message.text, turn.lang):
                await self._ask_answer_or_question(turn, message)
            else:
                await apply(turn, await step.text(turn, message.text))
        elif step.message is not None:
            await apply(turn, await step.message(turn, message))
        elif message.text is not None:
            await spec.wrong_input(turn, "text")
        else:
            await spec.wrong_input(turn, "media")

    async def _typed_button(self, turn: Turn, step: Step, text: str) -> bool:
        """Text that names one of the step's buttons ("luring", "setuju") is that press. At a
        step that takes only buttons, a weak or shared match is asked about ("Maksud
        Bapak/Ibu: ...?", with those buttons); at a step that also takes text, only a full
        match (every typed word on one button) is a press, anything else the step's text.
        True: the text was taken."""
        if step.press is None or step.message is not None:  # there the message is the answer
            return False
        if self.is_question(text, turn.lang):  # "setuju?" asks; it does not agree
            return False
        choices = [
            (label, data, press)
            for label, data in shown_buttons(turn.state)
            if (press := decode(data, turn.spec.arity)) is not None
            and fits_now(turn.spec, turn.state, press)
        ]
        if not choices:
            return False
        found = match_choice(text, [label for label, _, _ in choices])
        if step.text is not None and found.score < FULL_MATCH:
            # The step reads text itself (a typed office, a time): only text whose every
            # word is on one button is that button; a near miss is the step's to read.
            return False
        if found.certainty == "sure":
            label, _, press = choices[found.indexes[0]]
            log.info("Flow %s: typed text taken as the button %r", turn.spec.name, label)
            turn.press = press
            shown = _MARKS.sub("", label)  # "✓ Smart Living": without its marks
            await reply(turn.update, locales.t(turn.lang, "forgiving.choice_taken", label=shown))
            await run_press(turn, press, checked=True)
            return True
        if found.certainty == "guess" and step.text is None:
            await self._suggest(turn, [choices[i][:2] for i in found.indexes])
            return True
        return False

    async def _suggest(self, turn: Turn, choices: list[tuple[str, str]]) -> None:
        """ "Maksud Bapak/Ibu: Luring (tatap muka)?" with the matching buttons themselves, and
        one that shows every choice of the step again."""
        lang, chat = turn.lang, turn.update.effective_chat
        if chat is None:
            return
        rows = [[InlineKeyboardButton(label, callback_data=data)] for label, data in choices]
        rows.append(
            [
                button(
                    lang,
                    "forgiving.choice_again",
                    Feature.FLOW,
                    AGAIN_ACTION,
                    turn.spec.name,
                    turn.state.step,
                )
            ]
        )
        if len(choices) == 1:
            text = locales.t(lang, "forgiving.choice_guess", label=choices[0][0])
        else:
            text = locales.t(lang, "forgiving.choice_guess_many")
        sent = await chat.send_message(text, reply_markup=InlineKeyboardMarkup(rows))
        if turn.spec.menu_bound:  # only the last menu acts: the question becomes it
            turn.state.message_id = sent.message_id
            await flows.save(turn.db, turn.state)

    async def _ask_answer_or_question(self, turn: Turn, message: Message) -> None:
        """Keep the text in the flow's data (committed: a restart keeps the question) and ask
        whether it answers the step or asks something."""
        text = message.text or ""
        pending: dict[str, Any] = {
            "step": turn.state.step,
            "text": text,
            "message": message.message_id,
        }
        turn.state.data[QUESTION] = pending
        await flows.save(turn.db, turn.state)
        lang = turn.lang
        markup = InlineKeyboardMarkup(
            [
                [
                    button(lang, "flows.is_answer", Feature.FLOW, ANSWER_ACTION),
                    button(lang, "flows.is_question", Feature.FLOW, QUESTION_ACTION),
                ]
            ]
        )
        chat = turn.update.effective_chat
        if chat is None:
            return
        sent = await chat.send_message(
            locales.t(lang, "flows.answer_or_question", text=_quoted(text)), reply_markup=markup
        )
        pending["menu"] = sent.message_id  # only the latest such question acts
        await flows.save(turn.db, turn.state)

    async def on_question_press(self, update: Update, context: BotContext) -> None:
        """`flow:answer` / `flow:question`: the text waiting in the flow's data goes to the
        step as if typed, or to the FAQ (then the step is asked again; nothing is stored)."""
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        lang = lang_of(update)
        press = decode(query.data)
        state = await flows.get(context.db, user.id)
        spec = self._by_name.get(state.flow) if state is not None else None
        menu_id = query.message.message_id if query.message else None
        if press is not None and press.action == AGAIN_ACTION:
            await self._show_again(update, context, state, spec, press, menu_id)
            return
        pending = _pending_question(state, press, menu_id)
        step = spec.steps.get(state.step) if spec is not None and state is not None else None
        if state is None or spec is None or step is None or step.text is None or not pending:
            await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
            return
        assert press is not None
        if spec.allowed is not None and not await spec.allowed(update, context):
            await answer_callback(update, locales.plain(lang, spec.refusal), alert=True)
            return
        text: str = pending["text"]
        key = "flows.is_answer" if press.action == ANSWER_ACTION else "flows.is_question"
        chosen = locales.t(
            lang, "flows.answer_or_question_chosen", text=_quoted(text), choice=locales.t(lang, key)
        )
        with contextlib.suppress(BadRequest):  # the choice is made: it shows, the buttons go
            await query.edit_message_text(chosen, reply_markup=None)
        state.data.pop(QUESTION, None)
        turn = Turn(_as_typed(update, text, pending.get("message")), context, state, spec)
        if spec.before_input is None or await spec.before_input(turn):
            if press.action == ANSWER_ACTION:
                move = await step.text(turn, text)
                if move.to is None:  # a refusal, say: the question is settled all the same
                    await flows.save(context.db, state)
                await apply(turn, move)
            else:
                await flows.save(context.db, state)
                if self.answer_question is not None:
                    await self.answer_question(turn.update, context, text)
                await ask_current(turn)
        await answer_callback(update)

    async def _show_again(
        self,
        update: Update,
        context: BotContext,
        state: Flow | None,
        spec: FlowSpec | None,
        press: Callback,
        menu_id: int | None,
    ) -> None:
        """flow:again:<flow>:<step>: "Bukan": the step's question with all its buttons, once
        more (only while the person is still at that step, and from the last such question)."""
        here = state is not None and (state.flow, state.step) == (press.arg(0), press.arg(1))
        stale = spec is None or not here
        if not stale and spec is not None and spec.menu_bound and state is not None:
            stale = state.message_id is not None and state.message_id != menu_id
        if stale or state is None or spec is None or spec.steps.get(state.step) is None:
            await answer_callback(
                update, locales.plain(lang_of(update), "common.expired"), alert=True
            )
            return
        await answer_callback(update)
        await ask_current(Turn(update, context, state, spec))

    async def cancel(self, update: Update, context: BotContext) -> None:
        """/batal and /cancel: leave whatever flow the user is in and say what was kept."""
        user = update.effective_user
        if user is None:
            return
        state = await flows.get(context.db, user.id)
        if state is None:
            await reply(update, locales.t(lang_of(update), "common.nothing_to_cancel"))
            return
        await flows.clear(context.db, user.id)
        spec = self._by_name.get(state.flow)
        if spec is not None and spec.on_cancel is not None:
            await spec.on_cancel(Turn(update, context, state, spec))
        else:
            await reply(update, locales.t(lang_of(update), "common.cancelled"))
