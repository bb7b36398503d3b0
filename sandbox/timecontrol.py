"""The sandbox's time control: the clock as the page shows it, and the moments it can jump to
(the reminders' fire times and the sessions' starts and ends, from the event and the reminder
plan)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import locales
from handlers.schedule.commands import offsets_text
from schedules import reminders
from schedules.clock import Clock
from schedules.event import Event
from schedules.timefmt import format_datetime

UPCOMING = 5


@dataclass(frozen=True)
class Moment:
    kind: str  # "reminder" | "session"
    at: datetime
    label: str
    label_en: str

    def to_json(self, event: Event) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "label_en": self.label_en,
            "at": self.at.astimezone(event.tz).isoformat(),
        }


def clock_json(clock: Clock, event: Event) -> dict[str, Any]:
    now = clock.now()
    return {
        "now": now.astimezone(event.tz).isoformat(timespec="seconds"),
        "label": format_datetime(now, event.tz, "id"),
        "label_en": format_datetime(now, event.tz, "en"),
        "offset_seconds": clock.offset.total_seconds(),
    }


def upcoming(event: Event, now: datetime, limit: int = UPCOMING) -> list[Moment]:
    """The next reminder fire times, session starts and ends after `now`, soonest first (a
    reminder and a start at the same moment: the reminder first)."""
    moments = [
        Moment("reminder", fire.at, *_labels("sandbox.reminder", fire.session, fire.offset))
        for fire in reminders.plan(event)
        if fire.at > now
    ]
    moments += [
        Moment("session", session.start, *_labels("sandbox.session", session, None))
        for _stage, session in event.sessions()
        if session.start > now
    ]
    # A session's end: the feedback invitations, and the way to the certificates.
    moments += [
        Moment("session", session.end, *_labels("sandbox.session_end", session, None))
        for _stage, session in event.sessions()
        if session.end > now
    ]
    moments.sort(key=lambda m: (m.at, m.kind != "reminder"))
    return moments[:limit]


def _labels(key: str, session: Any, offset: str | None) -> tuple[str, str]:
    def label(lang: str) -> str:
        before = offsets_text([offset], lang) if offset else ""  # /pengingat's words
        return locales.plain(lang, key, title=session.title_in(lang), before=before)

    return label("id"), label("en")
