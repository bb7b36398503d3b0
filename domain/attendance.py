"""Attendance (presensi) without Telegram: the rotating check-in codes, the check-in window,
recording a scan or a press, and the live counts organisers see.

The QR opens the deep link `start=hadir_<kind><slot><mac><session id>`, fixed widths so that session ids
may contain anything Telegram's start parameter allows:
- kind `q`: the live code; `slot` is the minute (Unix time // 60) it was shown; accepted in
  that minute and the next (two minutes), so a photo sent home is useless soon after.
- kind `p`: the printed poster; `slot` is the local day; accepted only within the session's
  window on that day.
- `mac`: 8 characters of base64url HMAC-SHA256 over kind, slot and session id, keyed with the
  database's random secret (storage/attendance.py), so a code cannot be made up.
A code is accepted only inside the session's check-in window (the event file's `attendance`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from schedules.event import ALL_DIMENSIONS, Event, Session, Stage
from storage import attendance as store
from storage import participants
from storage.db import Database
from storage.participants import Participant

LIVE, POSTER = "q", "p"
SLOT_WIDTH = 6  # base36: minutes until the year 6100, local days for ever
MAC_WIDTH = 8  # 48 bits
ACCEPTED_MINUTES = 2
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def minute_slot(now: datetime) -> int:
    return int(now.timestamp() // 60)


def _base36(number: int) -> str:
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = _DIGITS[rest] + out
        if not number:
            return out.rjust(SLOT_WIDTH, "0")


def _mac(secret: bytes, kind: str, slot: int, session_id: str) -> str:
    digest = hmac.new(secret, f"{kind}|{slot}|{session_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_WIDTH]


def make_code(secret: bytes, kind: str, slot: int, session_id: str) -> str:
    """One code, the value of the deep link `start=hadir_<code>` (at most 55 characters, so
    the payload stays within Telegram's 64)."""
    return f"{kind}{_base36(slot)}{_mac(secret, kind, slot, session_id)}{session_id}"


def live_code(secret: bytes, session_id: str, now: datetime) -> str:
    return make_code(secret, LIVE, minute_slot(now), session_id)


def poster_code(secret: bytes, session: Session, event: Event) -> str:
    day = session.start.astimezone(event.tz).date()
    return make_code(secret, POSTER, day.toordinal(), session.id)


@dataclass(frozen=True)
class Code:
    kind: str
    slot: int
    session_id: str


def parse_code(secret: bytes, body: str) -> Code | None:
    """The code of a deep link, or None when it is malformed or its MAC is wrong."""
    if len(body) <= 1 + SLOT_WIDTH + MAC_WIDTH:
        return None
    kind, slot_text = body[0], body[1 : 1 + SLOT_WIDTH]
    mac = body[1 + SLOT_WIDTH : 1 + SLOT_WIDTH + MAC_WIDTH]
    session_id = body[1 + SLOT_WIDTH + MAC_WIDTH :]
    if kind not in (LIVE, POSTER) or any(c not in _DIGITS for c in slot_text):
        return None
    slot = int(slot_text, 36)
    if not hmac.compare_digest(mac, _mac(secret, kind, slot, session_id)):
        return None
    return Code(kind, slot, session_id)


class Outcome(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"
    FORGED = "forged"  # not a code the bot made, or a session the event no longer has
    EXPIRED = "expired"  # an old live code (a photo of the screen), or a poster of another day
    TOO_EARLY = "too_early"
    CLOSED = "closed"
    NOT_REGISTERED = "not_registered"  # kept; recorded when the registration is complete
    NOT_ONLINE = "not_online"  # the Hadir button of a session the person is not invited to


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    stage: Stage | None = None
    session: Session | None = None
    record: store.Record | None = None
    opens_at: datetime | None = None


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def window_state(event: Event, session: Session, now: datetime) -> Outcome | None:
    """None inside the check-in window, else TOO_EARLY or CLOSED."""
    opens, closes = event.check_in_window(session)
    if now < opens:
        return Outcome.TOO_EARLY
    if now >= closes:
        return Outcome.CLOSED
    return None


def code_state(event: Event, code: Code, session: Session, now: datetime) -> Outcome | None:
    """None when the code is current: a live code of this minute or the previous one, a
    poster code made for this session's day (the window check limits it to that day's
    window; a window that opens before midnight for a session just after it still counts)."""
    if code.kind == LIVE:
        age = minute_slot(now) - code.slot
        return None if 0 <= age < ACCEPTED_MINUTES else Outcome.EXPIRED
    day = session.start.astimezone(event.tz).date()
    return None if date.fromordinal(code.slot) == day else Outcome.EXPIRED


async def scan(db: Database, event: Event, user_id: int, value: str, now: datetime) -> Result:
    """A scanned QR (the deep link `start=hadir_<value>`): checked, then recorded once."""
    code = parse_code(await store.secret(db), value)
    found = event.session(code.session_id) if code is not None else None
    if code is None or found is None:
        return Result(Outcome.FORGED)
    stage, session = found
    refusal = code_state(event, code, session, now) or window_state(event, session, now)
    if refusal is not None:
        opens = event.check_in_window(session)[0]
        return Result(refusal, stage, session, opens_at=opens)
    method = "qr" if code.kind == LIVE else "poster"
    profile = await participants.get(db, user_id)
    if profile is None or not profile.is_registered:
        await store.set_pending(db, user_id, session.id, method, _utc_text(now))
        return Result(Outcome.NOT_REGISTERED, stage, session)
    return await _record(db, stage, session, user_id, "offline", method, now)


async def press_online(
    db: Database, event: Event, user_id: int, session_id: str, now: datetime
) -> Result:
    """The Hadir button of the online invitation: the session's window, and a registered
    participant of its audience."""
    found = event.session(session_id)
    if found is None:
        return Result(Outcome.FORGED)
    stage, session = found
    profile = await participants.get(db, user_id)
    if profile is None or not profile.is_registered or not session.audience.admits(profile):
        return Result(Outcome.NOT_ONLINE, stage, session)
    refusal = window_state(event, session, now)
    if refusal is not None:
        return Result(refusal, stage, session, opens_at=event.check_in_window(session)[0])
    return await _record(db, stage, session, user_id, "online", "button", now)


async def mark_by_hand(
    db: Database, event: Event, session_id: str, user_id: int, organiser_id: int, now: datetime
) -> Result:
    """An organiser marks someone present (any time: it is their judgement), as the mode
    the participant registered with."""
    found = event.session(session_id)
    profile = await participants.get(db, user_id)
    if found is None or profile is None or not profile.is_registered:
        return Result(Outcome.FORGED)
    stage, session = found
    mode = profile.mode or "offline"
    return await _record(db, stage, session, user_id, mode, "manual", now, marked_by=organiser_id)


async def _record(
    db: Database,
    stage: Stage,
    session: Session,
    user_id: int,
    mode: str,
    method: str,
    now: datetime,
    *,
    at: str | None = None,
    marked_by: int | None = None,
) -> Result:
    added = await store.record(
        db, session.id, user_id, mode=mode, method=method, at=at or _utc_text(now),
        marked_by=marked_by,
    )  # fmt: skip
    existing = await store.get(db, session.id, user_id)
    return Result(Outcome.RECORDED if added else Outcome.ALREADY, stage, session, existing)


async def complete_pending(db: Database, event: Event, user_id: int) -> Result | None:
    """After a registration: the scan that was waiting for it is recorded (at the scan's
    time). None when nothing was waiting (or its session is gone)."""
    pending = await store.take_pending(db, user_id)
    if pending is None:
        return None
    session_id, method, at = pending
    found = event.session(session_id)
    if found is None:
        return None
    stage, session = found
    moment = datetime.fromisoformat(at)
    return await _record(db, stage, session, user_id, "offline", method, moment, at=at)


def day_number(stage: Stage, session: Session, event: Event) -> int:
    """ "Hari 1" is the first date of the stage's sessions."""
    days = sorted({s.start.astimezone(event.tz).date() for s in stage.sessions})
    return days.index(session.start.astimezone(event.tz).date()) + 1


def title_after_day(title: str, day: str) -> str:
    """A session's title after its "Hari 1" label: the demo and real event files often begin
    titles with the day ("Hari 1, pembukaan"), which would read "Hari 1 · Hari 1, ..."."""
    if title.casefold().startswith(day.casefold()):
        rest = title[len(day) :].lstrip(" ,:;·-–")
        if rest and not rest[0].isdigit():
            return rest
    return title


def stage_label(stage: Stage, lang: str) -> str:
    """ "Tahap I" of "Tahap I: Analisis Kesiapan Daerah"."""
    return stage.title_in(lang).split(":", 1)[0].strip()


# --- live counts -------------------------------------------------------------------------------

OTHER_GROUP = ALL_DIMENSIONS  # participants in every dimension group are counted on their own


@dataclass
class Counts:
    """A session's attendance as organisers see it."""

    present: int = 0
    expected: int = 0
    offline: int = 0
    online: int = 0
    # dimension id (or "all") -> (present of the expected, expected)
    groups: dict[str, tuple[int, int]] = field(default_factory=dict)
    missing: list[Participant] = field(default_factory=list)


def expected_of(session: Session, people: list[Participant]) -> list[Participant]:
    return [p for p in people if p.is_registered and session.audience.admits(p)]


def counts(session: Session, people: list[Participant], records: list[store.Record]) -> Counts:
    expected = expected_of(session, people)
    here = {r.user_id for r in records}
    modes = Counter(r.mode for r in records)
    totals: Counter[str] = Counter()
    present: Counter[str] = Counter()
    for person in expected:
        group = person.dimension or OTHER_GROUP
        totals[group] += 1
        present[group] += person.user_id in here
    return Counts(
        present=len(records),
        expected=len(expected),
        offline=modes["offline"],
        online=modes["online"],
        groups={g: (present[g], totals[g]) for g in totals},
        missing=sorted(
            (p for p in expected if p.user_id not in here), key=lambda p: p.full_name or ""
        ),
    )


async def session_counts(db: Database, session: Session) -> Counts:
    people = await participants.registered(db)
    return counts(session, people, await store.of_session(db, session.id))


def online_invitees(
    event: Event, people: list[Participant], now: datetime
) -> list[tuple[Stage, Session, Participant]]:
    """Who gets the Hadir button now: sessions that have started and whose window is still
    open, their registered online participants (the outbox key keeps it to once)."""
    found = []
    for stage, session in event.sessions():
        if not (session.start <= now < event.check_in_window(session)[1]):
            continue
        if not session.online_url:
            continue
        for person in expected_of(session, people):
            if person.mode == "online":
                found.append((stage, session, person))
    return found


def search_by_name(people: list[Participant], query: str, limit: int = 8) -> list[Participant]:
    """Registered participants whose name matches a typed one (typos and titles allowed:
    rapidfuzz's WRatio), best first."""
    from rapidfuzz import fuzz, process, utils

    named = [p for p in people if p.is_registered and p.full_name]
    found = process.extract(
        query, [p.full_name or "" for p in named], scorer=fuzz.WRatio,
        processor=utils.default_process, limit=limit, score_cutoff=70,
    )  # fmt: skip
    return [named[index] for _, _, index in found]
