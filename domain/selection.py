"""Selection rounds: who may vote, when a round is over (closed then, whoever notices first:
a reader or the closing chore, and the organiser who opened it told once), and its ranking
(the rule is domain/ranking.py)."""

from __future__ import annotations

from datetime import datetime

import locales
from domain.ranking import Entry, Ranked, rank
from schedules.event import Event
from schedules.timefmt import format_datetime
from storage import outbox, users
from storage import selection as store
from storage.db import Database
from storage.outbox import OutgoingMessage
from storage.participants import Participant
from storage.selection import Round


def may_vote(round_: Round, person: Participant | None) -> bool:
    """Registered participants of the round's dimension group, and the Dewan Smart City when
    the organiser included them."""
    if person is None or not person.is_registered:
        return False
    if person.dimension == round_.dimension:
        return True
    return round_.include_dewan and person.role == "dewan"


def is_over(round_: Round, now: datetime) -> bool:
    return round_.status != "open" or now >= datetime.fromisoformat(round_.closes_at)


async def current(db: Database, event: Event, round_id: int, now: datetime) -> Round | None:
    """The round, closed first when its closing time has passed (so every reader agrees)."""
    found = await store.get(db, round_id)
    if found is not None and found.status == "open" and is_over(found, now):
        await close_on_time(db, event, found)
        found = await store.get(db, round_id)
    return found


async def close_on_time(db: Database, event: Event, round_: Round) -> bool:
    """An open round past its closing time closed, and the organiser who opened it told that
    the ranking is ready (outbox, once per round), in one transaction. False: it was closed
    already (by another reader, the chore, or an organiser's "Tutup sekarang")."""
    async with db.transaction():
        if not await store.close(db, round_.id):
            return False
        lang = await users.language(db, round_.created_by) or "id"
        dimension = event.dimension(round_.dimension)
        text = locales.t(
            lang,
            "selection.closed_notice",
            id=round_.id,
            dimension=dimension.name if dimension else round_.dimension,
            closes=format_datetime(datetime.fromisoformat(round_.closes_at), event.tz, lang),
        )
        notice = OutgoingMessage(
            "round_closed",
            round_.created_by,
            {"text": text},
            str(round_.id),
            f"round_closed:{round_.id}",
        )
        await outbox.enqueue(db, [notice])
    return True


async def close_due(db: Database, event: Event, now: datetime) -> int:
    """The closing chore: every open round whose closing time has passed is closed (see
    `close_on_time`). How many were closed."""
    closed = 0
    for round_ in await store.open_rounds(db):
        if is_over(round_, now) and await close_on_time(db, event, round_):
            closed += 1
    return closed


async def ranking(db: Database, round_id: int) -> list[Ranked]:
    data = (await store.ranking_input(db, [round_id])).get(round_id, {})
    return rank(Entry(pid, scores, votes) for pid, (scores, votes) in data.items())
