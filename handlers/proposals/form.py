"""/usul (and /start usul): the guided proposal form; /usulanku: own proposals.

The form is a durable flow ("proposal"): the draft row in `proposals` gets each answer, and
the flow row the next step, in one transaction before the next question is asked. Every
button press is checked against the user's current step and menu message, and every
proposal is loaded with its owner's id, so forged callback data reaches nothing."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

import locales
from handlers.base.context import BotContext, lang_of
from handlers.base.guards import private_only
from handlers.base.links import Payload
from handlers.base.replies import answer_callback, reply
from locales import Html
from schedules.event import Event
from schedules.timefmt import format_datetime
from storage import flows, participants
from storage import proposals as store
from storage.flows import Flow
from storage.participants import Participant
from storage.proposals import HORIZONS, Proposal

FLOW = "proposal"
PREFIX = "prop:"
# The questions, in order; "lead_opd" fills lead_opd_id or lead_opd_other.
STEPS = ("dimension", "element", "name", "problem", "description", "target", "horizon", "lead_opd")
TEXT_LIMITS = {"name": (5, 120), "problem": (1, 500), "description": (1, 700), "target": (1, 300)}
OTHER_OFFICE_LIMIT = (3, 120)
OWN_OFFICE = "_own"


# --- entry points --------------------------------------------------------------------------


@private_only(Payload.USUL)
async def usul_command(update: Update, context: BotContext) -> None:
    """/usul and /start usul: resume the form in progress, else a draft, else a new one."""
    user = update.effective_user
    lang = lang_of(update)
    profile = await _registered(update, context)
    if user is None or profile is None:
        return
    if not await _open_or_say(update, context):
        return
    state = await flows.get(context.db, user.id)
    if state is not None and state.flow == FLOW:
        proposal = await store.get(context.db, state.data.get("pid", 0), user.id)
        if proposal is not None:
            await reply(update, locales.t(lang, "proposals.resumed"))
            await _ask(update, context, state, proposal)
            return
    draft = await store.latest_draft(context.db, user.id)
    if draft is None:
        limit = context.event.proposals.max_per_participant
        if await store.count_submitted(context.db, user.id) >= limit:
            await reply(update, locales.t(lang, "proposals.limit_reached", limit=limit))
            return
        defaults = _defaults(context.event, profile)
        stage = context.event.current_stage(context.services.clock.now())
        pid = await store.create_draft(context.db, user.id, stage.number, **defaults)
        draft = await store.get(context.db, pid, user.id)
        await reply(update, locales.t(lang, "proposals.intro", limit=limit))
    else:
        await reply(update, locales.t(lang, "proposals.resumed"))
    assert draft is not None
    step = "dimension" if draft.name is None else (_first_missing(draft) or "preview")
    state = Flow(user.id, FLOW, step, {"pid": draft.id})
    await flows.save(context.db, state)
    await _ask(update, context, state, draft)


async def on_message(update: Update, context: BotContext, state: Flow) -> None:
    """A typed answer while the form is open."""
    lang = lang_of(update)
    proposal = await _flow_proposal(update, context, state)
    if proposal is None or not await _open_or_say(update, context, state):
        return
    message = update.effective_message
    text = message.text if message is not None else None
    if state.step not in ("name", "problem", "description", "target", "lead_opd"):
        await reply(update, locales.t(lang, "proposals.use_buttons"))
        await _ask(update, context, state, proposal)
        return
    if text is None:
        await reply(update, locales.t(lang, "proposals.text_expected"))
        return
    text = text.strip()
    if state.step == "lead_opd":
        low, high = OTHER_OFFICE_LIMIT
        if not await _length_ok(update, text, low, high):
            return
        await _save_answer(update, context, state, {"lead_opd_id": None, "lead_opd_other": text})
        return
    low, high = TEXT_LIMITS[state.step]
    if await _length_ok(update, text, low, high):
        await _save_answer(update, context, state, {state.step: text})


async def on_cancel(update: Update, context: BotContext, state: Flow) -> None:
    """/batal during the form: an unsent draft is discarded; a sent proposal stays as it is."""
    user = update.effective_user
    lang = lang_of(update)
    pid = state.data.get("pid", 0)
    if user is not None and not await store.delete_draft(context.db, pid, user.id):
        # Editing a sent proposal: every change so far is saved already.
        await reply(update, locales.t(lang, "proposals.edit_saved", id=pid))
        return
    await reply(update, locales.t(lang, "proposals.cancelled"))


async def on_button(update: Update, context: BotContext) -> None:
    """Every `prop:` button of the form: prop:v:<step>:<value>, prop:send, prop:edit,
    prop:fields:<field>, prop:cancel, prop:done."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or query.data is None:
        return
    lang = lang_of(update)
    parts = query.data.split(":")
    state = await flows.get(context.db, user.id)
    expected = _expected_step(parts)
    menu_id = query.message.message_id if query.message else None
    if (
        state is None
        or state.flow != FLOW
        or state.step != expected
        or (state.message_id is not None and state.message_id != menu_id)
    ):
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
        return
    proposal = await store.get(context.db, state.data.get("pid", 0), user.id)
    if proposal is None:
        await flows.clear(context.db, user.id, FLOW)
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
        return
    if not await _open_or_say(update, context, state):
        return
    await answer_callback(update)
    action = parts[1]
    if action == "v":
        value = ":".join(parts[3:])
        if not await _on_choice(update, context, state, proposal, parts[2], value):
            await reply(update, locales.t(lang, "common.expired"))
    elif action == "send":
        await _submit(update, context, state, proposal)
    elif action == "edit":
        state.step = "fields"
        await flows.save(context.db, state)
        await _ask(update, context, state, proposal)
    elif action == "fields":
        await _edit_field(update, context, state, proposal, parts[2])
    elif action == "cancel":
        await flows.clear(context.db, user.id, FLOW)
        await store.delete_draft(context.db, proposal.id, user.id)
        await reply(update, locales.t(lang, "proposals.cancelled"))
    elif action == "done":
        await flows.clear(context.db, user.id, FLOW)
        await reply(update, locales.t(lang, "proposals.edit_saved", id=proposal.id))


