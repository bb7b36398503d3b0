"""The durable outbox: a row per message the bot sends on its own initiative, written before
sending. The sender (domain/delivery/sender.py) delivers due rows and records the outcome."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage.db import Database, utcnow


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to one chat. `payload` is {"text": html} or {"photo"/"document": file_id,
    "caption": html}, optionally with "reply_markup" (a dict)."""

    kind: str
    chat_id: int
    payload: dict[str, Any]
    ref: str | None = None
    dedupe_key: str | None = None
    not_before: datetime | None = None


def _iso(moment: datetime | None) -> str:
    if moment is None:
        return utcnow()
    return moment.astimezone(UTC).isoformat(timespec="seconds")


async def enqueue(db: Database, messages: list[OutgoingMessage]) -> int:
    """Insert messages in one statement (thousands of rows hold the database for milliseconds);
    a message whose dedupe_key exists already (in the outbox, or pruned from it) is skipped. Inside a caller's transaction it
    joins it. Returns how many rows were added."""
    if not messages:
        return 0
    now = utcnow()
    rows = [
        (
            m.kind,
            m.ref,
            m.dedupe_key,
            m.chat_id,
            json.dumps(m.payload, ensure_ascii=False),
            now if m.not_before is None else _iso(m.not_before),  # one clock read per batch
            now,
        )
        for m in messages
    ]
    async with db.transaction() as conn:
        # A key pruned from the outbox is still "sent": delivered_keys keeps it.
        cursor = await conn.executemany(
            """INSERT OR IGNORE INTO outbox
               (kind, ref, dedupe_key, chat_id, payload, not_before, created_at)
               SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
               WHERE ?3 IS NULL
                  OR NOT EXISTS (SELECT 1 FROM delivered_keys WHERE dedupe_key = ?3)""",
            rows,
        )
        added = cursor.rowcount
        await cursor.close()
    return added


async def counts(db: Database, kind: str, ref: str) -> dict[str, int]:
    """Status -> number of rows, for one broadcast or reminder batch."""
    rows = await db.fetchall(
        "SELECT status, COUNT(*) AS n FROM outbox WHERE kind = ? AND ref = ? GROUP BY status",
        (kind, ref),
    )
    return {r["status"]: int(r["n"]) for r in rows}


async def recipients(db: Database, kind: str, ref: str) -> set[int]:
    """The chats that already have a row of this batch (sent or not)."""
    rows = await db.fetchall("SELECT chat_id FROM outbox WHERE kind = ? AND ref = ?", (kind, ref))
    return {int(r["chat_id"]) for r in rows}


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    ref: str | None
    chat_id: int
    payload: dict[str, Any]
    attempts: int


async def mark(db: Database, row_id: int, status: str, error: str | None = None) -> None:
    """Record the outcome of one attempt: sending | sent | failed | blocked | pending (retry).
    'sending' is the claim of a new attempt: its request has not gone out yet."""
    sent_at = utcnow() if status == "sent" else None
    await db.execute(
        """UPDATE outbox SET status = ?, last_error = ?, sent_at = COALESCE(?, sent_at),
                  attempts = attempts + CASE WHEN ? = 'sending' THEN 1 ELSE 0 END,
                  dispatched_at = CASE WHEN ? = 'sending' THEN NULL ELSE dispatched_at END
           WHERE id = ?""",
        (status, error, sent_at, status, status, row_id),
    )


async def mark_dispatched(db: Database, row_id: int) -> None:
    """The row's request is leaving for Telegram now (called by the rate limiter right before
    the HTTP request): from here on the recipient may have the message."""
    await db.execute("UPDATE outbox SET dispatched_at = ? WHERE id = ?", (utcnow(), row_id))


IN_DOUBT = "in doubt: the request went to Telegram but no answer came back"


async def in_doubt_count(db: Database) -> int:
    """At-most-once rows never sent again because they may have arrived (for the log)."""
    row = await db.fetchone(
        "SELECT COUNT(*) FROM outbox WHERE status = 'failed' AND last_error LIKE 'in doubt%'"
    )
    return int(row[0]) if row else 0


async def cancel(db: Database, kind: str, ref: str) -> int:
    """Cancel the rows of one batch that have not gone out yet."""
    return await db.execute_rowcount(
        "UPDATE outbox SET status = 'cancelled' WHERE kind = ? AND ref = ? AND status = 'pending'",
        (kind, ref),
    )


# --- used by the concurrent sender (domain/delivery/sender.py) --------------------------------------


@dataclass(frozen=True)
class Claimable:
    """A due row, with whether its chat can still be reached (not blocked, per `users`)."""

    row: OutboxRow
    reachable: bool


# Kinds sent at most once: a reminder (or a certificate) twice is worse than one missed after
# a crash (a certificate can be fetched again with /sertifikat). Everything
# else (announcements, nudges) is sent at least once.
AT_MOST_ONCE = ("reminder", "certificate")


