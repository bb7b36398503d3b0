"""Session materials: Telegram file ids of the documents and photos organisers added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.db import Database, utcnow


@dataclass(frozen=True)
class Material:
    id: int
    session_id: str
    kind: str
    file_id: str
    file_name: str
    added_by: int
    added_at: str


def _material(row: Any) -> Material:
    return Material(**dict(row))


async def add(
    db: Database, session_id: str, kind: str, file_id: str, file_name: str, added_by: int
) -> int:
    return await db.execute(
        """INSERT INTO materials (session_id, kind, file_id, file_name, added_by, added_at)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (session_id, kind, file_id, file_name, added_by, utcnow()),
    )


async def get(db: Database, material_id: int) -> Material | None:
    row = await db.fetchone("SELECT * FROM materials WHERE id = ?", (material_id,))
    return _material(row) if row else None


async def all_materials(db: Database) -> list[Material]:
    rows = await db.fetchall("SELECT * FROM materials ORDER BY session_id, id")
    return [_material(r) for r in rows]
