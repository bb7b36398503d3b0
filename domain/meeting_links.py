"""Who may see the meeting links: the one rule.

The links of the online sessions are for participants only ("khusus untuk peserta; mohon
tidak disebarkan"). They are shown in a private chat, to a registered participant whose
consent is in force, and nowhere else: never in a group, never to someone who has not
registered, has deleted their data or withdrew consent. /jadwal and its stage buttons, the
.ics file, the FAQ facts, reminders and "Perubahan jadwal" messages all ask here. Everyone
else gets the schedule without links and is told that the link is sent to registered
participants in the private chat."""

from __future__ import annotations

from dataclasses import dataclass

from storage import consents, participants
from storage.db import Database
from storage.participants import Participant


def may_see_links(person: Participant | None, consent_in_force: bool, private: bool) -> bool:
    """The rule: a private chat, a registered participant, consent in force."""
    return private and person is not None and person.is_registered and consent_in_force


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the schedule or an FAQ answer, and in which chat. `person` is their
    profile (only in a private chat; registered or not), `links` whether they may see the
    meeting links."""

    person: Participant | None = None
    links: bool = False
    private: bool = False


async def viewer(db: Database, user_id: int | None, private: bool) -> Viewer:
    """The viewer for one user in a private chat or a group (nothing personal in a group)."""
    if user_id is None or not private:
        return Viewer(private=private)
    person = await participants.get(db, user_id)
    consent = (
        person is not None
        and person.is_registered
        and await consents.active(db, user_id) is not None
    )
    return Viewer(person=person, links=may_see_links(person, consent, private), private=True)


def entitled(people: list[Participant], consenting: set[int]) -> list[Participant]:
    """Of these participants, those who may get the links in their private chat."""
    return [p for p in people if may_see_links(p, p.user_id in consenting, private=True)]


async def reminder_recipients(db: Database, changed_since: str | None = None) -> list[Participant]:
    """Who reminders (which carry the link) can go to: registered participants with consent
    in force whose chat has not blocked the bot (with `changed_since`: only those whose
    profile changed since then)."""
    found = await participants.reachable(db, changed_since)
    if not found:
        return []
    few = changed_since is not None and len(found) <= 500  # else one query for all is cheaper
    ids = [p.user_id for p in found] if few else None
    return entitled(found, await consents.active_user_ids(db, among=ids))


async def registered_with_links(db: Database) -> list[Participant]:
    """Registered participants with consent in force, reachable or not (schedule changes)."""
    return entitled(await participants.registered(db), await consents.active_user_ids(db))
