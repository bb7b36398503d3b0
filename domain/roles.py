"""Who is staff: the one definition of admins, organisers and reviewers.

Admins are configured (ADMIN_IDS). Organisers are the admins, the configured organisers
(ORGANISER_IDS) and the people admins added with /panitia (the `staff` table). Reviewers
(narasumber / tim pendamping) are the people admins added with /pendamping (the `reviewers`
table), each for some dimensions or all."""

from __future__ import annotations

from collections.abc import Sequence

from config import Settings
from storage import staff
from storage.db import Database


def is_admin(settings: Settings, user_id: int) -> bool:
    return user_id in settings.admin_ids


async def organiser_ids(settings: Settings, db: Database) -> set[int]:
    """Everyone who may act as an organiser."""
    return set(settings.admin_ids) | set(settings.organiser_ids) | await staff.organiser_ids(db)


async def is_organiser(settings: Settings, db: Database, user_id: int) -> bool:
    if user_id in settings.admin_ids or user_id in settings.organiser_ids:
        return True  # no query for the configured ones
    return user_id in await staff.organiser_ids(db)


async def reviewed_dimensions(db: Database, user_id: int, all_ids: Sequence[str]) -> list[str]:
    """The dimensions the user reviews ([] when they are no reviewer): their own list, or
    every dimension of the event when the list is empty."""
    dims = await staff.reviewer_dimensions(db, user_id)
    if dims is None:
        return []
    return [d for d in all_ids if d in dims] if dims else list(all_ids)
