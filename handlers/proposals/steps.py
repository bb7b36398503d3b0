"""The /usul form as a declared flow ("proposal"): one `Step` per question, and the `Move`
each answer makes.

The draft row in `proposals` gets each answer and the flow row the next step; the engine
(handlers/base/flows.py) commits both in one transaction before the next question is asked,
so a restart resumes at the same question with every answer kept. The engine's one
stale-press check lets a button act only at its own step and from the menu the step last
sent (`menu_bound`); every proposal is loaded with the presser's own id, so forged callback
data reaches nothing. Before any input the draft must still exist and the deadline must not
have passed (`before_input`)."""

from __future__ import annotations

import functools

from telegram import Update

import locales
from domain.budget import format_rupiah, parse_budget
from domain.offices import match_office
from handlers.base.callbacks import Callback, Feature
from handlers.base.context import BotContext, lang_of
from handlers.base.flows import (
    END,
    STAY,
    Ask,
    FlowSpec,
    Move,
    OnPress,
    OnText,
    Step,
    Turn,
    ask_current,
    commit,
    remember_menu,
    stored_note,
)
from handlers.base.replies import answer_callback, reply, unreadable_file
from handlers.proposals import views
from handlers.proposals.views import (
    CHOICE,
    DONE,
    FOLLOW_UPS,
    OTHER_OFFICE_LIMIT,
    OWN_OFFICE,
    PARTNERS_OTHER_LIMIT,
    SKIP,
    TEXT_LIMITS,
    UNKNOWN,
    questions,
)
from schedules.event import Event
from schedules.timefmt import format_datetime
from storage import flows, participants
from storage import proposals as store
from storage.proposals import BUDGET_SOURCES, HORIZONS, PLANNING, Proposal, partner_json

NAME = "proposal"
# A typed lead office the bot is not sure of, asked about at "lead_opd_guess": {"text", "opd"}.
OFFICE_GUESS = "office_guess"


# --- reading the flow's proposal -----------------------------------------------------------


async def _proposal(turn: Turn) -> Proposal | None:
    """The flow's proposal, always loaded with the user's own id."""
    return await store.get(turn.db, turn.data.get("pid", 0), turn.user_id)


def first_missing(event: Event, proposal: Proposal) -> str | None:
    """The first question the proposal has no answer to (None: all answered). A skipped
    optional answer ('' or '[]') is an answer."""
    for step in questions(event):
        if step == "lead_opd":
            if not (proposal.lead_opd_id or proposal.lead_opd_other):
                return step
        elif step == "partners":
            if proposal.partner_opds is None:
                return step
        elif step == "planning":
            if proposal.planning is None:
                return step
            if proposal.planning != "new" and proposal.planning_ref is None:
                return "planning_ref"
        elif step == "budget":
            if proposal.budget_status is None:
                return step
            if proposal.budget_source is None:
                return "budget_source"
        elif step in ("location", "target_group"):
            if getattr(proposal, step) is None:
                return step
        elif getattr(proposal, step) in (None, ""):
            return step
    return None


# --- asking --------------------------------------------------------------------------------


def _asking(view: views.View) -> Ask:
    """A step's `ask`: send its question and remember the message as the live menu."""

    async def ask(turn: Turn) -> None:
        proposal = await _proposal(turn)
        chat = turn.update.effective_chat
        if proposal is None or chat is None:
            return
        profile = await participants.get(turn.db, turn.user_id)
        text, markup = view(turn.context.event, turn.lang, proposal, profile)
        sent = await chat.send_message(text, reply_markup=markup)
        if markup is not None:
            await remember_menu(turn, sent, markup)

    return ask


async def _ask_office_guess(turn: Turn) -> None:
    """ "Maksud Bapak/Ibu: Dinas Lingkungan Hidup?" about the typed lead office in the data."""
    chat = turn.update.effective_chat
    guess = turn.data.get(OFFICE_GUESS)
    office = turn.context.event.opd(str(guess.get("opd"))) if isinstance(guess, dict) else None
    if chat is None or office is None:
        return
    text, markup = views.office_guess_question(turn.lang, office)
    await remember_menu(turn, await chat.send_message(text, reply_markup=markup), markup)