async def requeue_interrupted(db: Database) -> tuple[int, int]:
    """At start-up, for rows a crash left 'sending'. A row whose request never left (it was
    still waiting in the rate limiter) goes out again: nobody has it. A row whose request had
    gone to Telegram may have arrived: announcements and nudges go out again (at least once,
    so only these few can arrive twice), reminders never (at most once: marked in doubt).
    Returns (rows sent again, rows in doubt)."""
    marks = ",".join("?" * len(AT_MOST_ONCE))
    async with db.transaction():
        doubtful = await db.execute_rowcount(
            f"""UPDATE outbox SET status = 'failed', last_error = ?
                WHERE status = 'sending' AND dispatched_at IS NOT NULL AND kind IN ({marks})""",
            (IN_DOUBT + " (a restart)", *AT_MOST_ONCE),
        )
        again = await db.execute_rowcount(
            "UPDATE outbox SET status = 'pending', dispatched_at = NULL WHERE status = 'sending'"
        )
    return again, doubtful


async def claimable(
    db: Database, now: datetime, exclude_chats: set[int], limit: int
) -> list[Claimable]:
    """Pending due rows, oldest first, at most one per chat, skipping chats already in flight
    (so each chat receives its messages in order, one at a time)."""
    excluded = sorted(exclude_chats)
    marks = ",".join("?" * len(excluded))
    not_in = f"AND o.chat_id NOT IN ({marks})" if excluded else ""
    rows = await db.fetchall(
        f"""SELECT o.id, o.kind, o.ref, o.chat_id, o.payload, o.attempts,
                   COALESCE(u.active, 1) AS active
            FROM outbox o LEFT JOIN users u ON u.user_id = o.chat_id
            WHERE o.status = 'pending' AND o.not_before <= ? {not_in}
            ORDER BY o.not_before, o.id LIMIT ?""",
        (_iso(now), *excluded, limit * 4),
    )
    seen: set[int] = set()
    found: list[Claimable] = []
    for r in rows:
        if r["chat_id"] in seen:
            continue
        seen.add(r["chat_id"])
        row = OutboxRow(
            r["id"], r["kind"], r["ref"], r["chat_id"], json.loads(r["payload"]), r["attempts"]
        )
        found.append(Claimable(row, bool(r["active"])))
        if len(found) >= limit:
            break
    return found


async def next_pending_time(db: Database) -> datetime | None:
    row = await db.fetchone("SELECT MIN(not_before) FROM outbox WHERE status = 'pending'")
    return datetime.fromisoformat(row[0]) if row and row[0] else None


async def retry_later(
    db: Database, row_id: int, until: datetime, error: str, counts: bool = True
) -> None:
    """Back to 'pending' until `until`. `mark(..., "sending")` counted this attempt; a 429
    gives it back (counts=False): a storm of them must never make a message give up."""
    given_back = 0 if counts else 1
    await db.execute(
        """UPDATE outbox SET status = 'pending', not_before = ?, last_error = ?,
                  attempts = attempts - ?, dispatched_at = NULL
           WHERE id = ?""",
        (_iso(until), error, given_back, row_id),
    )


async def redact_for_chat(db: Database, chat_id: int) -> int:
    """Data deletion: the texts sent (or kept unsent) to this chat are emptied, so that no
    copy of the person's name or question stays in the outbox; the rows stay, because the
    dedupe keys keep "never twice" true (a reminder is not sent again to a re-registration)."""
    return await db.execute_rowcount(
        """UPDATE outbox SET payload = '{"text": "", "redacted": true}', last_error = NULL
           WHERE chat_id = ?""",
        (chat_id,),
    )


async def cancel_for_chat(db: Database, chat_id: int) -> int:
    """Data deletion: nothing still waiting may go out to this chat any more."""
    return await db.execute_rowcount(
        "UPDATE outbox SET status = 'cancelled' WHERE chat_id = ? AND status = 'pending'",
        (chat_id,),
    )


# --- retention ---------------------------------------------------------------------------------

FINISHED = ("sent", "failed", "blocked", "cancelled")
_PRUNABLE = f"""status IN ({",".join(repr(s) for s in FINISHED)}) AND created_at < ?
    AND NOT (kind = 'broadcast' AND ref IN (
        SELECT CAST(id AS TEXT) FROM broadcasts WHERE status IN ('scheduled', 'sending')))"""


async def prune(db: Database, before: datetime, batch: int = 2000) -> int:
    """Finished rows made before `before` leave the outbox, in short transactions (replies go
    on in between). Their dedupe keys move to delivered_keys first, in the same transaction,
    so that nothing pruned is ever sent again. An announcement still sending keeps its rows
    (its progress is counted from them); a finished one has its totals in `broadcasts`."""
    cutoff = _iso(before)
    removed = 0
    while True:
        async with db.transaction():
            ids = [
                r["id"]
                for r in await db.fetchall(
                    f"SELECT id FROM outbox WHERE {_PRUNABLE} ORDER BY id LIMIT ?",
                    (cutoff, batch),
                )
            ]
            if not ids:
                return removed
            marks = ",".join("?" * len(ids))
            await db.execute(
                f"""INSERT OR IGNORE INTO delivered_keys (dedupe_key, kind, chat_id, status, at)
                    SELECT dedupe_key, kind, chat_id, status, COALESCE(sent_at, created_at)
                    FROM outbox WHERE id IN ({marks}) AND dedupe_key IS NOT NULL""",
                ids,
            )
            removed += await db.execute_rowcount(f"DELETE FROM outbox WHERE id IN ({marks})", ids)


async def size(db: Database) -> tuple[int, int]:
    """(outbox rows, delivered keys kept), for the log and the bench."""
    row = await db.fetchone(
        "SELECT (SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM delivered_keys)"
    )
    return (int(row[0]), int(row[1])) if row else (0, 0)
