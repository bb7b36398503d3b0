"""Reloading the event file in a running bot: validation, and the "Perubahan jadwal"
messages for the participants whose upcoming sessions changed time or place."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import locales
from schedules.event import Event, EventFileError, Session, load_event
from schedules.reminders import in_audience, place_text
from schedules.timefmt import format_range
from storage import participants
from storage.db import Database
from storage.outbox import OutgoingMessage
from storage.participants import Participant

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: the reason it was refused, or how many sessions changed."""

    error: str | None = None
    changed: int = 0


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
    """One "Perubahan jadwal" message per affected participant and change (deduped by key)."""
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
                old_place=place_text(old, before, person.mode, lang),
                new_place=place_text(new, after, person.mode, lang),
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
        return None, ReloadResult(error=str(exc)), []
    people = await participants.registered(db)
    messages = change_messages(old, new, people, now)
    log.info("Event reloaded: %d change message(s)", len(messages))
    return new, ReloadResult(changed=len(changed_sessions(old, new, now))), messages
