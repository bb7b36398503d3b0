"""Everyone read for the reminders, the retention check and an announcement comes in pages (the database is
never held for seconds): the pages together are exactly the participants asked for."""

from __future__ import annotations

import storage.db
from storage import broadcasts, participants, users
from storage.db import Database
from tests.seeding import registered


async def test_the_pages_together_are_every_participant_asked_for(tmp_path, monkeypatch):
    monkeypatch.setattr(storage.db, "USER_PAGE", 3)
    db = await Database(tmp_path / "p.sqlite3").open()
    try:
        for user_id in range(100, 111):  # 11: three full pages and a short one
            await registered(db, user_id)
        await users.touch(db, 200, "id")
        await participants.start_draft(db, 200)  # a draft: holds data, is not reachable
        await users.set_active(db, 105, False)  # blocked the bot
        reachable = [p.user_id for p in await participants.reachable(db)]
        assert reachable == [u for u in range(100, 111) if u != 105]
        holding = [p.user_id for p in await participants.holding_data(db)]
        assert holding == [*range(100, 111), 200]
        monkeypatch.setattr(storage.db, "USER_PAGE", 2)  # exactly full pages: 10 = 5 x 2
        assert len(await participants.reachable(db)) == 10
        assert await participants.reachable(db, "9999") == []  # nothing changed since
        changed = await participants.reachable(db, "2000")
        assert [p.user_id for p in changed] == reachable
        # An announcement's recipients: every registered participant, blocked or not.
        monkeypatch.setattr(storage.db, "USER_PAGE", 4)
        got = await broadcasts.registered_recipients(db)
        assert [r.user_id for r in got] == list(range(100, 111))
        assert [r.user_id for r in got if not r.active] == [105]
    finally:
        await db.close()
