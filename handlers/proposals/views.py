"""How the proposal form looks: each question with its buttons, and a proposal as stored.

Pure functions of the event, the proposal and its author's profile: nothing here reads
storage or sends, so the flow (handlers/proposals/steps.py) and /usulanku
(handlers/proposals/mine.py) show the same proposal the same way. Every button is built with
the callback codec; the data (`prop:v:<step>:<value>`, `prop:fields:<field>`, ...) is what
the flow's step table expects."""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

import locales
from domain.proposal_text import element_in, optional_values, render
from domain.proposal_text import lines as _lines
from handlers.base.callbacks import Feature
from handlers.base.keyboards import button, labelled
from locales import Html
from schedules.event import BASE_QUESTIONS, Event, Opd
from storage.participants import Participant
from storage.proposals import BUDGET_SOURCES, FIELDS, HORIZONS, PLANNING, Proposal

# The eight questions every form asks, in order: the stored fields (storage.proposals.FIELDS,
# in the order they are asked), the two lead-office columns as one question "lead_opd" (an OPD
# or typed text). Then the optional ones the event file chooses (`questions`). The form's
# shape lives here because both the questions ("3/12 ...") and the steps use it.
QUESTIONS = BASE_QUESTIONS
assert (*FIELDS[: FIELDS.index("lead_opd_id")], "lead_opd") == QUESTIONS
# A question asked right after another, under its number: the reference after the planning
# link, the source after the budget.
FOLLOW_UPS = {"planning": "planning_ref", "budget": "budget_source"}
TEXT_LIMITS = {
    "name": (5, 120),
    "problem": (1, 500),
    "description": (1, 700),
    "target": (1, 300),
    "planning_ref": (1, 200),
    "location": (2, 200),
    "target_group": (2, 300),
}
PARTNERS_OTHER_LIMIT = 300  # all typed partners together
SKIP = "_skip"  # prop:v:<step>:_skip, an optional answer left out
DONE = "_done"  # prop:v:partners:_done
UNKNOWN = "_unknown"  # prop:v:budget:_unknown
OTHER_OFFICE_LIMIT = (3, 120)
# The button value for "my office" when the profile names an institution that is no OPD.
OWN_OFFICE = "_own"
CHOICE = "v"  # prop:v:<step>:<value>: a pressed answer

Question = tuple[str, InlineKeyboardMarkup | None]
View = Callable[[Event, str, Proposal, Participant | None], Question]


def questions(event: Event) -> tuple[str, ...]:
    """The questions this event's form asks, in order (follow-ups not counted)."""
    return event.proposals.questions()


def _ask(event: Event, lang: str, step: str, **values: object) -> Html:
    """A question's text with its number: "3/12. ..." (a follow-up has none)."""
    asked = questions(event)
    number = asked.index(step) + 1 if step in asked else 0
    return locales.t(lang, f"proposals.ask.{step}", n=number, total=len(asked), **values)


def _skip_row(lang: str, step: str) -> list[InlineKeyboardButton]:
    return [button(lang, "proposals.btn.skip", Feature.PROPOSAL, CHOICE, step, SKIP)]


def dimension_question(
    event: Event, lang: str, proposal: Proposal, profile: Participant | None
) -> Question:
    own = profile.dimension if profile else None
    dims = sorted(event.dimensions, key=lambda d: d.id != own)  # the own group first
    rows = []
    for d in dims:
        label = ("✓ " if d.id == own else "") + d.name
        rows.append([labelled(label, Feature.PROPOSAL, CHOICE, "dimension", d.id)])
    # Someone in every group ("Semua dimensi") has no button ticked: the question says no ✓.
    ticked = any(d.id == own for d in dims)
    text = _ask(event, lang, "dimension")
    if not ticked:
        text = locales.t(lang, "proposals.ask.dimension_any", n=1, total=len(questions(event)))
    return text, InlineKeyboardMarkup(rows)


