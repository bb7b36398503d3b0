"""Registered participants written through the storage functions, for tests and benchmarks."""

from __future__ import annotations

from typing import Any

from domain.privacy import NOTICE_VERSION
from storage import consents, participants, users


async def registered(
    db: Any,
    user_id: int,
    *,
    full_name: str | None = None,
    opd_id: str | None = "diskominfo",
    role: str = "tim_pelaksana",
    dimension: str = "governance",
    mode: str = "offline",
    language: str = "id",
    **extra: Any,
) -> None:
    """A participant as the registration flow leaves them: profile complete, status
    registered, consent in force. Without an OPD the office is a university."""
    await users.touch(db, user_id, language)
    await participants.start_draft(db, user_id)
    await participants.update(
        db,
        user_id,
        full_name=full_name or f"Peserta {user_id}",
        opd_id=opd_id,
        opd_other=None if opd_id else "Universitas Panca Marga",
        role=role,
        dimension=dimension,
        mode=mode,
        **extra,
    )
    await participants.mark_registered(db, user_id)
    await consents.give(db, user_id, NOTICE_VERSION)
