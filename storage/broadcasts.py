"""Organiser announcements: the announcement itself, its recipients (outbox rows of kind
'broadcast', ref = its id) and its report."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from storage import outbox
from storage.db import Database, Paced, utcnow
from storage.outbox import OutgoingMessage

KIND = "broadcast"


@dataclass(frozen=True)
class Broadcast:
    id: int
    created_by: int
    audience: dict[str, Any]
    payload: dict[str, Any]
    summary: str
    status: str  # scheduled | sending | done | cancelled
    send_at: datetime
    created_at: str
    started_at: str | None
    finished_at: str | None
    cancelled_by: int | None
    total: int
    sent: int
    failed: int
    blocked: int
    report_chat_id: int
    report_lang: str
    progress_message_id: int | None
    menu_message_id: int | None = None
    queued_at: str | None = None  # the organiser's menu it was made from


@dataclass(frozen=True)
class Recipient:
    """What an audience is chosen by: a registered participant's groups, and reachability."""

    user_id: int
    role: str | None
    dimension: str | None
    opd_id: str | None
    mode: str | None
    active: bool
    language: str = "id"  # what they read the announcement's header in


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _from_row(row: Any) -> Broadcast:
    data = dict(row)
    data["audience"] = json.loads(data["audience"])
    data["payload"] = json.loads(data["payload"])
    data["send_at"] = datetime.fromisoformat(data["send_at"])
    return Broadcast(**data)


async def registered_recipients(db: Database) -> list[Recipient]:
    """Every registered participant with consent in force (never drafts, never deleted data,
    never a withdrawn consent), blocked or not. Read in pages (Database.fetch_by_user)."""
    return await db.fetch_by_user(
        """SELECT p.user_id, p.role, p.dimension, p.opd_id, p.mode,
                  COALESCE(u.active, 1) AS active, COALESCE(u.language, 'id') AS language
           FROM participants p LEFT JOIN users u ON u.user_id = p.user_id
           WHERE p.status = 'registered'
             AND EXISTS (SELECT 1 FROM consents c
                         WHERE c.user_id = p.user_id AND c.withdrawn_at IS NULL)""",
        convert=_recipient,
    )


def _recipient(r: Any) -> Recipient:
    return Recipient(
        r["user_id"], r["role"], r["dimension"], r["opd_id"], r["mode"], bool(r["active"]),
        r["language"],
    )  # fmt: skip


async def recipient_groups(db: Database) -> list[tuple[Recipient, int]]:
    """The same people as `registered_recipients`, counted per kind of recipient (role,
    dimension, office, mode, reachable): a few hundred rows however many people, for counts."""
    rows = await db.fetchall(
        """SELECT p.role, p.dimension, p.opd_id, p.mode, COALESCE(u.active, 1) AS active,
                  COUNT(*) AS n
           FROM participants p LEFT JOIN users u ON u.user_id = p.user_id
           WHERE p.status = 'registered'
             AND EXISTS (SELECT 1 FROM consents c
                         WHERE c.user_id = p.user_id AND c.withdrawn_at IS NULL)
           GROUP BY p.role, p.dimension, p.opd_id, p.mode, active"""
    )
    return [
        (Recipient(0, r["role"], r["dimension"], r["opd_id"], r["mode"], bool(r["active"])), r["n"])
        for r in rows
    ]


async def create(
    db: Database,
    *,
    created_by: int,
    audience: dict[str, Any],
    payload: dict[str, Any],
    summary: str,
    send_at: datetime,
    report_chat_id: int,
    report_lang: str,
    menu_message_id: int | None = None,
) -> int:
    """A new announcement, 'scheduled' at `send_at` (now for "send now")."""
    return await db.execute(
        """INSERT INTO broadcasts (created_by, audience, payload, summary, status, send_at,
                                   created_at, report_chat_id, report_lang, menu_message_id)
           VALUES (?, ?, ?, ?, 'scheduled', ?, ?, ?, ?, ?)""",
        (
            created_by,
            json.dumps(audience),
            json.dumps(payload, ensure_ascii=False),
            summary,
            _iso(send_at),
            utcnow(),
            report_chat_id,
            report_lang,
            menu_message_id,
        ),
    )


async def created_from_menu(db: Database, created_by: int, menu_message_id: int) -> int | None:
    """The announcement this organiser created with a button of that message, if any."""
    row = await db.fetchone(
        "SELECT id FROM broadcasts WHERE created_by = ? AND menu_message_id = ?",
        (created_by, menu_message_id),
    )
    return int(row["id"]) if row else None


async def get(db: Database, broadcast_id: int) -> Broadcast | None:
    row = await db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
    return _from_row(row) if row else None