def element_question(
    event: Event, lang: str, proposal: Proposal, profile: Participant | None
) -> Question:
    dimension = event.dimension(proposal.dimension)
    elements = dimension.elements_in(lang) if dimension else []
    # The element travels as its index: names can be longer than callback data allows.
    rows = [
        [labelled(name, Feature.PROPOSAL, CHOICE, "element", i)] for i, name in enumerate(elements)
    ]
    name = dimension.name if dimension else ""
    return _ask(event, lang, "element", dimension=name), InlineKeyboardMarkup(rows)


def text_question(step: str) -> View:
    """A typed answer's question, with its length limits (and Lewati when optional)."""
    low, high = TEXT_LIMITS[step]
    optional = step in ("planning_ref", "location", "target_group")

    def question(
        event: Event, lang: str, proposal: Proposal, profile: Participant | None
    ) -> Question:
        markup = InlineKeyboardMarkup([_skip_row(lang, step)]) if optional else None
        return _ask(event, lang, step, low=low, limit=high), markup

    return question


def horizon_question(
    event: Event, lang: str, proposal: Proposal, profile: Participant | None
) -> Question:
    rows = [
        [button(lang, f"proposals.horizon.{h}", Feature.PROPOSAL, CHOICE, "horizon", h)]
        for h in HORIZONS
    ]
    return _ask(event, lang, "horizon"), InlineKeyboardMarkup(rows)


def lead_office_question(
    event: Event, lang: str, proposal: Proposal, profile: Participant | None
) -> Question:
    """The participant's own office first, then every other OPD two to a row; any other
    institution is typed."""
    rows: list[list[InlineKeyboardButton]] = []
    own = event.opd(profile.opd_id) if profile else None
    office = event.office_name(profile.opd_id, profile.opd_other) if profile else ""
    if office:
        value = own.id if own is not None else OWN_OFFICE
        short = own.short_name if own is not None else office  # a button: the short name
        label = locales.plain(lang, "proposals.own_office", office=short)
        rows.append([labelled(label, Feature.PROPOSAL, CHOICE, "lead_opd", value)])
    others = [o for o in event.opds if own is None or o.id != own.id]
    for i in range(0, len(others), 2):
        pair = others[i : i + 2]
        rows.append(
            [labelled(o.short_name, Feature.PROPOSAL, CHOICE, "lead_opd", o.id) for o in pair]
        )
    _, high = OTHER_OFFICE_LIMIT
    return _ask(event, lang, "lead_opd", limit=high), InlineKeyboardMarkup(rows)


def partners_question(
    event: Event, lang: str, proposal: Proposal, profile: Participant | None
) -> Question:
    """Every OPD but the lead office, two to a row, ✓ on the chosen ones (pressed again to
    undo), then Selesai; other partners are typed."""
    chosen = set(proposal.partner_ids)
    offices = [o for o in event.opds if o.id != proposal.lead_opd_id]
    rows: list[list[InlineKeyboardButton]] = []
    for i in range(0, len(offices), 2):
        rows.append(
            [
                labelled(
                    ("✓ " if o.id in chosen else "") + o.short_name,
                    Feature.PROPOSAL,
                    CHOICE,
                    "partners",
                    o.id,
                )
                for o in offices[i : i + 2]
            ]
        )
    rows.append(
        [button(lang, "proposals.btn.partners_done", Feature.PROPOSAL, CHOICE, "partners", DONE)]
    )
    return _ask(event, lang, "partners"), InlineKeyboardMarkup(rows)


def planning_question(
    event: Event, lang: str, proposal: Proposal, profile: Participant | None
) -> Question:
    rows = [
        [button(lang, f"proposals.planning.{p}", Feature.PROPOSAL, CHOICE, "planning", p)]
        for p in PLANNING
    ]
    return _ask(event, lang, "planning"), InlineKeyboardMarkup(rows)


def budget_question(
    event: Event, lang: str, proposal: Proposal, profile: Participant | None
) -> Question:
    row = [button(lang, "proposals.budget_unknown", Feature.PROPOSAL, CHOICE, "budget", UNKNOWN)]
    return _ask(event, lang, "budget"), InlineKeyboardMarkup([row])


