"""Unexpected errors reported to the admins' private chats: what failed (the bot's own code
where it failed, the kind of update), when, and how often; at most one message per distinct
error an hour. Never the exception's message (it may quote what a participant typed) nor a
token: only the exception's type and the place in the bot's code."""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

import locales
from storage import error_reports, status, users
from storage.db import Database
from storage.outbox import OutgoingMessage

log = logging.getLogger(__name__)

REPORT_EVERY = timedelta(hours=1)
_ROOT = Path(__file__).resolve().parent.parent  # the bot's own code; PTB's and others' are not

Enqueue = Callable[[list[OutgoingMessage]], Awaitable[int]]


def where(error: BaseException) -> str:
    """Where in the bot's own code it failed: the outermost frame (the handler PTB called)
    and, when another, the innermost: "handlers/faq/chat.py:on_question > domain/faq/book.py:answer"."""
    frames = []
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(_ROOT) and ".venv" not in path.parts:
            frames.append(f"{path.relative_to(_ROOT)}:{frame.name}")
    if not frames:
        return "?"
    return frames[0] if len(frames) == 1 else f"{frames[0]} > {frames[-1]}"


def fingerprint(place: str, update_type: str, error: BaseException) -> str:
    return f"{place}|{update_type}|{type(error).__name__}"


async def report(
    db: Database,
    error: BaseException,
    update_type: str,
    admin_ids: Iterable[int],
    enqueue: Enqueue,
    now: datetime,
    tz: tzinfo,
) -> bool:
    """Count the error; tell the admins when this error was not reported in the last hour.
    True when messages were queued."""
    place = where(error)
    key = fingerprint(place, update_type, error)
    summary = f"{type(error).__name__} in {place} ({update_type})"
    row = await error_reports.record(db, key, summary, now)
    await status.put(db, "error", summary=summary, count=row.count)
    if not await error_reports.claim_report(db, key, now, now - REPORT_EVERY):
        return False
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    messages = []
    for admin_id in sorted(set(admin_ids)):
        lang = await users.language(db, admin_id) or locales.DEFAULT_LANGUAGE
        text = locales.t(
            lang,
            "operations.error_report",
            error=type(error).__name__,
            where=place,
            update_type=update_type,
            first=_local(row.first_at, tz),
            last=_local(row.last_at, tz),
            count=row.count,
            since=row.count - row.reported_count,
        )
        messages.append(
            OutgoingMessage(
                kind="error_report",
                chat_id=admin_id,
                payload={"text": str(text)},
                ref=digest,
                dedupe_key=f"error:{digest}:{now.isoformat(timespec='seconds')}:{admin_id}",
            )
        )
    if messages:
        await enqueue(messages)
    log.info("Error %s reported to %d admins (%d times so far)", digest, len(messages), row.count)
    return bool(messages)


def _local(stamp: str, tz: tzinfo) -> str:
    moment = datetime.fromisoformat(stamp)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