# --- answering -----------------------------------------------------------------------------


def _after(turn: Turn, answered: str) -> str:
    """The step after `answered`: its follow-up (when it has one), else back to the preview
    when editing, else the next question."""
    follow_up = FOLLOW_UPS.get(answered)
    if follow_up is not None:
        return follow_up
    parent = next((q for q, f in FOLLOW_UPS.items() if f == answered), answered)
    if turn.data.get("editing"):
        return "preview"
    asked = questions(turn.context.event)
    index = asked.index(parent)
    return asked[index + 1] if index + 1 < len(asked) else "preview"


def _store(turn: Turn, to: str, note: locales.Html | None = None, **fields: object) -> Move:
    """Store `fields` in the flow's proposal and move to `to` (one transaction)."""
    pid = turn.data["pid"]
    write = functools.partial(store.update, turn.db, pid, turn.user_id, **fields)
    return Move(to=to, write=write, note=note)


def _note(turn: Turn, question: str, value: str) -> locales.Html:
    """What a typed answer stored: "Nama program tercatat: Telemedisin puskesmas."."""
    return stored_note(turn.lang, locales.plain(turn.lang, f"proposals.field.{question}"), value)


async def _not_offered(turn: Turn) -> Move:
    """A value the question never offered (forged data, or an event file changed since): the
    press is acknowledged and the chat says it has expired; nothing changes."""
    await answer_callback(turn.update)
    turn.answered = True
    await reply(turn.update, locales.t(turn.lang, "common.expired"))
    return STAY


def _taking(count: int, take: OnPress) -> OnPress:
    """A press handler for data with exactly `count` arguments; other shapes (forged or old
    data) get the stale-press alert, as a button of an old menu does."""

    async def press(turn: Turn, callback: Callback) -> Move:
        if len(callback.args) != count:
            return await turn.alert("common.expired")
        return await take(turn, callback)

    return press


async def _choose_dimension(turn: Turn, press: Callback) -> Move:
    value = press.arg(1)
    proposal = await _proposal(turn)
    if proposal is None or turn.context.event.dimension(value) is None:
        return await _not_offered(turn)
    if value != proposal.dimension:
        # The elements belong to the dimension: a new one needs one of its own, even when
        # only the dimension was being edited.
        return _store(turn, "element", dimension=value, element=None)
    return _store(turn, _after(turn, "dimension"), dimension=value)


async def _choose_element(turn: Turn, press: Callback) -> Move:
    proposal = await _proposal(turn)
    dimension = turn.context.event.dimension(proposal.dimension) if proposal else None
    index = press.int_arg(1)
    if dimension is None or index is None or index >= len(dimension.elements):
        return await _not_offered(turn)
    return _store(turn, _after(turn, "element"), element=dimension.elements[index])


async def _choose_horizon(turn: Turn, press: Callback) -> Move:
    value = press.arg(1)
    if value not in HORIZONS:
        return await _not_offered(turn)
    return _store(turn, _after(turn, "horizon"), horizon=value)


async def _choose_office(turn: Turn, press: Callback) -> Move:
    value = press.arg(1)
    to = _after(turn, "lead_opd")
    if turn.context.event.opd(value) is not None:
        return _store(turn, to, lead_opd_id=value, lead_opd_other=None)
    profile = await participants.get(turn.db, turn.user_id)
    if value == OWN_OFFICE and profile is not None and profile.opd_other:
        return _store(turn, to, lead_opd_id=None, lead_opd_other=profile.opd_other)
    return await _not_offered(turn)


async def _toggle_partner(turn: Turn, press: Callback) -> Move:
    """prop:v:partners:<opd id> adds or removes that OPD (the menu's ticks change in place);
    prop:v:partners:_done ends the question (no partner at all is an answer too)."""
    proposal = await _proposal(turn)
    value = press.arg(1)
    if proposal is None:
        return await _not_offered(turn)
    if value == DONE:
        chosen = proposal.partner_ids
        return _store(turn, _after(turn, "partners"), partner_opds=partner_json(chosen))
    if turn.context.event.opd(value) is None or value == proposal.lead_opd_id:
        return await _not_offered(turn)
    chosen = proposal.partner_ids
    chosen = [c for c in chosen if c != value] if value in chosen else [*chosen, value]
    pid = turn.data["pid"]
    write = functools.partial(
        store.update, turn.db, pid, turn.user_id, partner_opds=partner_json(chosen)
    )
    return Move(write=write, then=lambda: _refresh_menu(turn, views.partners_question))


