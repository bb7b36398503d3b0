"""Retention as the privacy notice promises (UU 27/2022): personal data is kept through
`privacy.retention_until` of the event file (the notice shows that date) and erased after it,
for everyone who still has some, exactly as /hapusdata erases it
(domain.privacy.delete_user_data: the profile blanked, consent withdrawn, proposals kept
but anonymised, logged questions and queued messages dropped). Admins are told seven days
before, once. The running bot does this (a daily job, plus a run at the warning and at the
erasure moment: handlers/privacy/retention.py); `python bot.py retention [--apply]` shows
who would be erased, or erases, by hand. Every erasure run is in the audit log."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import locales
from domain.privacy import delete_user_data, retention_date
from schedules.event import Event
from schedules.timefmt import format_datetime
from storage import audit, consents, faq_log, participants, users
from storage.db import Database
from storage.outbox import OutgoingMessage

log = logging.getLogger(__name__)

WARNING_AHEAD = timedelta(days=7)  # admins are told this long before the erasure

Enqueue = Callable[[list[OutgoingMessage]], Awaitable[int]]


@dataclass(frozen=True)
class Holder:
    """Someone the bot still keeps personal data about: what kind (a `registered` or `draft`
    profile, only a `consent` in force, or only logged `questions`) and the name, if any."""

    user_id: int
    kept: str
    name: str | None = None


@dataclass(frozen=True)
class Outcome:
    """One retention run: when erasure starts, whether that moment has come, who held
    personal data at the start of the run (read only when the run needs it: for the
    warning, the erasure and the command line; empty before the warning week), and how many
    of them were erased."""

    ends: datetime
    ended: bool
    holders: list[Holder]
    erased: int = 0


def warning_from(event: Event) -> datetime:
    return event.retention_ends() - WARNING_AHEAD


def moments(event: Event) -> list[datetime]:
    """When the running bot should look again (besides daily): the warning, the erasure."""
    return [warning_from(event), event.retention_ends()]


async def holders(db: Database) -> list[Holder]:
    """Everyone with personal data: a profile not erased, a consent in force, or logged FAQ
    questions."""
    profiles = await participants.holding_data(db)
    found = {p.user_id: Holder(p.user_id, p.status, p.full_name) for p in profiles}
    for user_id in sorted(await consents.active_user_ids(db)):
        found.setdefault(user_id, Holder(user_id, "consent"))
    for user_id in sorted(await faq_log.askers(db)):
        found.setdefault(user_id, Holder(user_id, "questions"))
    return [found[user_id] for user_id in sorted(found)]


async def erase_all(db: Database, event: Event, now: datetime, via: str) -> Outcome:
    """Once the retention period has ended, erase everyone's personal data, as /hapusdata
    does, and audit the run (`retention_erasure`); before that, erase nothing."""
    ends = event.retention_ends()
    found = await holders(db)
    if now < ends:
        return Outcome(ends, False, found)
    for holder in found:
        await delete_user_data(db, holder.user_id, reason="retention")
    await audit.record(
        db,
        None,
        "retention_erasure",
        erased=len(found),
        retention_until=event.privacy.retention_until.isoformat(),
        via=via,
    )
    if found:
        log.info("Retention ended: personal data of %d people erased (%s)", len(found), via)
    return Outcome(ends, True, found, erased=len(found))


def _message(
    event: Event, key: str, admin_id: int, lang: str, count: int, dedupe_key: str
) -> OutgoingMessage:
    text = locales.t(
        lang,
        key,
        event_name=event.event.name,
        until=retention_date(event, lang),
        erase_at=format_datetime(event.retention_ends(), event.tz, lang),
        count=locales.number(count, lang),
    )
    return OutgoingMessage(
        kind="notice",
        chat_id=admin_id,  # the admin's private chat
        payload={"text": text},
        ref=f"retention:{event.privacy.retention_until.isoformat()}",
        dedupe_key=dedupe_key,
    )


def warning_messages(
    event: Event, admins: Iterable[tuple[int, str]], count: int
) -> list[OutgoingMessage]:
    """The warning to each admin (id, language): once per admin and retention date, so a new
    date in the event file warns again."""
    until = event.privacy.retention_until.isoformat()
    return [
        _message(
            event,
            "retention.warning",
            admin_id,
            lang,
            count,
            f"retention-warning:{until}:{admin_id}",
        )
        for admin_id, lang in admins
    ]


async def _admins(db: Database, admin_ids: Iterable[int]) -> list[tuple[int, str]]:
    return [
        (admin_id, await users.language(db, admin_id) or locales.DEFAULT_LANGUAGE)
        for admin_id in sorted(admin_ids)
    ]


async def run(
    db: Database, event: Event, now: datetime, admin_ids: Iterable[int], enqueue: Enqueue
) -> Outcome:
    """The running bot's retention job (daily, and at the moments of `moments`): within
    seven days of the end, warn the admins (once); after it, erase and tell them."""
    ends = event.retention_ends()
    if now >= ends:
        outcome = await erase_all(db, event, now, via="bot")
        if outcome.erased:
            until = event.privacy.retention_until.isoformat()
            stamp = now.isoformat(timespec="seconds")
            await enqueue(
                [
                    _message(
                        event, "retention.erased", admin_id, lang, outcome.erased,
                        f"retention-erased:{until}:{stamp}:{admin_id}",
                    )
                    for admin_id, lang in await _admins(db, admin_ids)
                ]
            )  # fmt: skip
        return outcome
    if now < ends - WARNING_AHEAD:
        # Nothing to do yet: nobody is read (at 50,000 people the read and the list held
        # the event loop, and so every reply, for half a second at each start-up).
        return Outcome(ends, False, [])
    found = await holders(db)
    added = await enqueue(warning_messages(event, await _admins(db, admin_ids), len(found)))
    if added:
        log.info("Retention ends %s: %d admin(s) warned", ends.isoformat(), added)
    return Outcome(ends, False, found)
