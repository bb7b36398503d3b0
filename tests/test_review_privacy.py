"""/datasaya and /hapusdata cover the new records (domain/privacy.py): earlier versions,
reviews received and written, votes. On a real SQLite file, without Telegram."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain import privacy
from storage import proposals as store
from storage import reviews, selection
from storage.db import Database
from tests.proposal_helpers import seed_proposals
from tests.seeding import registered

PROPOSER, REVIEWER, VOTER = 1, 2, 3


async def test_copy_and_deletion_of_reviews_votes_and_versions(tmp_path) -> None:
    db = await Database(tmp_path / "p.sqlite3").open()
    try:
        for uid in (PROPOSER, REVIEWER, VOTER):
            await registered(db, uid, full_name=f"Orang {uid}")
        await seed_proposals(db, PROPOSER, 1, name="Program privasi")
        (pid,) = [p.id for p in await store.of_user(db, PROPOSER)]
        await reviews.insert_done(db, [(pid, 1, REVIEWER, {"dampak": 3}, "perbaikan")])
        assert await store.new_version(db, pid, PROPOSER, 2) == 2
        closes = (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="seconds")
        rid = await selection.create(db, "governance", "all", 2, False, closes, 9, [pid])
        assert await selection.toggle_vote(db, rid, pid, VOTER, 2) == "added"

        proposer = await privacy.collect_data(db, PROPOSER)
        assert [v["version"] for v in proposer["proposal_versions"]] == [1]  # type: ignore[index]
        assert proposer["reviews_received"][0]["recommendation"] == "perbaikan"  # type: ignore[index]
        reviewer = await privacy.collect_data(db, REVIEWER)
        assert reviewer["reviews_written"][0]["proposal_id"] == pid  # type: ignore[index]
        voter = await privacy.collect_data(db, VOTER)
        assert voter["votes"][0]["proposal_id"] == pid  # type: ignore[index]

        await privacy.delete_user_data(db, VOTER)
        await privacy.delete_user_data(db, REVIEWER)
        assert await selection.my_votes(db, rid, VOTER) == set()
        (kept,) = await reviews.of_proposal(db, pid)
        assert kept.reviewer_id is None and kept.scores == {"dampak": 3}  # kept, unlinked
        await privacy.delete_user_data(db, PROPOSER)
        assert await store.versions(db, pid)  # the masterplan keeps the versions ...
        assert (await store.get_for_staff(db, pid)).user_id is None  # ... without the person
    finally:
        await db.close()