async def _refresh_menu(turn: Turn, view: views.View) -> None:
    """The pressed menu shows the stored answer (the ticks) without a new message; a typed
    choice (no menu was pressed) gets the question again, with its ticks, as the live menu."""
    query = turn.update.callback_query
    if query is None:
        await ask_current(turn)
        return
    proposal = await _proposal(turn)
    if proposal is None:
        return
    profile = await participants.get(turn.db, turn.user_id)
    _text, markup = view(turn.context.event, turn.lang, proposal, profile)
    await query.edit_message_reply_markup(reply_markup=markup)


async def _typed_partner(turn: Turn, text: str) -> Move:
    """A typed partner: an OPD when the text surely names one ("Bappeda"), else another
    institution as typed. The question stays open for more."""
    text = " ".join(text.split()).strip(" ;")
    low, high = OTHER_OFFICE_LIMIT
    if not await _length_ok(turn, text, low, high):
        return STAY
    proposal = await _proposal(turn)
    if proposal is None:
        return STAY
    found = match_office(turn.context.event, text)
    pid = turn.data["pid"]
    if found.opd is not None and found.certainty == "sure" and found.opd.id == proposal.lead_opd_id:
        # The lead office is no partner of itself: said, nothing stored.
        await reply(
            turn.update, locales.t(turn.lang, "proposals.partner_is_lead", office=found.opd.name)
        )
        return STAY
    if found.opd is not None and found.certainty == "sure":
        chosen = proposal.partner_ids
        if found.opd.id not in chosen:
            chosen = [*chosen, found.opd.id]
        fields: dict[str, object] = {"partner_opds": partner_json(chosen)}
        shown = found.opd.name
    else:
        others = [p for p in (proposal.partners_other or "").split("; ") if p]
        if text not in others:
            others.append(text)
        joined = "; ".join(others)
        if len(joined) > PARTNERS_OTHER_LIMIT:
            await reply(
                turn.update,
                locales.t(
                    turn.lang,
                    "proposals.partners_too_long",
                    length=len(joined),
                    limit=PARTNERS_OTHER_LIMIT,
                ),
            )
            return STAY
        # Answered as soon as something is typed: "[]" keeps the chosen OPD list (none yet).
        fields = {"partners_other": joined}
        if proposal.partner_opds is None:
            fields["partner_opds"] = partner_json([])
        shown = text
    write = functools.partial(store.update, turn.db, pid, turn.user_id, **fields)
    note = locales.t(turn.lang, "proposals.partner_added", value=shown)
    # The menu is asked again under the note, so the ticks and Selesai are at hand.
    return Move(to="partners", write=write, note=note)


async def _choose_planning(turn: Turn, press: Callback) -> Move:
    value = press.arg(1)
    if value not in PLANNING:
        return await _not_offered(turn)
    if value == "new":
        # A new programme has no reference in the documents: the follow-up is not asked.
        to = "preview" if turn.data.get("editing") else _after(turn, "planning_ref")
        return _store(turn, to, planning=value, planning_ref="")
    return _store(turn, _after(turn, "planning"), planning=value)


def _skipping(step: str) -> OnPress:
    """An optional typed answer left out with Lewati: stored as ''."""

    async def take(turn: Turn, press: Callback) -> Move:
        if press.arg(1) != SKIP:
            return await _not_offered(turn)
        return _store(turn, _after(turn, step), None, **{step: ""})

    return take


