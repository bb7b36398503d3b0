"""Which conversation each user is in, durably: one row per user (see handlers/flows.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from storage.db import Database, utcnow

# In a flow's data: the buttons its current step shows (handlers/base/flows.py keeps them so
# that a typed label is taken as the press). What the screen showed, not data about anyone.
SHOWN_BUTTONS = "_buttons"


@dataclass
class Flow:
    user_id: int
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    message_id: int | None = None


async def get(db: Database, user_id: int) -> Flow | None:
    row = await db.fetchone(
        "SELECT user_id, flow, step, data, message_id FROM flows WHERE user_id = ?", (user_id,)
    )
    if row is None:
        return None
    return Flow(
        row["user_id"], row["flow"], row["step"], json.loads(row["data"]), row["message_id"]
    )


async def save(db: Database, state: Flow) -> None:
    """Insert or replace the user's flow state in one committed statement."""
    await db.execute(
        """INSERT INTO flows (user_id, flow, step, data, message_id, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(user_id) DO UPDATE SET flow = excluded.flow, step = excluded.step,
               data = excluded.data, message_id = excluded.message_id,
               updated_at = excluded.updated_at""",
        (
            state.user_id,
            state.flow,
            state.step,
            json.dumps(state.data, ensure_ascii=False),
            state.message_id,
            utcnow(),
        ),
    )


async def clear(db: Database, user_id: int, flow: str | None = None) -> bool:
    """End the user's flow (only if it is `flow`, when given). True when one was ended."""
    if flow is None:
        return await db.execute_rowcount("DELETE FROM flows WHERE user_id = ?", (user_id,)) > 0
    sql = "DELETE FROM flows WHERE user_id = ? AND flow = ?"
    return await db.execute_rowcount(sql, (user_id, flow)) > 0
