"""Personal data under UU 27/2022: the notice and its version, everything kept about a person
(/datasaya), and erasing it (/hapusdata).

Other features keep data about a person too; what happens to it is declared here, in
ON_DELETE and ON_EXPORT, so the whole of a person's data is visible in one place. No
Telegram here: handlers/privacy shows the results."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, datetime, time, tzinfo

import locales
from schedules.event import Event
from schedules.timefmt import format_date
from storage import attendance as attendance_store
from storage import audit, consents, faq_log, feedback, flows, outbox, participants, users
from storage import certificates as certificate_store
from storage import proposals as proposal_store
from storage import reviews as review_store
from storage import selection as selection_store
from storage.db import Database

NOTICE_VERSION = "2026-3"  # bump whenever the notice text changes: consent is per version

# What /hapusdata does beyond the profile, each called with (db, user_id) inside the same
# transaction: proposals are kept for the masterplan but anonymised, drafts and logged FAQ
# questions are dropped, and nothing still queued is sent to the person any more.
ON_DELETE: list[Callable[[Database, int], Awaitable[object]]] = [
    proposal_store.anonymise_for_user,
    review_store.forget_reviewer,  # their finished reviews stay, without them
    selection_store.forget_voter,
    faq_log.forget_user,
    attendance_store.forget_user,
    feedback.forget_user,
    certificate_store.forget_user,  # the certificate stays genuine, without the name
    outbox.cancel_for_chat,  # a private chat's id is the user's id
    outbox.redact_for_chat,  # and no copy of their name or question stays in sent rows
]


async def _proposals_data(db: Database, user_id: int) -> dict[str, object]:
    return {"proposals": [asdict(p) for p in await proposal_store.of_user(db, user_id)]}


async def _review_data(db: Database, user_id: int) -> dict[str, object]:
    return {
        "proposal_versions": await proposal_store.versions_of_user(db, user_id),
        "reviews_received": await review_store.received_by(db, user_id),
        "reviews_written": await review_store.by_reviewer(db, user_id),
        "votes": await selection_store.votes_of_user(db, user_id),
    }


async def _faq_data(db: Database, user_id: int) -> dict[str, object]:
    return {"questions_to_organisers": await faq_log.of_user(db, user_id)}


async def _attendance_data(db: Database, user_id: int) -> dict[str, object]:
    return {
        "attendance": [
            {"session_id": r.session_id, "mode": r.mode, "method": r.method, "recorded_at": r.at}
            for r in await attendance_store.of_user(db, user_id)
        ],
        "session_feedback": await feedback.of_user(db, user_id),
        "certificates": [
            {
                "code": c.code,
                "stage": c.stage,
                "full_name": c.full_name,
                "office": c.office,
                "role": c.role,
                "issued_at": c.issued_at,
            }
            for c in await certificate_store.of_user(db, user_id)
        ],
    }


# The other features' data in /datasaya: each returns {section name: JSON-able data}.
ON_EXPORT: list[Callable[[Database, int], Awaitable[dict[str, object]]]] = [
    _proposals_data,
    _review_data,
    _faq_data,
    _attendance_data,
]


def notice_text(event: Event, lang: str) -> locales.Html:
    """The privacy notice of this version, with the event's organiser, contacts and the end
    of retention (`privacy.retention_until` of the event file)."""
    info = event.event
    contacts = "; ".join(
        ", ".join(part for part in (c.name, c.phone, c.telegram) if part) for c in info.contacts
    )
    return locales.t(
        lang,
        "registration.notice",
        version=NOTICE_VERSION,
        event_name=info.name,
        organiser=info.organiser,
        contacts=contacts or info.organiser,
        retention_until=retention_date(event, lang),
    )


def retention_date(event: Event, lang: str) -> str:
    """The last day personal data is kept, as people read it ("Kamis, 6 April 2028")."""
    day = event.privacy.retention_until
    return format_date(datetime.combine(day, time(12), tzinfo=event.tz), event.tz, lang)


async def give_consent(db: Database, user_id: int, lang: str) -> None:
    """Record consent to this notice and open a draft registration (one transaction)."""
    async with db.transaction():
        await consents.give(db, user_id, NOTICE_VERSION)
        await users.touch(db, user_id, lang)  # participants.user_id references users
        await participants.start_draft(db, user_id)


async def collect_data(db: Database, user_id: int, tz: tzinfo = UTC) -> dict[str, object]:
    """Everything stored about the user, JSON-able; every stored time (a `..._at` field) as
    ISO-8601 in `tz`, the event's time zone, with its offset (like the exports)."""
    profile = await participants.get(db, user_id)
    state = await flows.get(db, user_id)
    data: dict[str, object] = {
        "telegram_user_id": user_id,
        "language": await users.language(db, user_id),
        "participant": profile.as_dict() if profile else None,
        "consents": await consents.history(db, user_id),
        "conversation_in_progress": (
            {"flow": state.flow, "step": state.step, "data": _personal(state.data)}
            if state
            else None
        ),
    }
    for exporter in ON_EXPORT:
        data.update(await exporter(db, user_id))
    return {key: _local_times(value, tz, key) for key, value in data.items()}


def _personal(data: dict[str, object]) -> dict[str, object]:
    """A conversation's data without the buttons it last showed (screen, not person)."""
    return {key: value for key, value in data.items() if key != flows.SHOWN_BUTTONS}


def _local_times(value: object, tz: tzinfo, key: str = "") -> object:
    """A copy of JSON-able data with each stored time (keys ending in `_at`, UTC text) as
    ISO-8601 in `tz`: "2027-01-11T08:00:00+07:00"."""
    if isinstance(value, dict):
        return {k: _local_times(v, tz, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_local_times(v, tz, key) for v in value]
    if isinstance(value, str) and key.endswith("_at"):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return moment.astimezone(tz).isoformat(timespec="seconds")
    return value


async def holds_personal_data(db: Database, user_id: int) -> bool:
    """A profile not yet erased, or consent in force."""
    profile = await participants.get(db, user_id)
    if profile is not None and profile.status != "deleted":
        return True
    return await consents.active(db, user_id) is not None


async def delete_user_data(db: Database, user_id: int, *, reason: str = "self") -> bool:
    """Erase the personal data, withdraw consent, end any flow and run the ON_DELETE hooks,
    all in one transaction. Keeps only the consent proof. True when anything was removed.
    `reason`: "self" (/hapusdata, the person is the actor) or "retention" (the end of the
    retention period, domain/retention.py); the audit entry is `data_deleted_<reason>`."""
    async with db.transaction():
        erased = await participants.erase(db, user_id)
        withdrawn = await consents.withdraw(db, user_id)
        await flows.clear(db, user_id)
        for hook in ON_DELETE:
            await hook(db, user_id)
        if erased or withdrawn:
            actor = user_id if reason == "self" else None
            await audit.record(
                db, actor, f"data_deleted_{reason}", user_id=user_id, consents_withdrawn=withdrawn
            )
    await db.checkpoint()  # the erased bytes leave the -wal file too (secure_delete is on)
    return bool(erased or withdrawn)
