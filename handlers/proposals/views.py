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
from handlers.base.callbacks import Feature
from handlers.base.keyboards import button, labelled
from locales import Html
from schedules.event import Dimension, Event, Opd
from storage.participants import Participant
from storage.proposals import FIELDS, HORIZONS, Proposal

# The questions, in order: the stored fields (storage.proposals.FIELDS, in the order they are
# asked), the two lead-office columns as one question "lead_opd" (an OPD or typed text). The
# form's shape lives here because both the questions ("3/8 ...") and the steps use it.
QUESTIONS = (*FIELDS[: FIELDS.index("lead_opd_id")], "lead_opd")
TEXT_LIMITS = {"name": (5, 120), "problem": (1, 500), "description": (1, 700), "target": (1, 300)}
OTHER_OFFICE_LIMIT = (3, 120)
# The button value for "my office" when the profile names an institution that is no OPD.
OWN_OFFICE = "_own"
CHOICE = "v"  # prop:v:<step>:<value>: a pressed answer

Question = tuple[str, InlineKeyboardMarkup | None]
View = Callable[[Event, str, Proposal, Participant | None], Question]


def dimension_question(
    event: Event, lang: str, proposal: Proposal, profile: Participant | None
) -> Question:
    own = profile.dimension if profile else None
    dims = sorted(event.dimensions, key=lambda d: d.id != own)  # the own group first
    rows = []
    for d in dims:
        label = ("✓ " if d.id == own else "") + d.name
        rows.append([labelled(label, Feature.PROPOSAL, CHOICE, "dimension", d.id)])
    return locales.t(lang, "proposals.ask.dimension"), InlineKeyboardMarkup(rows)


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
    return locales.t(lang, "proposals.ask.element", dimension=name), InlineKeyboardMarkup(rows)


def text_question(step: str) -> View:
    """A typed answer's question, with its length limits."""
    low, high = TEXT_LIMITS[step]

    def question(
        event: Event, lang: str, proposal: Proposal, profile: Participant | None
    ) -> Question:
        return locales.t(lang, f"proposals.ask.{step}", low=low, limit=high), None

    return question


def horizon_question(
    event: Event, lang: str, proposal: Proposal, profile: Participant | None
) -> Question:
    rows = [
        [button(lang, f"proposals.horizon.{h}", Feature.PROPOSAL, CHOICE, "horizon", h)]
        for h in HORIZONS
    ]
    return locales.t(lang, "proposals.ask.horizon"), InlineKeyboardMarkup(rows)


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
    return locales.t(lang, "proposals.ask.lead_opd", limit=high), InlineKeyboardMarkup(rows)


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
        [button(lang, f"proposals.field.{s}", Feature.PROPOSAL, "fields", s)] for s in QUESTIONS
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
        element=_element(dimension, lang, proposal.element),
        name=proposal.name or "",
        problem=proposal.problem or "",
        description=proposal.description or "",
        target=proposal.target or "",
        horizon=horizon,
        office=event.office_name(proposal.lead_opd_id, proposal.lead_opd_other),
        stage=stage.title_in(lang) if stage else "",
    )


def _element(dimension: Dimension | None, lang: str, element: str | None) -> str:
    """The stored (Indonesian) element in the reader's language."""
    if not element:
        return ""
    return dimension.element_in(lang, element) if dimension else element


def render_so_far(event: Event, proposal: Proposal, lang: str) -> Html:
    """The answers a draft has stored so far, one line each (every value escaped)."""
    dimension = event.dimension(proposal.dimension)
    horizon = (
        locales.plain(lang, f"proposals.horizon.{proposal.horizon}") if proposal.horizon else ""
    )
    values = {
        "dimension": dimension.name if dimension else "",
        "element": _element(dimension, lang, proposal.element),
        "name": proposal.name or "",
        "problem": proposal.problem or "",
        "description": proposal.description or "",
        "target": proposal.target or "",
        "horizon": horizon,
        "lead_opd": event.office_name(proposal.lead_opd_id, proposal.lead_opd_other),
    }
    lines = [
        locales.t(
            lang,
            "proposals.so_far_line",
            label=locales.plain(lang, f"proposals.field.{question}"),
            value=value,
        )
        for question, value in values.items()
        if value
    ]
    return Html("\n").join(lines)


def resume_text(event: Event, lang: str, proposal: Proposal, step: str) -> Html:
    """Where the form is: what the draft has stored so far (the preview shows it itself),
    above the question it is at (sent next)."""
    stored = render_so_far(event, proposal, lang)
    if not stored or step in ("preview", "fields"):
        return locales.t(lang, "proposals.resumed")
    return locales.t(lang, "proposals.resumed_so_far", draft=stored)
