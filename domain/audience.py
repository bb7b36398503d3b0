"""Who an announcement reaches: the audience rules, in words and as recipients.

An audience is stored with its announcement as `{"type": ..., "values": [...]}`: everyone,
some dimensions (participants in "all dimensions" belong to every group), a role, some OPD,
offline or online participants, or the participants of one stage's sessions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import locales
from schedules.event import Event, in_dimensions
from storage import broadcasts
from storage.broadcasts import Recipient
from storage.db import Database

Audience = dict[str, Any]
TYPES = ("all", "dimensions", "role", "opds", "mode", "stage")


def matches(audience: Audience, who: Recipient, event: Event) -> bool:
    """Whether a registered participant belongs to the chosen audience."""
    kind, values = audience.get("type"), audience.get("values") or []
    if kind == "all":
        return True
    if kind == "dimensions":
        return in_dimensions(who.dimension, values)
    if kind == "role":
        return who.role in values
    if kind == "opds":
        return who.opd_id in values
    if kind == "mode":
        return who.mode in values
    if kind == "stage":
        stage = event.stage(int(values[0])) if values else None
        return stage is not None and any(s.audience.admits(who) for s in stage.sessions)
    return False


async def recipients(db: Database, event: Event, audience: Audience) -> list[Recipient]:
    """The registered participants (with consent) the audience names, blocked or not."""
    everyone = await broadcasts.registered_recipients(db)
    return [r for r in everyone if matches(audience, r, event)]


@dataclass(frozen=True)
class Reach:
    """How many people an audience reaches, and how many of them have blocked the bot."""

    total: int
    blocked: int


async def reach(db: Database, event: Event, audience: Audience) -> Reach:
    """The count of `recipients`, by the same rule, from per-kind counts (no list of people)."""
    total = blocked = 0
    for kind, count in await broadcasts.recipient_groups(db):
        if matches(audience, kind, event):
            total += count
            blocked += 0 if kind.active else count
    return Reach(total, blocked)


def describe(audience: Audience, lang: str, event: Event) -> str:
    """The audience in words, e.g. "Dimensi: Smart Branding, Smart Economy" (plain text)."""
    kind, values = audience.get("type"), audience.get("values") or []
    if kind == "dimensions":
        names = [d.name for d in event.dimensions if d.id in values]
        return locales.plain(lang, "broadcast.aud_desc_dimensions", names=", ".join(names))
    if kind == "role":
        return locales.plain(
            lang,
            "broadcast.aud_desc_role",
            role=locales.plain(lang, f"registration.role_{values[0]}"),
        )
    if kind == "opds":
        names = [o.name for o in event.opds if o.id in values]
        shown = ", ".join(names[:4])
        if len(names) > 4:
            shown += locales.plain(lang, "broadcast.and_more", n=len(names) - 4)
        return locales.plain(lang, "broadcast.aud_desc_opds", names=shown)
    if kind == "mode":
        return locales.plain(lang, f"broadcast.aud_desc_{values[0]}")
    if kind == "stage":
        stage = event.stage(int(values[0]))
        title = stage.title_in(lang) if stage else str(values[0])
        return locales.plain(lang, "broadcast.aud_desc_stage", stage=title)
    return locales.plain(lang, "broadcast.aud_desc_all")


def count_line(found: Reach, lang: str) -> locales.Html:
    """ "N recipients", and how many of them have blocked the bot."""
    line = locales.t(lang, "broadcast.count", n=locales.number(found.total, lang))
    if found.blocked:
        n = locales.number(found.blocked, lang)
        line += " " + locales.t(lang, "broadcast.count_blocked", n=n)
    return line