async def recent(db: Database, limit: int = 10) -> list[Broadcast]:
    """Scheduled ones first (soonest first), then the latest sent or cancelled."""
    rows = await db.fetchall(
        """SELECT * FROM broadcasts
           ORDER BY CASE status WHEN 'scheduled' THEN 0 WHEN 'sending' THEN 1 ELSE 2 END,
                    CASE status WHEN 'scheduled' THEN send_at END ASC,
                    id DESC
           LIMIT ?""",
        (limit,),
    )
    return [_from_row(r) for r in rows]


async def due(db: Database, now: datetime) -> list[Broadcast]:
    rows = await db.fetchall(
        "SELECT * FROM broadcasts WHERE status = 'scheduled' AND send_at <= ? ORDER BY send_at",
        (_iso(now),),
    )
    return [_from_row(r) for r in rows]


async def sending(db: Database) -> list[Broadcast]:
    """Announcements being sent whose recipients are all queued."""
    rows = await db.fetchall(
        "SELECT * FROM broadcasts WHERE status = 'sending' AND queued_at IS NOT NULL ORDER BY id"
    )
    return [_from_row(r) for r in rows]


async def start_sending(db: Database, broadcast_id: int, total: int, now: datetime) -> bool:
    """Mark the announcement 'sending' (its recipients are queued next, `queue_recipients`).
    False when it was not scheduled any more (cancelled meanwhile, or started before)."""
    changed = await db.execute_rowcount(
        """UPDATE broadcasts SET status = 'sending', started_at = ?, total = ?
           WHERE id = ? AND status = 'scheduled'""",
        (_iso(now), total, broadcast_id),
    )
    return changed > 0


async def queue_recipients(
    db: Database, broadcast_id: int, messages: Iterable[OutgoingMessage]
) -> None:
    """Write the recipients' outbox rows in short transactions (each a few milliseconds:
    Paced), so that replies go on in between; then mark the announcement queued, with its
    real total. A crash halfway leaves it 'sending' without `queued_at`: it is queued again,
    and the dedupe keys skip whoever is in already, so nobody is lost or doubled."""
    pending = iter(messages)  # taken a chunk at a time: a generator is made as it is written
    paced = Paced()
    while batch := list(islice(pending, paced.size)):
        began = time.perf_counter()
        await outbox.enqueue(db, batch)
        paced.took(time.perf_counter() - began, len(batch))
        await asyncio.sleep(0)  # let a waiting reply have the database
    async with db.transaction():
        tally = await counts(db, broadcast_id)
        await db.execute(
            "UPDATE broadcasts SET queued_at = ?, total = ? WHERE id = ?",
            (utcnow(), sum(tally.values()), broadcast_id),
        )


async def unqueued(db: Database) -> list[Broadcast]:
    """Announcements whose queueing a crash interrupted."""
    rows = await db.fetchall(
        "SELECT * FROM broadcasts WHERE status = 'sending' AND queued_at IS NULL ORDER BY id"
    )
    return [_from_row(r) for r in rows]


async def set_progress_message(db: Database, broadcast_id: int, message_id: int) -> None:
    await db.execute(
        "UPDATE broadcasts SET progress_message_id = ? WHERE id = ?", (message_id, broadcast_id)
    )


async def counts(db: Database, broadcast_id: int) -> dict[str, int]:
    """Outbox status -> rows, for one announcement: read from the tally the triggers keep
    (a handful of rows), never by counting the outbox."""
    rows = await db.fetchall(
        "SELECT status, n FROM outbox_tally WHERE ref = ? AND n > 0", (str(broadcast_id),)
    )
    return {r["status"]: int(r["n"]) for r in rows}


async def finish(
    db: Database, broadcast_id: int, tally: dict[str, int], report: OutgoingMessage | None
) -> bool:
    """Record the final report and queue its message, once (False if already finished)."""
    async with db.transaction():
        changed = await db.execute_rowcount(
            """UPDATE broadcasts SET status = 'done', finished_at = ?, sent = ?, failed = ?,
                      blocked = ? WHERE id = ? AND status = 'sending'""",
            (
                utcnow(),
                tally.get("sent", 0),
                tally.get("failed", 0) + tally.get("cancelled", 0),
                tally.get("blocked", 0),
                broadcast_id,
            ),
        )
        if changed and report is not None:
            await outbox.enqueue(db, [report])
    return bool(changed)


async def cancel(db: Database, broadcast_id: int, by: int) -> bool:
    """Cancel a scheduled announcement (nothing was sent). False when it is not scheduled."""
    changed = await db.execute_rowcount(
        """UPDATE broadcasts SET status = 'cancelled', cancelled_by = ?, finished_at = ?
           WHERE id = ? AND status = 'scheduled'""",
        (by, utcnow(), broadcast_id),
    )
    return changed > 0
