"""E-certificates, the files the outbox uploads (stored_files) and the bot's own facts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.db import Database, utcnow


@dataclass(frozen=True)
class Certificate:
    code: str
    user_id: int | None
    stage: int
    full_name: str | None
    office: str | None
    role: str | None
    issued_at: str
    erased: bool


def _cert(row: Any) -> Certificate:
    data = dict(row)
    data["erased"] = bool(data["erased"])
    return Certificate(**data)


async def add(
    db: Database, code: str, user_id: int, stage: int, full_name: str, office: str, role: str
) -> bool:
    """False (nothing written) when the person already has this stage's certificate."""
    count = await db.execute_rowcount(
        """INSERT OR IGNORE INTO certificates
           (code, user_id, stage, full_name, office, role, issued_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (code, user_id, stage, full_name, office, role, utcnow()),
    )
    return count > 0


async def by_code(db: Database, code: str) -> Certificate | None:
    row = await db.fetchone("SELECT * FROM certificates WHERE code = ?", (code,))
    return _cert(row) if row else None


async def of_user(db: Database, user_id: int) -> list[Certificate]:
    rows = await db.fetchall(
        "SELECT * FROM certificates WHERE user_id = ? ORDER BY stage", (user_id,)
    )
    return [_cert(r) for r in rows]


async def holders(db: Database, stage: int) -> set[int]:
    rows = await db.fetchall(
        "SELECT user_id FROM certificates WHERE stage = ? AND user_id IS NOT NULL", (stage,)
    )
    return {int(r["user_id"]) for r in rows}


async def forget_user(db: Database, user_id: int) -> None:
    """Data deletion: the certificate stays genuine, without the person in it; its file goes."""
    rows = await db.fetchall("SELECT code FROM certificates WHERE user_id = ?", (user_id,))
    for row in rows:
        await db.execute("DELETE FROM stored_files WHERE key = ?", (file_key(row["code"]),))
    await db.execute(
        """UPDATE certificates SET user_id = NULL, full_name = NULL, office = NULL, role = NULL,
                  erased = 1 WHERE user_id = ?""",
        (user_id,),
    )


def file_key(code: str) -> str:
    return f"certificate:{code}"


async def store_file(db: Database, key: str, filename: str, data: bytes) -> None:
    await db.execute(
        """INSERT OR REPLACE INTO stored_files (key, filename, data, created_at)
           VALUES (?, ?, ?, ?)""",
        (key, filename, data, utcnow()),
    )


async def load_file(db: Database, key: str) -> tuple[str, bytes] | None:
    row = await db.fetchone("SELECT filename, data FROM stored_files WHERE key = ?", (key,))
    return (str(row["filename"]), bytes(row["data"])) if row else None


async def set_fact(db: Database, key: str, value: str) -> None:
    await db.execute(
        "INSERT INTO bot_facts (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


async def fact(db: Database, key: str) -> str | None:
    row = await db.fetchone("SELECT value FROM bot_facts WHERE key = ?", (key,))
    return str(row["value"]) if row else None
