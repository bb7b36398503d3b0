"""Reloading the event file in a running bot: validation, and the "Perubahan jadwal"
messages for the participants whose upcoming sessions changed time or place."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import locales
from domain import meeting_links
from schedules.event import Event, EventFileError, Session, load_event
from schedules.reminders import in_audience, place_text
from schedules.timefmt import format_range
from storage.db import Database
from storage.outbox import OutgoingMessage
from storage.participants import Participant

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: why it was refused (the error), or which sessions changed."""

    error: EventFileError | None = None
    changed: tuple[tuple[Session, Session], ...] = ()


# An example of a right value, by the name of the field that was wrong.
_EXAMPLES = {
    "start": "2027-01-11T08:00:00+07:00",
    "end": "2027-01-11T16:00:00+07:00",
    "deadline": "2027-02-28T23:59:00+07:00",
    "timezone": "Asia/Jakarta",
    "offsets": "[1d, 1h, 30m]",
    "id": "t1-hari1",
    "dimension": "governance",
    "number": "1",
    "online_url": "https://zoom.us/j/81234567890",
    "audience": "all",
    "privacy": "{retention_until: 2028-04-06}",
    "retention_until": "2028-04-06",
}
# Pydantic's error types, grouped under the explanation people get.
_KINDS = {
    "missing": "missing",
    "extra_forbidden": "unknown",
    "literal_error": "choice",
    "enum": "choice",
    "string_pattern_mismatch": "pattern",
    "int_parsing": "number",
    "int_type": "number",
    "greater_than_equal": "number",
    "less_than_equal": "number",
    "datetime_parsing": "datetime",
    "datetime_from_date_parsing": "datetime",
    "datetime_type": "datetime",
    "date_parsing": "date",
    "date_type": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "string_type": "text",
    "list_type": "list",
    "file": "file",
    "yaml": "yaml",
    "top_level": "top_level",
}


def explain(error: EventFileError, lang: str) -> locales.Html:
    """A bad event file in the user's language: which field, what is wrong, an example."""
    name = error.field.rsplit(".", 1)[-1].split("[")[0]
    kind = _KINDS.get(error.kind, "other")
    if kind == "other" and name in ("start", "end", "deadline"):
        kind = "datetime"  # our own check: a time without its zone
    parts = [locales.t(lang, "event_file.refused")]
    if kind == "yaml":
        parts.append(locales.t(lang, "event_file.yaml", line=error.field or "?"))
    elif kind in ("file", "top_level"):
        parts.append(locales.t(lang, f"event_file.{kind}"))
    else:
        problem = locales.t(lang, f"event_file.{kind}", expected=error.expected, detail=str(error))
        parts.append(locales.t(lang, "event_file.field", field=error.field, problem=problem))
        if name in _EXAMPLES and kind != "unknown":
            parts.append(locales.t(lang, "event_file.example", example=_EXAMPLES[name]))
    return locales.Html("\n").join(parts)


def _signature(session: Session) -> tuple[str, str, str, str]:
    return (
        session.start.isoformat(),
        session.end.isoformat(),
        session.location,
        session.online_url or "",
    )


def changed_sessions(old: Event, new: Event, now: datetime) -> list[tuple[Session, Session]]:
    """Upcoming sessions whose time or place changed: (old, new)."""
    pairs = []
    for _, session in new.sessions():
        before = old.session(session.id)
        if before is None or session.end <= now:
            continue
        if _signature(before[1]) != _signature(session):
            pairs.append((before[1], session))
    return pairs


def change_messages(
    old: Event, new: Event, people: list[Participant], now: datetime
) -> list[OutgoingMessage]:
    """One "Perubahan jadwal" message per affected participant and change (deduped by key).
    `people` may see the links (domain.meeting_links.registered_with_links)."""
    messages = []
    for before, after in changed_sessions(old, new, now):
        digest = hashlib.sha1(repr(_signature(after)).encode()).hexdigest()[:12]
        for person in people:
            if not (in_audience(after, person) or in_audience(before, person)):
                continue
            lang = person.language
            text = locales.t(
                lang,
                "schedule.change",
                title=after.title_in(lang),
                old_when=format_range(before.start, before.end, old.tz, lang),
                new_when=format_range(after.start, after.end, new.tz, lang),
                old_place=place_text(old, before, person.mode, lang, links=True),
                new_place=place_text(new, after, person.mode, lang, links=True),
            )
            messages.append(
                OutgoingMessage(
                    kind="schedule_change",
                    chat_id=person.user_id,
                    payload={"text": text},
                    ref=after.id,
                    dedupe_key=f"schedchange:{after.id}:{digest}:{person.user_id}",
                )
            )
    return messages


async def reload_event(
    event_file: Path, old: Event, db: Database, now: datetime
) -> tuple[Event | None, ReloadResult, list[OutgoingMessage]]:
    """Validate the event file and work out the "Perubahan jadwal" messages; the caller puts
    the new event in place, re-plans the reminders and enqueues the messages."""
    try:
        new = load_event(event_file)
    except EventFileError as exc:
        log.warning("Event reload refused: %s", exc)
        return None, ReloadResult(error=exc), []
    people = await meeting_links.registered_with_links(db)
    messages = change_messages(old, new, people, now)
    log.info("Event reloaded: %d change message(s)", len(messages))
    return new, ReloadResult(changed=tuple(changed_sessions(old, new, now))), messages
