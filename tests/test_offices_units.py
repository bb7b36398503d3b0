"""Typed offices are matched to the event's OPD (domain/offices.py)."""

from __future__ import annotations

import pytest

from domain.offices import fold, match_office
from tests.harness import future_event

EVENT = future_event()


@pytest.mark.parametrize(
    ("typed", "opd_id"),
    [
        ("DLH", "dlh"),
        ("dlh", "dlh"),
        ("Dinas LH", "dlh"),
        ("Dinas Lingkungan Hidup", "dlh"),
        ("dinas lingkungan hdup", "dlh"),
        ("Dinas Lingkungan Hidup Kabupaten Probolinggo", "dlh"),
        ("DLH Kab. Probolinggo", "dlh"),
        ("Diskoperindag", "diskoperindag"),
        ("disperindag", "diskoperindag"),
        ("Dinsos", "dinsos"),
        ("Dinas Kesehatan", "dinkes"),
        ("dinkes", "dinkes"),
        ("BAPPEDA", "bappeda"),
        ("Satpol PP", "satpol-pp"),
        ("Dinas Komunikasi, Informatika, Statistik dan Persandian", "diskominfo"),
        ("dinas komunikasi informatika statistik persandian", "diskominfo"),
    ],
)
def test_offices_people_type_are_their_opd(typed: str, opd_id: str) -> None:
    found = match_office(EVENT, typed)
    assert found.certainty == "sure", (typed, found)
    assert found.opd is not None and found.opd.id == opd_id


@pytest.mark.parametrize(
    "typed",
    ["Universitas Jember", "PT Telkom Indonesia", "Kecamatan Kraksaan", "RSUD Waluyo Jati", "x"],
)
def test_other_institutions_stay_free_text(typed: str) -> None:
    assert match_office(EVENT, typed).certainty == "none", typed


def test_a_far_typo_is_a_guess_not_a_certainty() -> None:
    found = match_office(EVENT, "dinas lingkngan")
    assert found.certainty == "guess" and found.opd is not None and found.opd.id == "dlh"


def test_short_abbreviations_are_never_fuzzy() -> None:
    # "DKP" is one letter from "DKPP" and from "DPU": too short to guess.
    assert match_office(EVENT, "DKP").certainty == "none"


def test_fold_drops_place_words_and_punctuation() -> None:
    assert fold("Dinas L.H. Kab. Probolinggo", frozenset({"probolinggo"})) == "dinas l h"


async def test_opd_rematch_dry_run_then_apply(tmp_path) -> None:
    """A database written before offices were matched becomes right with `opd rematch`."""
    from storage import participants
    from storage import proposals as store
    from storage.db import Database
    from tests.harness import FUTURE_EVENT, run_cli
    from tests.seeding import registered

    path = tmp_path / "old.sqlite3"
    db = await Database(path).open()
    await registered(db, 1, opd_id=None)
    await participants.update(db, 1, opd_other="DLH Kab. Probolinggo")
    await registered(db, 2, opd_id=None)  # "Universitas Panca Marga": stays free text
    pid = await store.create_draft(db, 1, 1, dimension="environment")
    await store.update(db, pid, 1, lead_opd_other="dinas lingkungan hdup")
    await db.close()
    env = {"DATABASE_PATH": str(path), "EVENT_FILE": str(FUTURE_EVENT)}

    dry = run_cli("opd", "rematch", **env)
    assert dry.returncode == 0, dry.stderr
    assert "Would match (dry run; add --apply to write): 2 of 3" in dry.stdout
    db = await Database(path).open()
    assert (await participants.get(db, 1)).opd_id is None  # a dry run writes nothing
    await db.close()

    done = run_cli("opd", "rematch", "--apply", **env)
    assert done.returncode == 0 and "Matched: 2 of 3" in done.stdout, done.stdout
    db = await Database(path).open()
    try:
        assert (await participants.get(db, 1)).opd_id == "dlh"
        assert (await participants.get(db, 2)).opd_other == "Universitas Panca Marga"
        proposal = await store.get(db, pid, 1)
        assert proposal.lead_opd_id == "dlh" and proposal.lead_opd_other is None
    finally:
        await db.close()
