"""/rekap's "which offices have a proposal in their own group", looked up pair by pair
(issue: scale), agrees with the full pass over every proposal."""

from __future__ import annotations

from pathlib import Path

from storage import proposals as store
from storage.db import Database
from tests.proposal_helpers import EVENT, register, seed_proposals


async def test_offices_looked_up_by_pair_agree_with_the_full_pass(tmp_path: Path) -> None:
    db = await Database(tmp_path / "r.sqlite3").open()
    try:
        await register(db, 1, dimension="governance")  # own office diskominfo, lead too
        await seed_proposals(db, 1, 2, dimension="governance")
        await register(db, 2, dimension="economy", opd_id="dlh")  # lead dkpp, own office dlh
        await seed_proposals(db, 2, 1, dimension="economy")
        await register(db, 3, dimension="living")  # registered, nothing proposed
        pairs = [(o.dimension, o.id) for o in EVENT.opds] + [("economy", "dlh")]
        full = await store.offices_with_proposals(db)
        looked_up = await store.offices_with_proposals(db, among=pairs)
        assert looked_up == {pair for pair in pairs if pair in full}
        assert ("governance", "diskominfo") in looked_up and ("economy", "dkpp") in looked_up
        assert ("economy", "dlh") in looked_up  # through the proposer's own office
        assert not any(d == "living" for d, _ in looked_up)
    finally:
        await db.close()
