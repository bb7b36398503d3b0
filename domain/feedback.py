"""Session feedback without Telegram: who is asked (those recorded present, once the session
has ended), until when an answer may be changed (the end of the next day), the summary."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from schedules.event import Event, Session, Stage
from storage import attendance as attendance_store
from storage import feedback as store
from storage import outbox
from storage.db import Database
from storage.participants import Participant

COMMENT_LIMIT = 500


def deadline(event: Event, session: Session) -> datetime:
    """Answers can be given and changed until the end of the day after the session."""
    day = session.end.astimezone(event.tz).date() + timedelta(days=2)
    return datetime.combine(day, time(0), tzinfo=event.tz)


def open_for(event: Event, session: Session, now: datetime) -> bool:
    return session.end <= now < deadline(event, session)


async def invitees(
    db: Database, event: Event, people: Callable[[], Awaitable[list[Participant]]], now: datetime
) -> list[tuple[Stage, Session, Participant]]:
    """Sessions that have ended (and may still be rated), their participants recorded present
    (among `people`, read only when someone is still to be asked)."""
    by_id: dict[int, Participant] | None = None
    found = []
    for stage, session in event.sessions():
        if not open_for(event, session, now):
            continue
        asked = await outbox.recipients(db, "feedback", session.id)
        records = [
            r for r in await attendance_store.of_session(db, session.id) if r.user_id not in asked
        ]
        if not records:
            continue  # everyone recorded has had the question (the outbox key keeps it once)
        if by_id is None:
            by_id = {p.user_id: p for p in await people()}
        for record in records:
            person = by_id.get(record.user_id)
            if person is not None:
                found.append((stage, session, person))
    return found


async def may_answer(
    db: Database, event: Event, session_id: str, user_id: int, now: datetime
) -> Session | None:
    """The session when this person may rate it now (recorded present, within the time)."""
    found = event.session(session_id)
    if found is None or not open_for(event, found[1], now):
        return None
    if await attendance_store.get(db, session_id, user_id) is None:
        return None
    return found[1]


@dataclass(frozen=True)
class Summary:
    session: Session
    count: int
    average: float
    comments: list[str]


async def summaries(db: Database, event: Event) -> list[Summary]:
    found = []
    for _, session in event.sessions():
        answers = await store.answers(db, session.id)
        if not answers:
            continue
        ratings = [r for r, _ in answers]
        comments = [c for _, c in answers if c]
        found.append(Summary(session, len(ratings), sum(ratings) / len(ratings), comments))
    return found
