"""Who is staff: the one definition of admins and organisers.

Admins are configured (ADMIN_IDS). Organisers are the admins, the configured organisers
(ORGANISER_IDS) and the people admins added with /panitia (the `staff` table)."""

from __future__ import annotations

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
