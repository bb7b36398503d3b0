"""Selection rounds: who may vote, when a round is over, and its ranking (the rule is
domain/ranking.py)."""

from __future__ import annotations

from datetime import datetime

from domain.ranking import Entry, Ranked, rank
from storage import selection as store
from storage.db import Database
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


async def current(db: Database, round_id: int, now: datetime) -> Round | None:
    """The round, closed first when its closing time has passed (so every reader agrees)."""
    found = await store.get(db, round_id)
    if found is not None and found.status == "open" and is_over(found, now):
        await store.close(db, round_id)
        found = await store.get(db, round_id)
    return found


async def ranking(db: Database, round_id: int) -> list[Ranked]:
    data = (await store.ranking_input(db, [round_id])).get(round_id, {})
    return rank(Entry(pid, scores, votes) for pid, (scores, votes) in data.items())
