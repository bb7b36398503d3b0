"""Helpers for the schedule tests: event files with sessions seconds ahead, seeded people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from tests.harness import FUTURE_EVENT

VENUE = "Ruang Pertemuan Tengger, Kraksaan"
LINK = "https://zoom.us/j/123456789"


def session(sid: str, start: datetime, minutes: int = 60, **extra: Any) -> dict[str, Any]:
    data = {
        "id": sid,
        "title": f"Sesi {sid}",
        "start": start.isoformat(),
        "end": (start + timedelta(minutes=minutes)).isoformat(),
        "location": VENUE,
        "online_url": LINK,
        "audience": "all",
    }
    data.update(extra)
    return data


def write_event(
    path: Path, stages: list[list[dict[str, Any]]], offsets: list[str], past: bool = True
) -> Path:
    """The demo event's stages replaced by `stages` (lists of sessions)."""
    raw = yaml.safe_load(FUTURE_EVENT.read_text(encoding="utf-8"))
    raw["stages"] = [
        {"number": i + 1, "title": f"Tahap {i + 1}", "goal": f"Tujuan {i + 1}", "sessions": s}
        for i, s in enumerate(stages)
    ]
    raw["reminders"] = {"offsets": offsets}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


async def seed(
    db: Any,
    user_id: int,
    lang: str = "id",
    registered_ago: timedelta | None = None,
    consent: bool = True,
    **fields: Any,
) -> None:
    """A registered participant, written straight through the storage functions, with
    consent in force as the registration flow leaves it (unless `consent` is False)."""
    from domain.privacy import NOTICE_VERSION
    from storage import consents, participants, users

    await users.touch(db, user_id, lang)
    await participants.start_draft(db, user_id)
    values = {"full_name": f"Peserta {user_id}", "opd_id": "diskominfo", "role": "tim_pelaksana"}
    values |= {"dimension": "governance", "mode": "offline"}
    values |= fields
    await participants.update(db, user_id, **values)
    await participants.mark_registered(db, user_id)
    if consent:
        await consents.give(db, user_id, NOTICE_VERSION)
    if registered_ago is not None:  # registered long before (the flow is another feature's)
        moment = (datetime.now(UTC) - registered_ago).isoformat(timespec="seconds")
        await db.execute(
            "UPDATE participants SET registered_at = ? WHERE user_id = ?", (moment, user_id)
        )
