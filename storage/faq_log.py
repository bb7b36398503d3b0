"""Questions the FAQ could not answer or that were passed to the organisers, and the
organisers' copies of them (so a reply to a copy reaches the person who asked)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database, utcnow


@dataclass(frozen=True)
class LoggedQuestion:
    id: int
    user_id: int
    chat_id: int
    language: str
    question: str
    best_id: str | None
    score: float
    status: str  # unsure | escalated | answered
    asked_at: str
    escalated_at: str | None
    answer: str | None
    answered_by: int | None
    answered_at: str | None

    @property
    def is_open(self) -> bool:
        return self.status != "answered"


def _from_row(row: object) -> LoggedQuestion:
    return LoggedQuestion(**dict(row))  # type: ignore[call-overload]


async def add(
    db: Database,
    user_id: int,
    chat_id: int,
    language: str,
    question: str,
    best_id: str | None,
    score: float,
) -> int:
    """Log a question the FAQ was not sure about; returns its number."""
    return await db.execute(
        """INSERT INTO faq_questions (user_id, chat_id, language, question, best_id, score, asked_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (user_id, chat_id, language, question, best_id, score, utcnow()),
    )


async def get(db: Database, question_id: int) -> LoggedQuestion | None:
    row = await db.fetchone("SELECT * FROM faq_questions WHERE id = ?", (question_id,))
    return _from_row(row) if row else None


async def escalate(db: Database, question_id: int) -> bool:
    """Mark a logged question as passed to the organisers; False when it already was."""
    changed = await db.execute_rowcount(
        "UPDATE faq_questions SET status = 'escalated', escalated_at = ? "
        "WHERE id = ? AND status = 'unsure'",
        (utcnow(), question_id),
    )
    return changed > 0


async def add_forward(db: Database, chat_id: int, message_id: int, question_id: int) -> None:
    """Remember an organiser's copy of a question."""
    await db.execute(
        "INSERT OR IGNORE INTO faq_forwards (chat_id, message_id, question_id) VALUES (?, ?, ?)",
        (chat_id, message_id, question_id),
    )


async def by_forward(db: Database, chat_id: int, message_id: int) -> LoggedQuestion | None:
    """The question whose copy is message `message_id` in chat `chat_id`."""
    row = await db.fetchone(
        """SELECT q.* FROM faq_forwards f JOIN faq_questions q ON q.id = f.question_id
           WHERE f.chat_id = ? AND f.message_id = ?""",
        (chat_id, message_id),
    )
    return _from_row(row) if row else None


async def record_answer(db: Database, question_id: int, answer: str, organiser_id: int) -> None:
    """Keep the first answer; later replies are delivered but not stored over it."""
    await db.execute(
        """UPDATE faq_questions SET status = 'answered',
                  answer = COALESCE(answer, ?), answered_by = COALESCE(answered_by, ?),
                  answered_at = COALESCE(answered_at, ?)
           WHERE id = ?""",
        (answer, organiser_id, utcnow(), question_id),
    )


async def latest(db: Database, limit: int = 20) -> list[LoggedQuestion]:
    """The most recent logged questions, newest first."""
    rows = await db.fetchall("SELECT * FROM faq_questions ORDER BY id DESC LIMIT ?", (limit,))
    return [_from_row(r) for r in rows]


async def of_user(db: Database, user_id: int) -> list[dict[str, object]]:
    """For /datasaya: the user's questions that went to the organisers ("Tanya panitia"),
    with the organiser's answer if any. Questions the FAQ was only unsure about stay in the
    log for /faqbelum and are erased with the rest, but were never passed on to anyone."""
    rows = await db.fetchall(
        "SELECT question, status, asked_at, escalated_at, answer, answered_at FROM faq_questions "
        "WHERE user_id = ? AND escalated_at IS NOT NULL ORDER BY id",
        (user_id,),
    )
    return [dict(row) for row in rows]


async def forget_user(db: Database, user_id: int) -> int:
    """Data deletion (UU 27/2022): drop the user's questions and the organisers' copies."""
    async with db.transaction():
        await db.execute(
            "DELETE FROM faq_forwards WHERE question_id IN "
            "(SELECT id FROM faq_questions WHERE user_id = ?)",
            (user_id,),
        )
        return await db.execute_rowcount("DELETE FROM faq_questions WHERE user_id = ?", (user_id,))


async def askers(db: Database) -> set[int]:
    """Everyone with a logged question (retention: their questions are personal data too)."""
    rows = await db.fetchall("SELECT DISTINCT user_id FROM faq_questions")
    return {int(r["user_id"]) for r in rows}