def budget_source_question(
    event: Event, lang: str, proposal: Proposal, profile: Participant | None
) -> Question:
    buttons = [
        button(lang, f"proposals.source.{s}", Feature.PROPOSAL, CHOICE, "budget_source", s)
        for s in BUDGET_SOURCES
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return _ask(event, lang, "budget_source"), InlineKeyboardMarkup(rows)


def office_guess_question(lang: str, office: Opd) -> Question:
    """A typed lead office that may be this OPD: Ya (the OPD) or Bukan (the text as typed)."""
    row = [
        button(lang, "common.office_guess_yes", Feature.PROPOSAL, CHOICE, "lead_opd_guess", "yes"),
        button(lang, "common.office_guess_no", Feature.PROPOSAL, CHOICE, "lead_opd_guess", "no"),
    ]
    text = locales.t(lang, "common.office_guess", office=office.name)
    return text, InlineKeyboardMarkup([row])


def fields_question(
    event: Event, lang: str, proposal: Proposal, profile: Participant | None
) -> Question:
    """Which answer to change (from the preview)."""
    rows = [
        [button(lang, f"proposals.field.{s}", Feature.PROPOSAL, "fields", s)]
        for s in questions(event)
    ]
    rows.append([button(lang, "common.back", Feature.PROPOSAL, "fields", "back")])
    return locales.t(lang, "proposals.ask.field"), InlineKeyboardMarkup(rows)


def preview(event: Event, lang: str, proposal: Proposal, profile: Participant | None) -> Question:
    """The proposal as it will be stored: a draft is sent, edited or cancelled; a sent
    proposal is edited (each change is saved at once) until done."""
    body = render(event, proposal, lang)
    if proposal.is_draft:
        title = locales.t(lang, "proposals.preview")
        actions = [
            ("proposals.btn.submit", "send"),
            ("proposals.btn.edit", "edit"),
            ("proposals.btn.cancel", "cancel"),
        ]
    else:
        title = locales.t(lang, "proposals.preview_edit", id=proposal.id)
        actions = [("proposals.btn.edit", "edit"), ("proposals.btn.done", "done")]
    # The buttons carry the id: a second Kirim after a lost reply can say "already sent", and
    # a preview's buttons act on that proposal only.
    row = [button(lang, key, Feature.PROPOSAL, action, proposal.id) for key, action in actions]
    return f"{title}\n\n{body}", InlineKeyboardMarkup([row])


def render_so_far(event: Event, proposal: Proposal, lang: str) -> Html:
    """The answers a draft has stored so far, one line each (every value escaped)."""
    dimension = event.dimension(proposal.dimension)
    horizon = (
        locales.plain(lang, f"proposals.horizon.{proposal.horizon}") if proposal.horizon else ""
    )
    values = {
        "dimension": dimension.name if dimension else "",
        "element": element_in(dimension, lang, proposal.element),
        "name": proposal.name or "",
        "problem": proposal.problem or "",
        "description": proposal.description or "",
        "target": proposal.target or "",
        "horizon": horizon,
        "lead_opd": event.office_name(proposal.lead_opd_id, proposal.lead_opd_other),
        **optional_values(event, proposal, lang),
    }
    return _lines(lang, values)


def resume_text(event: Event, lang: str, proposal: Proposal, step: str) -> Html:
    """Where the form is: what the draft has stored so far (the preview shows it itself),
    above the question it is at (sent next)."""
    stored = render_so_far(event, proposal, lang)
    # At the first question nothing was answered yet: the dimension is only the profile's
    # group, pre-filled, and "Yang sudah tersimpan: Dimensi" would claim an answer.
    if not stored or step in ("preview", "fields", "dimension"):
        return locales.t(lang, "proposals.resumed")
    return locales.t(lang, "proposals.resumed_so_far", draft=stored)