def _expected_step(parts: list[str]) -> str:
    """The step a button belongs to; a malformed one matches no step."""
    if len(parts) >= 4 and parts[1] == "v":
        return parts[2]
    if len(parts) == 2 and parts[1] in ("send", "edit", "cancel", "done"):
        return "preview"
    if len(parts) == 3 and parts[1] == "fields":
        return "fields"
    return "?"


# --- answering -----------------------------------------------------------------------------


async def _on_choice(
    update: Update,
    context: BotContext,
    state: Flow,
    proposal: Proposal,
    step: str,
    value: str,
) -> bool:
    """Save a pressed choice; False when the value is not one of the offered ones."""
    event = context.event
    fields: dict[str, object] | None = None
    if step == "dimension" and event.dimension(value) is not None:
        fields = {"dimension": value}
        if value != proposal.dimension:
            fields["element"] = None  # the elements belong to the dimension
    elif step == "element":
        dimension = event.dimension(proposal.dimension)
        if dimension is not None and value.isdigit() and int(value) < len(dimension.elements):
            fields = {"element": dimension.elements[int(value)]}
    elif step == "horizon" and value in HORIZONS:
        fields = {"horizon": value}
    elif step == "lead_opd":
        fields = await _lead_office_choice(update, context, value)
    if fields is None:
        return False
    await _save_answer(update, context, state, fields)
    return True


async def _lead_office_choice(
    update: Update, context: BotContext, value: str
) -> dict[str, object] | None:
    if context.event.opd(value) is not None:
        return {"lead_opd_id": value, "lead_opd_other": None}
    user = update.effective_user
    profile = await participants.get(context.db, user.id) if user else None
    if value == OWN_OFFICE and profile is not None and profile.opd_other:
        return {"lead_opd_id": None, "lead_opd_other": profile.opd_other}
    return None


async def _save_answer(
    update: Update, context: BotContext, state: Flow, fields: dict[str, object]
) -> None:
    """Commit the answer and the next step together, then ask the next question."""
    user = update.effective_user
    assert user is not None
    pid = state.data["pid"]
    state.step = _next_step(state, fields)
    state.message_id = None
    async with context.db.transaction():
        await store.update(context.db, pid, user.id, **fields)
        await flows.save(context.db, state)
    proposal = await store.get(context.db, pid, user.id)
    if proposal is not None:
        await _ask(update, context, state, proposal)


def _next_step(state: Flow, fields: dict[str, object]) -> str:
    if "dimension" in fields and fields.get("element", "") is None:
        return "element"  # a new dimension needs one of its elements, even when editing
    if state.data.get("editing"):
        return "preview"
    answered = "lead_opd" if "lead_opd_id" in fields else next(iter(fields))
    index = STEPS.index(answered)
    return STEPS[index + 1] if index + 1 < len(STEPS) else "preview"