async def _typed_budget(turn: Turn, text: str) -> Move:
    """ "1,5 M", "750 juta", "Rp 250.000.000" ... read to rupiah and said back formatted; a
    text the bot cannot read surely is asked again with examples (never guessed)."""
    found = parse_budget(text)
    if found is None:
        await reply(turn.update, locales.t(turn.lang, "proposals.budget_bad"))
        return STAY
    label = locales.plain(turn.lang, "proposals.field.budget")
    if found.amount is None:
        shown = locales.plain(turn.lang, "proposals.budget_unknown")
        note = stored_note(turn.lang, label, shown)
        return _store(turn, _after(turn, "budget"), note, budget_status="unknown", budget=None)
    note = stored_note(turn.lang, label, format_rupiah(found.amount))
    return _store(
        turn, _after(turn, "budget"), note, budget_status="estimated", budget=found.amount
    )


async def _budget_unknown(turn: Turn, press: Callback) -> Move:
    if press.arg(1) != UNKNOWN:
        return await _not_offered(turn)
    return _store(turn, _after(turn, "budget"), budget_status="unknown", budget=None)


async def _choose_source(turn: Turn, press: Callback) -> Move:
    value = press.arg(1)
    if value not in BUDGET_SOURCES:
        return await _not_offered(turn)
    return _store(turn, _after(turn, "budget_source"), budget_source=value)


async def _length_ok(turn: Turn, text: str, low: int, high: int) -> bool:
    """Refuse a text outside the limits with its length: nothing is ever cut."""
    if len(text) > high:
        await reply(
            turn.update, locales.t(turn.lang, "proposals.too_long", length=len(text), limit=high)
        )
        return False
    if len(text) < low:
        key = "proposals.empty" if not text else "proposals.too_short"
        await reply(turn.update, locales.t(turn.lang, key, length=len(text), limit=low))
        return False
    return True


def _typed(step: str) -> OnText:
    """The typed answer of a text question, stored under the step's own column."""
    low, high = TEXT_LIMITS[step]

    async def take(turn: Turn, text: str) -> Move:
        text = text.strip()
        if not await _length_ok(turn, text, low, high):
            return STAY
        return _store(turn, _after(turn, step), _note(turn, step, text), **{step: text})

    return take


async def _typed_office(turn: Turn, text: str) -> Move:
    """A typed lead institution: one of the event's OPD when it surely names one ("DLH"), a
    question when it may ("Maksud Bapak/Ibu: Dinas Lingkungan Hidup?"), else free text."""
    text = text.strip()
    low, high = OTHER_OFFICE_LIMIT
    if not await _length_ok(turn, text, low, high):
        return STAY
    found = match_office(turn.context.event, text)
    if found.opd is not None and found.certainty == "sure":
        return _lead_office(turn, found.opd.id)
    if found.opd is not None and found.certainty == "guess":
        turn.data[OFFICE_GUESS] = {"text": text, "opd": found.opd.id}  # saved with the step
        return Move(to="lead_opd_guess")
    return _other_office(turn, text)


def _lead_office(turn: Turn, opd_id: str) -> Move:
    """The lead office is the OPD `opd_id`: counted for it (/rekap), as if pressed."""
    office = turn.context.event.opd(opd_id)
    note = _note(turn, "lead_opd", office.name if office else opd_id)
    return _store(turn, _after(turn, "lead_opd"), note, lead_opd_id=opd_id, lead_opd_other=None)


def _other_office(turn: Turn, text: str) -> Move:
    note = _note(turn, "lead_opd", text)
    return _store(turn, _after(turn, "lead_opd"), note, lead_opd_id=None, lead_opd_other=text)


async def _confirm_office(turn: Turn, press: Callback) -> Move:
    """prop:v:lead_opd_guess:yes (the guessed OPD) or :no (the typed text, as free text)."""
    guess = turn.data.pop(OFFICE_GUESS, None)
    choice = press.arg(1)
    if not isinstance(guess, dict) or choice not in ("yes", "no"):
        return await _not_offered(turn)
    opd_id = str(guess.get("opd"))
    if choice == "yes" and turn.context.event.opd(opd_id) is not None:
        return _lead_office(turn, opd_id)
    return _other_office(turn, str(guess.get("text", "")))


