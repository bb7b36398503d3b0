"""Selection per dimension (issue 15, part 3), end to end: an organiser opens a round, the
dimension group and the Dewan get ballots, votes are changed, the round is closed, the
ranking follows the README's rule on a seeded set whose answer is known, the programmes are
confirmed and their proposers told; role checks and forged presses on every button."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta

import pytest

import bot as bot_module
import locales
from schedules.timefmt import format_datetime
from storage import proposals as store
from storage import reviews, selection
from tests.conftest import ORGANISER_ID
from tests.harness import RunningBot
from tests.proposal_helpers import register, seed_proposals

A, B, V1, V2, DEWAN, OUTSIDER = 750_001, 750_002, 750_003, 750_004, 750_005, 750_006


def scores(value: int) -> dict[str, int]:
    return {c: value for c in ("dampak", "kelayakan", "kesesuaian", "inovasi", "efisiensi")}


async def test_round_with_changed_votes_close_ranking_and_confirm(tg, bot, organiser) -> None:
    db = bot.db
    await register(db, A, name="Ani", dimension="economy")
    await register(db, B, name="Bayu", dimension="economy")
    await register(db, OUTSIDER, name="Oki", dimension="economy")
    await register(db, V1, name="Vina", dimension="governance")
    await register(db, V2, name="Vito", dimension="governance")
    await register(db, DEWAN, name="Dewi", dimension="all", opd_id="bappeda", role="dewan")
    await seed_proposals(db, A, 1, name="Satu data")
    await seed_proposals(db, B, 1, name="Layanan daring")
    await seed_proposals(db, A, 1, name="Kanal aduan")
    p1, p3 = [p.id for p in await store.of_user(db, A)]
    (p2,) = [p.id for p in await store.of_user(db, B)]
    # Known answer: p3 has the best mean (5.0), then p2 (4.0); p1's current version has none.
    await reviews.insert_done(
        db,
        [
            (p1, 1, 1, scores(4), "layak"),
            (p2, 1, 1, {**scores(5), "dampak": 3, "inovasi": 3, "efisiensi": 4}, "layak"),
            (p3, 1, 1, scores(5), "perbaikan"),
        ],
    )
    # p1 revised after its review: its new version (the one selected) is not reviewed yet.
    assert await store.new_version(db, p1, A, None) == 2
    users = {
        u: tg.user(first_name=f"U{u}", language_code="id", user_id=u)
        for u in (V1, V2, DEWAN, OUTSIDER, A)
    }

    await users[V1].send("/seleksi")
    await users[V1].expect("hanya untuk panitia")
    await organiser.send("/seleksi")
    await organiser.expect("Belum ada putaran")
    await organiser.press("Buka putaran baru")
    assert "hanya untuk panitia" in str(await users[V1].press_data("sel:v:dimension:governance"))
    await organiser.expect("Silakan pilih dimensi")
    await organiser.press("Smart Governance")
    await organiser.expect("kandidat")
    await organiser.press("Semua usulan terkirim")
    await organiser.expect("dipilih setiap peserta")
    await organiser.press("2")
    await organiser.expect("ditutup")
    await organiser.press("1 hari lagi")
    await organiser.expect("Dewan Smart City")
    await organiser.press("Ya, Dewan ikut memilih")
    opened = await organiser.expect("dibuka: 3 kandidat")
    assert "ke 3 peserta" in opened.text  # V1, V2 and the Dewan; not the economy group
    # what was set up is said back: the dimension, the choices, when it closes
    assert "(Smart Governance) dibuka" in opened.text and "paling banyak 2 pilihan" in opened.text
    assert "ditutup " in opened.text and "WIB" in opened.text
    (round_,) = await selection.all_rounds(db)
    rid = round_.id

    ballots = {
        u: await users[u].expect("Pemilihan program unggulan", timeout=15) for u in (V1, V2, DEWAN)
    }
    v1 = users[V1]
    assert "Pilihan tersimpan (1/2)" in str(await v1.press(f"#{p2} Layanan daring 0", ballots[V1]))
    await v1.press(f"#{p1} Satu data 0", ballots[V1])
    assert "sudah memilih 2" in str(await v1.press(f"#{p3} Kanal aduan 0", ballots[V1]))
    assert "dibatalkan (1/2)" in str(await v1.press(f"✓ #{p1} Satu data 0", ballots[V1]))
    await v1.press(f"#{p3} Kanal aduan 0", ballots[V1])  # changed: p2 and p3
    await users[V2].press(f"#{p2} Layanan daring 0", ballots[V2])
    await users[DEWAN].press(f"#{p1} Satu data 0", ballots[DEWAN])
    assert await selection.my_votes(db, rid, V1) == {p2, p3}

    # Forged presses: an outsider's vote, a participant closing, a candidate of no round.
    outsider = users[OUTSIDER]
    assert "hanya untuk peserta" in str(
        await outsider.press_data(f"sel:vote:{rid}:{p1}", ballots[V1])
    )
    assert "hanya untuk panitia" in str(await outsider.press_data(f"sel:close:{rid}", ballots[V1]))
    assert "tidak berlaku" in str(await v1.press_data(f"sel:vote:{rid}:999", ballots[V1]))
    with pytest.raises(sqlite3.IntegrityError):  # one vote per person and candidate
        await db.execute(
            "INSERT INTO votes (round_id, proposal_id, user_id, voted_at) VALUES (?, ?, ?, 'x')",
            (rid, p2, V1),
        )

    await organiser.send("/seleksi")
    await organiser.expect("Seleksi program unggulan")
    await organiser.press(f"#{rid} Smart Governance (dibuka)")
    await organiser.expect(f"Putaran #{rid}")
    await organiser.press("Tutup sekarang")  # asks first; Batal changes nothing
    await organiser.expect(f"Tutup putaran #{rid} (Smart Governance) sekarang?")
    await organiser.press("✖ Batal")
    await organiser.expect(f"Putaran #{rid}")
    assert (await selection.get(db, rid)).status == "open"
    assert "hanya untuk panitia" in str(
        await outsider.press_data(f"sel:close:{rid}:yes", ballots[V1])
    )
    await organiser.press("Tutup sekarang")
    await organiser.expect("Tutup putaran")
    await organiser.press("✅ Ya, tutup sekarang")
    ranking = await organiser.expect("Peringkat")
    lines = [line for line in ranking.text.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert lines == [
        f"1. #{p3} Kanal aduan 0: nilai 5,00, 1 suara",
        f"2. #{p2} Layanan daring 0: nilai 4,00, 2 suara",
        f"3. #{p1} Satu data 0: belum ditinjau (versi terbaru; versi sebelumnya sudah ditinjau),"
        " 1 suara",
    ]
    assert "sudah ditutup" in str(await v1.press(f"✓ #{p2} Layanan daring 0", ballots[V1]))
    # Tetapkan with nothing picked: said, nothing confirmed.
    assert "Mohon pilih dahulu" in str(await organiser.press("Tetapkan program unggulan"))
    await organiser.press(f"☐ 1. #{p3} Kanal aduan 0")
    await organiser.expect("Peringkat")
    await organiser.press(f"☐ 2. #{p2} Layanan daring 0")
    await organiser.expect("Peringkat")
    await organiser.press("Tetapkan program unggulan")
    sure = await organiser.expect("Tetapkan 2 program unggulan dimensi Smart Governance")
    assert f"#{p3} Kanal aduan 0" in sure.text and (await selection.get(db, rid)).status == "closed"
    await organiser.press("✅ Ya, tetapkan")
    await organiser.expect("ditetapkan")
    assert await selection.chosen_proposal_ids(db) == [(rid, p2), (rid, p3)]
    told = await users[A].expect("program unggulan", timeout=15)
    assert f"#{p3}" in told.text
    assert "tidak berlaku" in str(await organiser.press_data(f"sel:confirm:{rid}"))  # once
    assert "tidak berlaku" in str(await organiser.press_data(f"sel:confirm:{rid}:yes"))
    # Closed early: the round says when it was closed, not when it would have closed.
    row = await selection.get(db, rid)
    assert row is not None and row.closed_at is not None
    closed = format_datetime(datetime.fromisoformat(row.closed_at), bot.services.event.tz, "id")
    view = next(m for m in reversed(organiser.messages) if f"Putaran #{rid}" in m.content)
    assert f"Ditutup: {closed}." in view.content
    # « Kembali leads back to the list of rounds, in the same message.
    await organiser.press("« Kembali", msg=view)
    listing = await organiser.expect("Seleksi program unggulan")
    assert listing.message_id == view.message_id


async def open_round(organiser, dimension: str, max_choices: str = "2") -> None:
    """An organiser opens a round from /seleksi: every proposal sent, closing in a day."""
    await organiser.send("/seleksi")
    await organiser.expect("Seleksi program unggulan")
    await organiser.press("Buka putaran baru")
    await organiser.expect("Silakan pilih dimensi")
    await organiser.press(dimension)
    await organiser.expect("kandidat")
    await organiser.press("Semua usulan terkirim")
    await organiser.expect("dipilih setiap peserta")
    await organiser.press(max_choices)
    await organiser.expect("ditutup")
    await organiser.press("1 hari lagi")
    await organiser.expect("Dewan Smart City")
    await organiser.press("Tidak, hanya kelompok dimensi")
    await organiser.expect("dibuka")


async def test_second_press_of_a_vote_says_recorded_and_changes_nothing(tg, bot, organiser) -> None:
    """A ballot button pressed again on the same ballot (the reply, and the ticked ballot,
    lost): the vote is kept, not taken back, and the voter is told it is recorded; the same
    for taking one back. Ballots of before (two arguments) still toggle."""
    db = bot.db
    proposer_id, voter_id = 751_001, 751_002
    await register(db, proposer_id, name="Ani", dimension="living")
    await register(db, voter_id, name="Vina", dimension="living")
    await seed_proposals(db, proposer_id, 2, dimension="living", name="Posyandu")
    p1, p2 = [p.id for p in await store.of_user(db, proposer_id)]
    voter = tg.user(first_name="Vina", language_code="id", user_id=voter_id)
    await open_round(organiser, "Smart Living")
    (round_,) = await selection.all_rounds(db)
    ballot = await voter.expect("Pemilihan program unggulan", timeout=15)
    vote_data = ballot.find_button(f"#{p1} Posyandu 0")["callback_data"]
    assert vote_data == f"sel:vote:{round_.id}:{p1}:1"

    assert "Pilihan tersimpan (1/2)" in str(await voter.press(f"#{p1} Posyandu 0", ballot))
    again = await voter.press_data(vote_data, ballot)
    assert again.show_alert
    assert again.text == locales.plain("id", "selection.vote_kept", id=p1, count=1, max=2)
    assert await selection.my_votes(db, round_.id, voter_id) == {p1}
    assert ballot.find_button(f"✓ #{p1} Posyandu 0") is not None  # the ballot shows it

    take_back = ballot.find_button(f"✓ #{p1} Posyandu 0")["callback_data"]
    assert "dibatalkan (0/2)" in str(await voter.press_data(take_back, ballot))
    twice = await voter.press_data(take_back, ballot)
    assert twice.text == locales.plain("id", "selection.vote_absent", id=p1, count=0, max=2)
    assert await selection.my_votes(db, round_.id, voter_id) == set()

    # An old ballot's button (no intent on it) toggles as it did; forged intents are refused.
    legacy = f"sel:vote:{round_.id}:{p2}"
    assert "Pilihan tersimpan (1/2)" in str(await voter.press_data(legacy, ballot))
    assert "dibatalkan (0/2)" in str(await voter.press_data(legacy, ballot))
    assert "tidak berlaku" in str(await voter.press_data(f"{legacy}:2", ballot))
    assert "tidak berlaku" in str(await voter.press_data(f"{legacy}:1:1", ballot))
    assert await selection.my_votes(db, round_.id, voter_id) == set()


async def test_round_closes_on_time_and_its_organiser_is_told(
    tg, settings, organiser, monkeypatch
) -> None:
    """A round closing seconds after it opens is closed by the chore, nobody reading it, and
    the organiser who opened it is told once that the ranking is ready; a round closing
    later stays open."""
    monkeypatch.setattr(bot_module, "ROUND_CLOSE_EVERY", 0.5)
    running = await RunningBot(settings).start()
    try:
        db = running.db
        await register(db, 752_001, name="Ani", dimension="living")
        await seed_proposals(db, 752_001, 2, dimension="living", name="Posyandu")
        p1, p2 = [p.id for p in await store.of_user(db, 752_001)]
        now = running.services.clock.now()
        soon = (now + timedelta(seconds=3)).isoformat(timespec="seconds")
        later = (now + timedelta(hours=1)).isoformat(timespec="seconds")
        rid = await selection.create(db, "living", "all", 1, False, soon, ORGANISER_ID, [p1, p2])
        other = await selection.create(db, "living", "all", 1, False, later, ORGANISER_ID, [p1])
        assert (await selection.get(db, rid)).status == "open"

        told = await organiser.expect(f"Putaran #{rid} (Smart Living) sudah ditutup", timeout=15)
        assert "/seleksi" in told.text
        assert (await selection.get(db, rid)).status == "closed"
        assert (await selection.get(db, other)).status == "open"
        await asyncio.sleep(1.5)  # a few more chore runs: still one notice
        rows = await db.fetchall("SELECT dedupe_key FROM outbox WHERE kind = 'round_closed'")
        assert [r["dedupe_key"] for r in rows] == [f"round_closed:{rid}"]
        # The ranking is there for the organiser.
        await organiser.send("/seleksi")
        await organiser.expect("Seleksi program unggulan")
        await organiser.press(f"#{rid} Smart Living (ditutup)")
        await organiser.expect("Peringkat")
    finally:
        await running.stop()


def test_english_counts_one_vote_and_several_votes() -> None:
    from handlers.selection.views import votes_text

    assert [votes_text(n, "en") for n in (0, 1, 2)] == ["0 votes", "1 vote", "2 votes"]
    assert [votes_text(n, "id") for n in (1, 2)] == ["1 suara", "2 suara"]
