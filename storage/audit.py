"""The audit trail: who did what, when."""

from __future__ import annotations

import json
from typing import Any

from storage.db import Database, utcnow


async def record(db: Database, actor_id: int | None, action: str, **detail: Any) -> None:
    await db.execute(
        "INSERT INTO audit_log (actor_id, action, detail, at) VALUES (?, ?, ?, ?)",
        (actor_id, action, json.dumps(detail, ensure_ascii=False, default=str), utcnow()),
    )


async def entries(
    db: Database, action: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    """Newest first."""
    where, params = ("WHERE action = ?", [action]) if action else ("", [])
    rows = await db.fetchall(
        f"SELECT actor_id, action, detail, at FROM audit_log {where} ORDER BY id DESC LIMIT ?",
        [*params, limit],
    )
    return [
        {
            "actor_id": r["actor_id"],
            "action": r["action"],
            "detail": json.loads(r["detail"]),
            "at": r["at"],
        }
        for r in rows
    ]
