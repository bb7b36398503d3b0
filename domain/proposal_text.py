"""A proposal as people read it: every stored answer with its label, user-supplied values
escaped. Shared by the form's preview and /usulanku (handlers/proposals), the review
(handlers/review) and the profiles (domain/exports), so a proposal looks the same everywhere."""

from __future__ import annotations

import locales
from domain.budget import format_rupiah
from locales import Html
from schedules.event import Dimension, Event
from storage.proposals import Proposal


def render(event: Event, proposal: Proposal, lang: str) -> Html:
    """The proposal as it is stored, every user-supplied value escaped."""
    dimension = event.dimension(proposal.dimension)
    horizon = (
        locales.plain(lang, f"proposals.horizon.{proposal.horizon}") if proposal.horizon else ""
    )
    stage = event.stage(proposal.stage) if proposal.stage else None
    base = locales.t(
        lang,
        "proposals.render",
        dimension=dimension.name if dimension else "",
        element=element_in(dimension, lang, proposal.element),
        name=proposal.name or "",
        problem=proposal.problem or "",
        description=proposal.description or "",
        target=proposal.target or "",
        horizon=horizon,
        office=event.office_name(proposal.lead_opd_id, proposal.lead_opd_other),
        stage=stage.title_in(lang) if stage else "",
    )
    extra = lines(lang, optional_values(event, proposal, lang))
    return Html("\n").join([base, extra]) if extra else base


def element_in(dimension: Dimension | None, lang: str, element: str | None) -> str:
    """The stored (Indonesian) element in the reader's language."""
    if not element:
        return ""
    return dimension.element_in(lang, element) if dimension else element


def partner_names(event: Event, proposal: Proposal) -> list[str]:
    """The partners: OPD names (event order of the choice), then the typed ones."""
    names = [event.office_name(i, None) or i for i in proposal.partner_ids]
    if proposal.partners_other:
        names += [p for p in proposal.partners_other.split("; ") if p]
    return names


def budget_text(proposal: Proposal, lang: str) -> str:
    if proposal.budget_status == "unknown":
        return locales.plain(lang, "proposals.budget_unknown")
    return format_rupiah(proposal.budget) if proposal.budget else ""


def optional_values(event: Event, proposal: Proposal, lang: str) -> dict[str, str]:
    """The optional answers this event asks, as shown ("" when not answered or skipped)."""
    values: dict[str, str] = {}
    asks = event.proposals.asks
    if asks("target_group") and proposal.target_group:
        values["target_group"] = proposal.target_group
    if asks("partners") and proposal.partner_opds is not None:
        names = partner_names(event, proposal)
        values["partners"] = ", ".join(names) or locales.plain(lang, "proposals.partners_none")
    if asks("planning") and proposal.planning:
        values["planning"] = locales.plain(lang, f"proposals.planning.{proposal.planning}")
        values["planning_ref"] = proposal.planning_ref or ""
    if asks("budget"):
        values["budget"] = budget_text(proposal, lang)
        source = proposal.budget_source
        values["budget_source"] = (
            locales.plain(lang, f"proposals.source.{source}") if source else ""
        )
    if asks("location"):
        values["location"] = proposal.location or ""
    return {k: v for k, v in values.items() if v}


def lines(lang: str, values: dict[str, str]) -> Html:
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