async def _edit_field(
    update: Update, context: BotContext, state: Flow, proposal: Proposal, field: str
) -> None:
    if field == "back":
        state.step = "preview"
    elif field in STEPS:
        state.step = field
        state.data["editing"] = True
    else:
        return
    state.message_id = None
    await flows.save(context.db, state)
    await _ask(update, context, state, proposal)


async def _submit(update: Update, context: BotContext, state: Flow, proposal: Proposal) -> None:
    user = update.effective_user
    lang = lang_of(update)
    assert user is not None
    missing = _first_missing(proposal)
    if missing is not None:
        state.step = missing
        await flows.save(context.db, state)
        await _ask(update, context, state, proposal)
        return
    limit = context.event.proposals.max_per_participant
    stage = context.event.current_stage(context.services.clock.now())
    if not await store.submit(context.db, proposal.id, user.id, stage.number, limit):
        await flows.clear(context.db, user.id, FLOW)
        await reply(update, locales.t(lang, "proposals.limit_reached", limit=limit))
        return
    await flows.clear(context.db, user.id, FLOW)
    await reply(
        update, locales.t(lang, "proposals.submitted", id=proposal.id, name=proposal.name or "")
    )


def _first_missing(proposal: Proposal) -> str | None:
    for step in STEPS:
        if step == "lead_opd":
            if not (proposal.lead_opd_id or proposal.lead_opd_other):
                return step
        elif getattr(proposal, step) in (None, ""):
            return step
    return None


async def _length_ok(update: Update, text: str, low: int, high: int) -> bool:
    """Refuse a text outside the limits with its length: nothing is ever cut."""
    lang = lang_of(update)
    if len(text) > high:
        await reply(update, locales.t(lang, "proposals.too_long", length=len(text), limit=high))
        return False
    if len(text) < low:
        key = "proposals.empty" if not text else "proposals.too_short"
        await reply(update, locales.t(lang, key, length=len(text), limit=low))
        return False
    return True


# --- asking --------------------------------------------------------------------------------


async def _ask(update: Update, context: BotContext, state: Flow, proposal: Proposal) -> None:
    """Send the question of the current step and remember its message as the live menu."""
    lang = lang_of(update)
    text, markup = await _question(update, context, state, proposal, lang)
    chat = update.effective_chat
    assert chat is not None
    sent = await chat.send_message(text, reply_markup=markup)
    if markup is not None:
        state.message_id = sent.message_id
        await flows.save(context.db, state)


