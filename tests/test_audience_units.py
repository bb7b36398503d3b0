"""Who an announcement reaches (domain/audience.py: matches), on Recipient records built
directly; the stage rule reads the session audiences of the event file."""

from __future__ import annotations

import yaml

from domain.audience import matches
from schedules.event import Event
from storage.broadcasts import Recipient
from tests.harness import FUTURE_EVENT, future_event

EVENT = future_event()


def person(
    role: str | None = "tim_pelaksana",
    dimension: str | None = "governance",
    opd_id: str | None = "diskominfo",
    mode: str | None = "offline",
    *,
    active: bool = True,
) -> Recipient:
    return Recipient(
        user_id=1, role=role, dimension=dimension, opd_id=opd_id, mode=mode, active=active
    )


def audience(kind: str, *values: object) -> dict:
    return {"type": kind, "values": list(values)}


def test_everyone() -> None:
    for who in (person(), person(None, None, None, None), person(active=False)):
        assert matches({"type": "all"}, who, EVENT)
        assert matches(audience("all"), who, EVENT)


def test_dimensions_include_participants_of_all_dimensions() -> None:
    chosen = audience("dimensions", "economy", "environment")
    assert matches(chosen, person(dimension="economy"), EVENT)
    assert matches(chosen, person(dimension="environment"), EVENT)
    assert not matches(chosen, person(dimension="governance"), EVENT)
    assert not matches(chosen, person(dimension=None), EVENT)  # none chosen yet
    # Council members and guides in "all dimensions" belong to every group.
    assert matches(chosen, person("dewan", "all"), EVENT)
    assert matches(audience("dimensions", "living"), person("narasumber", "all"), EVENT)


def test_role() -> None:
    council = audience("role", "dewan")
    assert matches(council, person("dewan", "all"), EVENT)
    assert not matches(council, person("tim_pelaksana"), EVENT)
    assert not matches(council, person(None), EVENT)
    assert matches(audience("role", "narasumber", "lainnya"), person("lainnya"), EVENT)


def test_opds() -> None:
    chosen = audience("opds", "disparbud", "dlh")
    assert matches(chosen, person(opd_id="dlh"), EVENT)
    assert matches(chosen, person(opd_id="disparbud"), EVENT)
    assert not matches(chosen, person(opd_id="dkpp"), EVENT)
    assert not matches(chosen, person(opd_id=None), EVENT)  # another institution


def test_mode() -> None:
    online = audience("mode", "online")
    assert matches(online, person(mode="online"), EVENT)
    assert not matches(online, person(mode="offline"), EVENT)
    assert not matches(online, person(mode=None), EVENT)
    assert matches(audience("mode", "offline"), person(mode="offline"), EVENT)


def stage_event(audiences: list[object]) -> Event:
    """The demo event with stage 2's sessions given these audiences (one per session)."""
    data = yaml.safe_load(FUTURE_EVENT.read_text(encoding="utf-8"))
    stage = next(s for s in data["stages"] if s["number"] == 2)
    template = stage["sessions"][0]
    stage["sessions"] = [
        {**template, "id": f"s2-{n}", "audience": aud} for n, aud in enumerate(audiences)
    ]
    return Event.model_validate(data)


def test_stage_by_its_sessions_audiences() -> None:
    event = stage_event([{"dimensions": ["economy"]}, {"roles": ["dewan"], "modes": ["online"]}])
    stage_two = audience("stage", 2)
    assert matches(stage_two, person(dimension="economy"), event)  # the first session
    assert matches(stage_two, person("dewan", "all", mode="online"), event)  # both
    assert matches(stage_two, person("narasumber", "all"), event)  # all dimensions: first
    assert not matches(stage_two, person(dimension="governance"), event)
    assert not matches(stage_two, person("dewan", "governance", mode="offline"), event)
    # Stored values may be strings (JSON from the database).
    assert matches(audience("stage", "2"), person(dimension="economy"), event)


def test_a_stage_for_everyone_and_stages_that_do_not_exist() -> None:
    event = stage_event(["all"])
    assert matches(audience("stage", 2), person(None, None, None, None), event)
    assert not matches(audience("stage", 99), person(), event)
    assert not matches(audience("stage"), person(), event)  # no stage chosen


def test_an_unknown_audience_reaches_nobody() -> None:
    assert not matches({"type": "everyone"}, person(), EVENT)
    assert not matches({}, person(), EVENT)


async def test_reach_counts_exactly_the_recipients_of_every_audience(tmp_path) -> None:
    """The count shown while choosing (per-kind counts) and the list sent to (people) apply
    the one rule: they agree for every kind of audience."""
    from domain.audience import reach, recipients
    from storage import consents, users
    from storage.db import Database
    from tests.harness import future_event
    from tests.seeding import registered

    event = future_event()
    db = await Database(tmp_path / "a.sqlite3").open()
    try:
        people = [
            (1, "tim_pelaksana", "governance", "diskominfo", "offline"),
            (2, "tim_pelaksana", "economy", "dkpp", "online"),
            (3, "dewan", "all", "bappeda", "online"),
            (4, "narasumber", "all", None, "offline"),
            (5, "tim_pelaksana", "economy", "dkpp", "online"),
        ]
        for uid, role, dim, opd, mode in people:
            await registered(db, uid, role=role, dimension=dim, opd_id=opd, mode=mode)
        await users.set_active(db, 5, False)  # blocked the bot: counted apart
        await consents.withdraw(db, 2)  # no consent in force: reached by nothing
        audiences = [
            {"type": "all", "values": []},
            {"type": "dimensions", "values": ["economy"]},
            {"type": "dimensions", "values": ["governance", "living"]},
            {"type": "role", "values": ["dewan"]},
            {"type": "opds", "values": ["dkpp", "bappeda"]},
            {"type": "mode", "values": ["online"]},
            *({"type": "stage", "values": [s.number]} for s in event.stages),
        ]
        for audience in audiences:
            listed = await recipients(db, event, audience)
            counted = await reach(db, event, audience)
            assert counted.total == len(listed), audience
            assert counted.blocked == sum(1 for r in listed if not r.active), audience
        assert (await reach(db, event, {"type": "dimensions", "values": ["economy"]})).total == 3
    finally:
        await db.close()
