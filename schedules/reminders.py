"""Reminder planning (pure functions) and the APScheduler service that sends them.

Rules, and how they are kept:
- On time: one APScheduler date job per fire time (session start minus offset), in the bot's
  event loop, plus a reconcile job every few seconds that repairs anything missed.
- Never twice: each reminder is an outbox row with the UNIQUE dedupe key
  `reminder:{session}:{offset}:{user_id}`; enqueueing it again is a no-op, across restarts.
- Catch-up: at start-up every overdue reminder whose session has not started is sent (only
  the latest offset per session, so nobody gets "1 day" and "1 hour" at once); those whose
  session has started are dropped, with a log line.
- misfire_grace_time=None: APScheduler would silently drop a job more than 1 s late; our jobs
  only trigger `run_due`, which decides from the session start itself.
- Late registration: the audience is computed at fire time; a participant who registered
  after a fire time does not get that one, but gets every later one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# APScheduler 3 ships neither type hints nor a py.typed marker (4.x will): untyped here.
from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]

import locales
from schedules.clock import Clock
from schedules.event import Event, Session, Stage
from schedules.timefmt import format_range, format_relative
from storage.db import Paced
from storage.outbox import OutgoingMessage
from storage.participants import Participant

log = logging.getLogger(__name__)

RECONCILE_SECONDS = 3
CHANGE_MARGIN = timedelta(seconds=60)
CATCH_UP_DELAY = timedelta(seconds=1)


@dataclass(frozen=True)
class Chore:
    """A job of the bot's besides the reminders, on the same scheduler: every `every`
    seconds, at start-up when `at_start`, and at each moment `moments(event)` names (planned
    again with the reminders on every replan, e.g. after an event reload)."""

    name: str
    run: Callable[[], Awaitable[object]]  # a coroutine function (APScheduler awaits only those)
    every: float
    at_start: bool = False
    moments: Callable[[Event], list[datetime]] | None = None


@dataclass(frozen=True)
class Fire:
    """One planned reminder time: a session and an offset."""

    stage: Stage
    session: Session
    offset: str
    at: datetime


@dataclass(frozen=True)
class Due:
    fire: Fire
    participant: Participant

    @property
    def key(self) -> str:
        """The outbox dedupe key: never twice per participant, session and offset."""
        return f"reminder:{self.fire.session.id}:{self.fire.offset}:{self.participant.user_id}"


def plan(event: Event) -> list[Fire]:
    """Every (session, offset) fire time, in time order."""
    fires = [
        Fire(stage, session, offset, session.start - delta)
        for stage, session in event.sessions()
        for offset, delta in event.reminders.deltas()
    ]
    return sorted(fires, key=lambda f: (f.at, f.session.id))


def in_audience(session: Session, participant: Participant) -> bool:
    """A registered participant this session is meant for ('all' dimensions = every group)."""
    return participant.is_registered and session.audience.admits(participant)


def audience(session: Session, people: Iterable[Participant]) -> list[Participant]:
    """Who gets reminders for this session: in the audience and not muted."""
    return [p for p in people if in_audience(session, p) and not p.reminders_muted]


def _registered_at(participant: Participant) -> datetime | None:
    if not participant.registered_at:
        return None
    moment = datetime.fromisoformat(participant.registered_at)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def due(event: Event, people: list[Participant], now: datetime) -> list[Due]:
    """Reminders to send now: the fire time has passed, the session has not started, the
    participant was registered at the fire time, and it is the latest such offset for that
    participant and session."""
    latest: dict[tuple[str, int], Due] = {}
    for fire in plan(event):
        if fire.at > now or fire.session.start <= now:
            continue
        for person in audience(fire.session, people):
            registered = _registered_at(person)
            if registered is not None and registered > fire.at:
                continue  # registered after this reminder's time: only later ones
            latest[(fire.session.id, person.user_id)] = Due(fire, person)  # plan is time-sorted
    return list(latest.values())


def dropped(event: Event, people: list[Participant], now: datetime) -> list[Due]:
    """Overdue reminders whose session has already started (sent never, logged)."""
    return [
        Due(fire, person)
        for fire in plan(event)
        if fire.at <= now and fire.session.start <= now < fire.session.end
        for person in audience(fire.session, people)
    ]


def place_text(
    event: Event,
    session: Session,
    mode: str | None,
    lang: str,
    *,
    links: bool,
    note_hidden: bool = True,
) -> locales.Html:
    """Venue for offline participants, link for online ones, both when unknown. Without
    `links` (domain.meeting_links decides) an online session says that its link is for
    registered participants instead of showing it; with `note_hidden` False (a group, whose
    footer says it once) only that it is online, and only when there is no venue to name."""

    def online() -> locales.Html | None:
        if links:
            return locales.t(lang, "schedule.link", url=session.online_url)
        return locales.t(lang, "schedule.link_hidden") if note_hidden else None

    parts = []
    if session.location and mode != "online":
        parts.append(locales.t(lang, "schedule.venue", venue=session.location))
    if session.online_url and mode != "offline" and (line := online()) is not None:
        parts.append(line)
    if not parts and session.location:
        parts.append(locales.t(lang, "schedule.venue", venue=session.location))
    if not parts and session.online_url:
        parts.append(online() or locales.t(lang, "schedule.online_only"))
    return locales.Html("\n").join(parts)


def reminder_text(event: Event, fire: Fire, lang: str, mode: str | None, now: datetime) -> str:
    """The reminder of `fire` for a participant of this language and mode: the same for
    everyone alike, so a batch makes it once per language and mode (ReminderTexts).
    "besok, pukul 08.00" is said from the fire time (or now, when a reminder is caught up
    late)."""
    return locales.t(
        lang,
        "schedule.reminder",
        stage=fire.stage.title_in(lang),
        title=fire.session.title_in(lang),
        when=format_range(fire.session.start, fire.session.end, event.tz, lang),
        relative=format_relative(fire.session.start, max(now, fire.at), event.tz, lang),
        place=place_text(event, fire.session, mode, lang, links=True),
    )


def reminder_message(item: Due, text: str) -> OutgoingMessage:
    """One participant's reminder. With the link: reminders go only to the people who may
    see it (the service's `people`, domain.meeting_links.reminder_recipients)."""
    return OutgoingMessage(
        kind="reminder",
        chat_id=item.participant.user_id,
        payload={"text": text},
        ref=item.fire.session.id,
        dedupe_key=item.key,
    )


class ReminderTexts:
    """The reminders of one check: each (fire, language, mode) text is made once. Making it
    for each of 50,000 participants took seconds of CPU (in a worker thread, it slowed
    every reply by competing for the GIL); now a batch of 1,000 takes milliseconds."""

    def __init__(self, event: Event, now: datetime) -> None:
        self.event = event
        self.now = now
        self._texts: dict[tuple[str, str, str, str | None], str] = {}

    def message(self, item: Due) -> OutgoingMessage:
        person, fire = item.participant, item.fire
        key = (fire.session.id, fire.offset, person.language, person.mode)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = reminder_text(
                self.event, fire, person.language, person.mode, self.now
            )
        return reminder_message(item, text)

    def messages(self, items: Iterable[Due]) -> list[OutgoingMessage]:
        return [self.message(item) for item in items]


Enqueue = Callable[[list[OutgoingMessage]], Awaitable[int]]
# Who may get reminders: registered participants with consent in force, not blocked
# (domain.meeting_links.reminder_recipients; reminders carry the meeting link). Given an ISO
# time, only those whose profile changed since then.
People = Callable[[str | None], Awaitable[list[Participant]]]


class ReminderService:
    """Plans fire-time jobs on an AsyncIOScheduler and enqueues due reminders."""

    def __init__(self, event: Event, clock: Clock, people: People, enqueue: Enqueue) -> None:
        self.event = event
        self.clock = clock
        self.people = people
        self.enqueue = enqueue
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.chores: list[Chore] = []
        self._dropped_logged: set[str] = set()
        self._planned_fires: set[tuple[str, str]] = set()  # fully enqueued since start-up
        self._last_check: str | None = None

    def start(self) -> None:
        """Start in the running event loop; catch-up happens in the first run_due."""
        self.scheduler.start()
        self.scheduler.add_job(
            self.run_due,
            "interval",
            seconds=RECONCILE_SECONDS,
            id="reconcile",
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
            # The catch-up starts a moment after start-up, so the first replies come first.
            next_run_time=datetime.now(UTC) + CATCH_UP_DELAY,
        )
        for chore in self.chores:
            self.scheduler.add_job(
                chore.run, "interval", seconds=chore.every, id=chore.name, coalesce=True,
                misfire_grace_time=None, max_instances=1,
                # "At start-up" also waits a moment: the first replies come first.
                **({"next_run_time": datetime.now(UTC) + CATCH_UP_DELAY} if chore.at_start else {}),
            )  # fmt: skip
        self.replan()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def replan(self, event: Event | None = None) -> int:
        """(Re)create one date job per future fire time (and per future moment of a chore);
        returns how many reminder jobs."""
        if event is not None:
            self.event = event
            self.forget_plan()
        for job in self.scheduler.get_jobs():
            if job.id.startswith(("fire:", "at:")):
                job.remove()
        now = self.clock.now()
        for chore in self.chores:
            moments = chore.moments(self.event) if chore.moments is not None else []
            for index, moment in enumerate(m for m in moments if m > now):
                self.scheduler.add_job(
                    chore.run, "date", run_date=moment - self.clock.offset,
                    id=f"at:{chore.name}:{index}", misfire_grace_time=None, coalesce=True,
                    replace_existing=True,
                )  # fmt: skip
        count = 0
        for fire in plan(self.event):
            if fire.at <= now:
                continue
            # The clock may be shifted (tests): convert the fire time to the real wall clock.
            self.scheduler.add_job(
                self.run_due,
                "date",
                run_date=fire.at - self.clock.offset,
                id=f"fire:{fire.session.id}:{fire.offset}",
                misfire_grace_time=None,
                coalesce=True,
                replace_existing=True,
            )
            count += 1
        return count

    async def run_due(self) -> int:
        """Enqueue every reminder due now (idempotent); returns how many rows were new.

        Everyone is read once per fire time (and at start-up: the catch-up). In between, the
        check every few seconds reads only the participants whose profile changed since the
        last check (registered, unmuted, changed group): they affect only their own rows."""
        now = self.clock.now()
        # Read back a little: a change committed while this check runs is seen by the next.
        check_started = _iso(datetime.now(UTC) - CHANGE_MARGIN)
        due_fires = {_fire_key(f) for f in plan(self.event) if f.at <= now < f.session.start}
        if due_fires - self._planned_fires:
            people = await self.people(None)
        else:
            people = await self.people(self._last_check) if self._last_check else []
        for item in dropped(self.event, people, now):
            if item.key not in self._dropped_logged:
                self._dropped_logged.add(item.key)
                log.info("Reminder %s dropped: the session has already started", item.key)
        # A chunk of people at a time, on the event loop (each chunk takes milliseconds:
        # the texts are made once per fire, language and mode), with the database between
        # chunks: replies go on meanwhile. A worker thread made every reply wait for the GIL.
        # The chunks are Paced: each write takes a few milliseconds of the database.
        texts = ReminderTexts(self.event, now)
        paced = Paced()
        added = start = 0
        while start < len(people):
            chunk = people[start : start + paced.size]
            start += len(chunk)
            began = time.perf_counter()
            added += await self.enqueue(texts.messages(due(self.event, chunk, now)))
            paced.took(time.perf_counter() - began, len(chunk))
            await asyncio.sleep(0)  # a chunk with nothing to queue does not wait for the database
        if added:
            log.info("Reminders enqueued: %d", added)
        # Only once the batch is in the outbox: a failed run is done again in full.
        self._planned_fires = due_fires
        self._last_check = check_started
        return added

    def clock_moved(self) -> None:
        """The clock jumped forward (the sandbox's time control): the date jobs are planned
        again on the wall clock, and every check and chore runs now, as it would have run
        around the new time (reminders, the online Hadir button, feedback, retention...)."""
        self.replan()
        wall_now = datetime.now(UTC)
        for job in self.scheduler.get_jobs():
            if not job.id.startswith(("fire:", "at:")):
                job.modify(next_run_time=wall_now)

    def forget_plan(self) -> None:
        """The next check reads everyone again (after an event reload)."""
        self._planned_fires = set()


def _iso(moment: datetime) -> str:
    """As participants.updated_at is written (storage.db.utcnow)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _fire_key(fire: Fire) -> tuple[str, str]:
    return (fire.session.id, fire.offset)


def describe_plan(event: Event, people: list[Participant], now: datetime) -> list[str]:
    """Lines for `python bot.py schedule`: stages, sessions and planned reminders."""
    tz = event.tz
    lines = [f"{event.event.name} ({event.event.timezone})"]
    fires = plan(event)
    for stage in sorted(event.stages, key=lambda s: s.number):
        lines.append(f"\n{stage.title}")
        for session in stage.sessions:
            lines.append(f"  [{session.id}] {session.title}")
            lines.append(f"    {format_range(session.start, session.end, tz, 'id')}")
            for fire in (f for f in fires if f.session.id == session.id):
                state = "past" if fire.at <= now else "planned"
                size = len(audience(session, people))
                when = fire.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")
                lines.append(
                    f"    reminder {fire.offset:>4} at {when}: {size} participant(s) [{state}]"
                )
    return lines