async def _on_preview(turn: Turn, press: Callback) -> Move:
    """prop:send|edit|cancel|done:<proposal id>."""
    proposal = await _proposal(turn)
    if proposal is None or press.int_arg() != proposal.id:
        return await turn.alert("common.expired")
    lang = turn.lang
    if press.action == "send":
        return await _send(turn, proposal)
    if press.action == "edit":
        return Move(to="fields")
    if press.action == "cancel":
        return Move(
            to=END,
            write=lambda: store.delete_draft(turn.db, proposal.id, turn.user_id),
            note=locales.t(lang, "proposals.cancelled"),
        )
    return Move(to=END, note=locales.t(lang, "proposals.edit_saved", id=proposal.id))


async def _send(turn: Turn, proposal: Proposal) -> Move:
    """Kirim: a draft with an unanswered question goes back to it; else it is submitted,
    unless the participant has reached the limit meanwhile (checked in the same
    transaction as the change)."""
    missing = first_missing(turn.context.event, proposal)
    if missing is not None:
        return Move(to=missing)
    event = turn.context.event
    limit = event.proposals.max_per_participant
    stage = event.current_stage(turn.context.services.clock.now())
    number = stage.number if stage else None
    # What to say depends on what the submission found, so this step commits itself: the
    # submission and the end of the flow in one transaction (commit joins it), then the reply.
    await answer_callback(turn.update)
    turn.answered = True
    async with turn.db.transaction():
        sent = await store.submit(turn.db, proposal.id, turn.user_id, number, limit)
        await commit(turn, Move(to=END))
    if sent:
        text = locales.t(turn.lang, "proposals.submitted", id=proposal.id, name=proposal.name or "")
    else:
        text = locales.t(turn.lang, "proposals.limit_reached", limit=limit)
    await reply(turn.update, text)
    return STAY


async def _settled(update: Update, context: BotContext, press: Callback) -> str | None:
    """A second press of Kirim (prop:send:<id>) after the submission was committed and its
    reply lost: the proposal is not sent twice, and the person is told it was sent."""
    user, proposal_id = update.effective_user, press.int_arg()
    if press.action != "send" or user is None or proposal_id is None:
        return None
    proposal = await store.get(context.db, proposal_id, user.id)
    if proposal is None or proposal.is_draft:
        return None
    return locales.plain(lang_of(update), "proposals.already_sent", id=proposal.id)


async def _on_field(turn: Turn, press: Callback) -> Move:
    """prop:fields:<question> (change one answer, then back to the preview) or prop:fields:back."""
    field = press.arg()
    if field == "back":
        return Move(to="preview")
    if field in questions(turn.context.event):
        turn.data["editing"] = True  # saved with the step by the engine
        return Move(to=field)
    return STAY


# --- around every input --------------------------------------------------------------------


def deadline_passed(context: BotContext) -> bool:
    deadline = context.event.proposals.deadline
    return deadline is not None and context.services.clock.now() > deadline


async def open_or_say(update: Update, context: BotContext, end_flow: bool = False) -> bool:
    """After the deadline the form is closed: say so (and end the form in progress when
    `end_flow`); drafts stay."""
    if not deadline_passed(context):
        return True
    lang = lang_of(update)
    deadline = context.event.proposals.deadline
    assert deadline is not None
    text = locales.t(
        lang, "proposals.closed", deadline=format_datetime(deadline, context.event.tz, lang)
    )
    if end_flow and update.effective_user is not None:
        await flows.clear(context.db, update.effective_user.id, NAME)
    await answer_callback(update)
    await reply(update, text)
    return False


async def _before_input(turn: Turn) -> bool:
    """Every typed answer and press: the draft still exists (it may have been anonymised or
    deleted meanwhile) and the form is still open."""
    if await _proposal(turn) is None:
        await flows.clear(turn.db, turn.user_id, NAME)
        if turn.press is not None:
            await turn.alert("common.expired")
        else:
            await reply(turn.update, locales.t(turn.lang, "common.expired"))
        return False
    return await open_or_say(turn.update, turn.context, end_flow=True)