async def _question(
    update: Update, context: BotContext, state: Flow, proposal: Proposal, lang: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    event = context.event
    step = state.step
    if step == "dimension":
        user = update.effective_user
        profile = await participants.get(context.db, user.id) if user else None
        own = profile.dimension if profile else None
        dims = sorted(event.dimensions, key=lambda d: d.id != own)  # the own group first
        rows = [
            [_button(("✓ " if d.id == own else "") + d.name, f"v:dimension:{d.id}")] for d in dims
        ]
        return locales.t(lang, "proposals.ask.dimension"), InlineKeyboardMarkup(rows)
    if step == "element":
        dimension = event.dimension(proposal.dimension)
        elements = dimension.elements if dimension else []
        rows = [[_button(name, f"v:element:{i}")] for i, name in enumerate(elements)]
        name = dimension.name if dimension else ""
        return locales.t(lang, "proposals.ask.element", dimension=name), InlineKeyboardMarkup(rows)
    if step in TEXT_LIMITS:
        low, high = TEXT_LIMITS[step]
        return locales.t(lang, f"proposals.ask.{step}", low=low, limit=high), None
    if step == "horizon":
        rows = [
            [_button(locales.plain(lang, f"proposals.horizon.{h}"), f"v:horizon:{h}")]
            for h in HORIZONS
        ]
        return locales.t(lang, "proposals.ask.horizon"), InlineKeyboardMarkup(rows)
    if step == "lead_opd":
        return await _lead_office_question(update, context, lang)
    if step == "fields":
        rows = [
            [_button(locales.plain(lang, f"proposals.field.{s}"), f"fields:{s}")] for s in STEPS
        ]
        rows.append([_button(locales.plain(lang, "common.back"), "fields:back")])
        return locales.t(lang, "proposals.ask.field"), InlineKeyboardMarkup(rows)
    # preview
    body = render(event, proposal, lang)
    if proposal.is_draft:
        title = locales.t(lang, "proposals.preview")
        buttons = [("proposals.btn.submit", "send"), ("proposals.btn.edit", "edit")]
        buttons.append(("proposals.btn.cancel", "cancel"))
    else:
        title = locales.t(lang, "proposals.preview_edit", id=proposal.id)
        buttons = [("proposals.btn.edit", "edit"), ("proposals.btn.done", "done")]
    rows = [[_button(locales.plain(lang, key), data) for key, data in buttons]]
    return f"{title}\n\n{body}", InlineKeyboardMarkup(rows)


async def _lead_office_question(
    update: Update, context: BotContext, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    user = update.effective_user
    profile = await participants.get(context.db, user.id) if user else None
    rows: list[list[InlineKeyboardButton]] = []
    own = context.event.opd(profile.opd_id) if profile else None
    if own is not None:
        label = locales.plain(lang, "proposals.own_office", office=own.name)
        rows.append([_button(label, f"v:lead_opd:{own.id}")])
    elif profile is not None and profile.opd_other:
        label = locales.plain(lang, "proposals.own_office", office=profile.opd_other)
        rows.append([_button(label, f"v:lead_opd:{OWN_OFFICE}")])
    others = [o for o in context.event.opds if own is None or o.id != own.id]
    for i in range(0, len(others), 2):
        rows.append([_button(o.name, f"v:lead_opd:{o.id}") for o in others[i : i + 2]])
    low, high = OTHER_OFFICE_LIMIT
    return locales.t(lang, "proposals.ask.lead_opd", limit=high), InlineKeyboardMarkup(rows)


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=PREFIX + data)


def render(event: Event, proposal: Proposal, lang: str) -> Html:
    """The proposal as it is stored, every user-supplied value escaped."""
    dimension = event.dimension(proposal.dimension)
    horizon = (
        locales.plain(lang, f"proposals.horizon.{proposal.horizon}") if proposal.horizon else ""
    )
    stage = event.stage(proposal.stage) if proposal.stage else None
    return locales.t(
        lang,
        "proposals.render",
        dimension=dimension.name if dimension else "",
        element=proposal.element or "",
        name=proposal.name or "",
        problem=proposal.problem or "",
        description=proposal.description or "",
        target=proposal.target or "",
        horizon=horizon,
        office=event.office_name(proposal.lead_opd_id, proposal.lead_opd_other),
        stage=stage.title if stage else "",
    )


# --- guards --------------------------------------------------------------------------------


async def _registered(
    update: Update, context: BotContext, refusal: str = "proposals.not_registered"
) -> Participant | None:
    """Only registered participants propose; others are pointed to /daftar."""
    user = update.effective_user
    profile = await participants.get(context.db, user.id) if user else None
    if profile is None or not profile.is_registered:
        await reply(update, locales.t(lang_of(update), refusal))
        return None
    return profile


def deadline_passed(context: BotContext) -> bool:
    deadline = context.event.proposals.deadline
    return deadline is not None and context.services.clock.now() > deadline


async def _open_or_say(update: Update, context: BotContext, state: Flow | None = None) -> bool:
    """After the deadline the form is closed (the flow in progress ends, drafts stay)."""
    if not deadline_passed(context):
        return True
    lang = lang_of(update)
    deadline = context.event.proposals.deadline
    assert deadline is not None
    text = locales.t(
        lang, "proposals.closed", deadline=format_datetime(deadline, context.event.tz, lang)
    )
    if state is not None and update.effective_user is not None:
        await flows.clear(context.db, update.effective_user.id, FLOW)
    await answer_callback(update)
    await reply(update, text)
    return False


async def _flow_proposal(update: Update, context: BotContext, state: Flow) -> Proposal | None:
    user = update.effective_user
    proposal = await store.get(context.db, state.data.get("pid", 0), user.id) if user else None
    if proposal is None and user is not None:
        await flows.clear(context.db, user.id, FLOW)
        await reply(update, locales.t(lang_of(update), "common.expired"))
    return proposal


def _defaults(event: Event, profile: Participant) -> dict[str, object]:
    """The participant's dimension group and office prefill the form."""
    fields: dict[str, object] = {}
    if event.dimension(profile.dimension) is not None:
        fields["dimension"] = profile.dimension
    return fields


# --- /usulanku -----------------------------------------------------------------------------


@private_only(Payload.USULANKU)
async def my_command(update: Update, context: BotContext) -> None:
    """/usulanku: one's own proposals, to view, edit or withdraw."""
    if await _registered(update, context, "proposals.my_not_registered") is None:
        return
    text, markup = await _my_list(update, context)
    await reply(update, text, reply_markup=markup)


async def _my_list(update: Update, context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    user = update.effective_user
    lang = lang_of(update)
    assert user is not None
    mine = await store.of_user(context.db, user.id)
    if not mine:
        return locales.t(lang, "proposals.my.empty"), None
    lines = [locales.t(lang, "proposals.my.title", count=len(mine))]
    rows = []
    for p in mine:
        status = locales.plain(lang, f"proposals.status.{p.status}")
        dimension = context.event.dimension(p.dimension)
        lines.append(
            locales.t(
                lang,
                "proposals.my.item",
                id=p.id,
                name=p.name or "",
                dimension=dimension.name if dimension else "",
                status=status,
            )
        )
        rows.append(
            [InlineKeyboardButton(f"#{p.id} {p.name}"[:60], callback_data=f"usl:view:{p.id}")]
        )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def on_my_button(update: Update, context: BotContext) -> None:
    """usl:list, usl:view:<id>, usl:edit:<id>, usl:wd:<id>, usl:wdyes:<id>: always the owner's."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None or query.data is None:
        return
    lang = lang_of(update)
    parts = query.data.split(":")
    if parts[1:] == ["list"]:
        await answer_callback(update)
        text, markup = await _my_list(update, context)
        await reply(update, text, reply_markup=markup)
        return
    if len(parts) != 3 or not parts[2].isdigit():
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)
        return
    proposal = await store.get(context.db, int(parts[2]), user.id)
    if proposal is None or proposal.is_draft:
        await answer_callback(update, locales.plain(lang, "proposals.not_found"), alert=True)
        return
    action = parts[1]
    if action in ("edit", "wd", "wdyes") and not proposal.is_submitted:
        await answer_callback(update, locales.plain(lang, "proposals.not_found"), alert=True)
        return
    if action == "view":
        await answer_callback(update)
        await _show(update, context, proposal)
    elif action == "edit":
        if not await _open_or_say(update, context):
            return
        await answer_callback(update)
        state = Flow(user.id, FLOW, "preview", {"pid": proposal.id, "editing": True})
        await flows.save(context.db, state)
        await _ask(update, context, state, proposal)
    elif action == "wd":
        await answer_callback(update)
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        locales.plain(lang, "proposals.btn.withdraw_yes"),
                        callback_data=f"usl:wdyes:{proposal.id}",
                    ),
                    InlineKeyboardButton(
                        locales.plain(lang, "proposals.btn.withdraw_no"),
                        callback_data=f"usl:view:{proposal.id}",
                    ),
                ]
            ]
        )
        text = locales.t(lang, "proposals.withdraw_confirm", id=proposal.id, name=proposal.name)
        await reply(update, text, reply_markup=markup)
    elif action == "wdyes":
        await answer_callback(update)
        await store.withdraw(context.db, proposal.id, user.id)
        await reply(update, locales.t(lang, "proposals.withdrawn", id=proposal.id))
    else:
        await answer_callback(update, locales.plain(lang, "common.expired"), alert=True)


async def _show(update: Update, context: BotContext, proposal: Proposal) -> None:
    lang = lang_of(update)
    status = locales.plain(lang, f"proposals.status.{proposal.status}")
    title = locales.t(lang, "proposals.my.view", id=proposal.id, status=status)
    rows = []
    if proposal.is_submitted:
        rows.append(
            [
                InlineKeyboardButton(
                    locales.plain(lang, "proposals.btn.edit"),
                    callback_data=f"usl:edit:{proposal.id}",
                ),
                InlineKeyboardButton(
                    locales.plain(lang, "proposals.btn.withdraw"),
                    callback_data=f"usl:wd:{proposal.id}",
                ),
            ]
        )
    rows.append(
        [InlineKeyboardButton(locales.plain(lang, "common.back"), callback_data="usl:list")]
    )
    body = render(context.event, proposal, lang)
    await reply(update, f"{title}\n\n{body}", reply_markup=InlineKeyboardMarkup(rows))
