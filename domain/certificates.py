"""E-certificates without Telegram: who qualifies for a stage (the event file's rule), the
dry run, issuing (code, PDF, outbox row in one transaction per person), verification.

Never twice: a certificate row is UNIQUE per person and stage, and its outbox row has the
dedupe key `certificate:<stage>:<user id>`, so a second run sends nothing again. Someone who
deleted their data is no longer registered, so they get none; a certificate issued before the
deletion stays genuine without the name (storage.certificates.forget_user)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
import secrets
from dataclasses import dataclass
from datetime import datetime

import locales
from domain.documents import certificate as pdf
from schedules.event import CertificateRule, Event, Stage
from schedules.timefmt import format_date
from storage import attendance as attendance_store
from storage import certificates as store
from storage import participants
from storage.db import Database
from storage.outbox import OutgoingMessage, enqueue
from storage.participants import Participant

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 10  # 50 bits
LANG = "id"  # certificates are in Indonesian, as the regency issues them


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


@dataclass(frozen=True)
class Candidate:
    person: Participant
    attended: int
    meant: int


@dataclass
class Plan:
    stage: Stage
    rule: CertificateRule
    qualifying: list[Candidate]  # not yet holding this stage's certificate
    already: int  # hold it already


def qualifies(rule: CertificateRule, attended: int, meant: int) -> bool:
    if meant == 0:
        return False
    if rule.require == "all":
        return attended >= meant
    return attended >= min(rule.min_sessions, meant)


async def plan(db: Database, event: Event, stage_number: int) -> Plan | None:
    """Who would get a certificate now (the dry run). None when the stage has no rule."""
    stage, rule = event.stage(stage_number), event.certificate_rule(stage_number)
    if stage is None or rule is None:
        return None
    records = await attendance_store.of_sessions(db, [s.id for s in stage.sessions])
    present: dict[int, set[str]] = {}
    for r in records:
        present.setdefault(r.user_id, set()).add(r.session_id)
    holders = await store.holders(db, stage_number)
    found, already = [], 0
    for person in await participants.registered(db):
        meant = [s.id for s in stage.sessions if s.audience.admits(person)]
        attended = len(present.get(person.user_id, set()) & set(meant))
        if not qualifies(rule, attended, len(meant)):
            continue
        if person.user_id in holders:
            already += 1
            continue
        found.append(Candidate(person, attended, len(meant)))
    found.sort(key=lambda c: (c.person.full_name or "").lower())
    return Plan(stage, rule, found, already)


def verify_url(bot_username: str | None, code: str) -> str:
    return f"https://t.me/{bot_username}?start=cek_{code}"


def stage_dates(event: Event, stage: Stage) -> str:
    first, last = format_date(stage.start, event.tz, LANG), format_date(stage.end, event.tz, LANG)
    return first if first == last else f"{first} – {last}"


def content(
    event: Event, stage: Stage, rule: CertificateRule, person: Participant, code: str,
    bot_username: str | None,
) -> pdf.Content:  # fmt: skip
    role = locales.plain(LANG, f"registration.role_{person.role}") if person.role else ""
    place = event.event.regency
    return pdf.Content(
        code=code,
        name=person.full_name or "",
        office=event.office_name(person.opd_id, person.opd_other),
        role=role,
        event_name=event.event.name,
        stage_title=stage.title,
        dates=stage_dates(event, stage),
        place_date=f"{place}, {format_date(stage.end, event.tz, LANG).split(', ', 1)[-1]}",
        signatory_name=rule.signatory.name,
        signatory_title=rule.signatory.title,
        signatory_office=rule.signatory.office,
        signature_image=rule.signatory.signature_image,
        verify_url=verify_url(bot_username, code),
    )


def filename(stage: Stage, code: str) -> str:
    return f"sertifikat-tahap-{stage.number}-{code}.pdf"


BATCH = 25  # certificates per transaction


def _build_all(
    event: Event, stage: Stage, rule: CertificateRule, batch: list[Participant],
    bot_username: str | None,
) -> list[tuple[Participant, str, pdf.Content, bytes]]:  # fmt: skip
    """The PDFs of a batch, in a worker (about 40 ms of CPU each)."""
    made = []
    for person in batch:
        code = new_code()
        info = content(event, stage, rule, person, code, bot_username)
        made.append((person, code, info, pdf.build(info)))
    return made


@dataclass
class Issued:
    plan: Plan
    sent: int  # new certificates, each with its outbox row


async def issue(db: Database, event: Event, stage_number: int, bot_username: str | None,
                now: datetime) -> Issued | None:  # fmt: skip
    """Make and queue the certificates of everyone who qualifies and has none yet."""
    found = await plan(db, event, stage_number)
    if found is None:
        return None
    sent = 0
    people = [c.person for c in found.qualifying]
    batches = [people[i : i + BATCH] for i in range(0, len(people), BATCH)]
    with _pool(len(found.qualifying)) as pool:
        loop = asyncio.get_running_loop()
        # Every batch is started at once; the workers build them while earlier ones are stored.
        futures = [
            loop.run_in_executor(
                pool, _build_all, event, found.stage, found.rule, batch, bot_username
            )
            for batch in batches
        ]
        for future in futures:
            sent += await _store_batch(db, found, stage_number, await future)
    return Issued(found, sent)


def _pool(count: int) -> concurrent.futures.Executor:
    """Processes for many certificates (PDF building is CPU-bound Python: one per core);
    a thread for a few (starting processes would cost more than it saves)."""
    if count < 40:
        return concurrent.futures.ThreadPoolExecutor(max_workers=1)
    workers = max(1, min(4, os.cpu_count() or 1))
    context = multiprocessing.get_context("spawn")  # never fork a process with threads
    return concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)


async def _store_batch(
    db: Database, found: Plan, stage_number: int,
    made: list[tuple[Participant, str, pdf.Content, bytes]],
) -> int:  # fmt: skip
    sent = 0
    async with db.transaction():  # a batch at a time: each person's row, file and message
        for person, code, info, data in made:
            added = await store.add(
                db, code, person.user_id, stage_number, info.name, info.office, info.role
            )
            if not added:  # issued meanwhile (another run): nothing twice
                continue
            key = store.file_key(code)
            await store.store_file(db, key, filename(found.stage, code), data)
            lang = person.language
            caption = locales.t(
                lang, "certificates.caption", stage=found.stage.title_in(lang), code=code
            )
            await enqueue(db, [OutgoingMessage(
                kind="certificate", chat_id=person.user_id, ref=f"stage:{stage_number}",
                payload={"stored_document": key, "caption": caption},
                dedupe_key=f"certificate:{stage_number}:{person.user_id}",
            )])  # fmt: skip
            sent += 1
    return sent


async def verify(db: Database, code: str) -> store.Certificate | None:
    return await store.by_code(db, normalise_code(code))