async def _wrong_input(turn: Turn, kind: str) -> None:
    if kind == "command":
        # The form does not take commands: an unknown one is unknown, as outside the form.
        await reply(turn.update, locales.t(turn.lang, "common.unknown_command"))
        return
    step = turn.spec.steps.get(turn.state.step)
    file_line = unreadable_file(turn.update) if kind == "media" else None
    if file_line is not None:
        await reply(turn.update, file_line)
    if step is not None and step.text is not None:
        await reply(turn.update, locales.t(turn.lang, "proposals.text_expected"))
        return
    await reply(turn.update, locales.t(turn.lang, "proposals.use_buttons"))
    await ask_current(turn)  # a new live menu, right under the reminder


async def _on_cancel(turn: Turn) -> None:
    """/batal during the form: an unsent draft is discarded; a sent proposal stays as it is."""
    pid = turn.data.get("pid", 0)
    if not await store.delete_draft(turn.db, pid, turn.user_id):
        # Editing a sent proposal: every change so far is saved already.
        await reply(turn.update, locales.t(turn.lang, "proposals.edit_saved", id=pid))
        return
    await reply(turn.update, locales.t(turn.lang, "proposals.cancelled"))


# --- the table -----------------------------------------------------------------------------


def _choice_step(step: str, view: views.View, take: OnPress) -> Step:
    """A question answered by pressing prop:v:<step>:<value>."""
    return Step(ask=_asking(view), press=_taking(2, take), actions=frozenset({f"{CHOICE}:{step}"}))


def _text_step(step: str) -> Step:
    return Step(ask=_asking(views.text_question(step)), text=_typed(step))


def _optional_text_step(step: str) -> Step:
    """Typed, or left out with Lewati (prop:v:<step>:_skip)."""
    return Step(
        ask=_asking(views.text_question(step)),
        text=_typed(step),
        press=_taking(2, _skipping(step)),
        actions=frozenset({f"{CHOICE}:{step}"}),
    )


STEPS: dict[str, Step] = {
    "dimension": _choice_step("dimension", views.dimension_question, _choose_dimension),
    "element": _choice_step("element", views.element_question, _choose_element),
    "name": _text_step("name"),
    "problem": _text_step("problem"),
    "description": _text_step("description"),
    "target": _text_step("target"),
    "target_group": _optional_text_step("target_group"),
    "horizon": _choice_step("horizon", views.horizon_question, _choose_horizon),
    # Pressed (an OPD) or typed (any other institution).
    "lead_opd": Step(
        ask=_asking(views.lead_office_question),
        text=_typed_office,
        press=_taking(2, _choose_office),
        actions=frozenset({f"{CHOICE}:lead_opd"}),
    ),
    "lead_opd_guess": Step(
        ask=_ask_office_guess,
        press=_taking(2, _confirm_office),
        actions=frozenset({f"{CHOICE}:lead_opd_guess"}),
    ),
    # The optional questions (the event file's `proposals.optional_fields`).
    "partners": Step(
        ask=_asking(views.partners_question),
        text=_typed_partner,
        press=_taking(2, _toggle_partner),
        actions=frozenset({f"{CHOICE}:partners"}),
    ),
    "planning": _choice_step("planning", views.planning_question, _choose_planning),
    "planning_ref": _optional_text_step("planning_ref"),
    "budget": Step(
        ask=_asking(views.budget_question),
        text=_typed_budget,
        press=_taking(2, _budget_unknown),
        actions=frozenset({f"{CHOICE}:budget"}),
    ),
    "budget_source": _choice_step("budget_source", views.budget_source_question, _choose_source),
    "location": _optional_text_step("location"),
    "preview": Step(
        ask=_asking(views.preview),
        press=_taking(1, _on_preview),
        actions=frozenset({"send", "edit", "cancel", "done"}),
    ),
    "fields": Step(
        ask=_asking(views.fields_question),
        press=_taking(1, _on_field),
        actions=frozenset({"fields"}),
    ),
}

FLOW = FlowSpec(
    name=NAME,
    feature=Feature.PROPOSAL,
    steps=STEPS,
    wrong_input=_wrong_input,
    on_cancel=_on_cancel,
    menu_bound=True,  # a press must come from the menu the step last sent
    before_input=_before_input,
    settled=_settled,
    arity=2,  # prop:v:<step>:<value>: the value is never split (an id may contain ':')
)
