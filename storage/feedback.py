"""Session feedback: one rating (1-5) and an optional comment per person and session."""

from __future__ import annotations

from typing import Any

from storage.db import Database, utcnow


async def rate(db: Database, session_id: str, user_id: int, rating: int) -> bool:
    """Set the rating (a new answer or a change); True when it was new."""
    now = utcnow()
    existing = await get(db, session_id, user_id)
    await db.execute(
        """INSERT INTO feedback (session_id, user_id, rating, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(session_id, user_id) DO UPDATE SET rating = excluded.rating,
               updated_at = excluded.updated_at""",
        (session_id, user_id, rating, now, now),
    )
    return existing is None


async def comment(db: Database, session_id: str, user_id: int, text: str) -> bool:
    """The comment of an existing answer; False when there is no answer to attach it to."""
    count = await db.execute_rowcount(
        "UPDATE feedback SET comment = ?, updated_at = ? WHERE session_id = ? AND user_id = ?",
        (text, utcnow(), session_id, user_id),
    )
    return count > 0


async def get(db: Database, session_id: str, user_id: int) -> dict[str, Any] | None:
    row = await db.fetchone(
        "SELECT * FROM feedback WHERE session_id = ? AND user_id = ?", (session_id, user_id)
    )
    return dict(row) if row else None


async def answers(db: Database, session_id: str) -> list[tuple[int, str]]:
    """(rating, comment) of every answer to a session, oldest first; nothing personal."""
    rows = await db.fetchall(
        "SELECT rating, COALESCE(comment, '') AS comment FROM feedback WHERE session_id = ? "
        "ORDER BY created_at",
        (session_id,),
    )
    return [(int(r["rating"]), str(r["comment"])) for r in rows]


async def of_user(db: Database, user_id: int) -> list[dict[str, Any]]:
    rows = await db.fetchall(
        "SELECT session_id, rating, comment, created_at, updated_at FROM feedback "
        "WHERE user_id = ? ORDER BY created_at",
        (user_id,),
    )
    return [dict(r) for r in rows]


async def forget_user(db: Database, user_id: int) -> None:
    await db.execute("DELETE FROM feedback WHERE user_id = ?", (user_id,))
