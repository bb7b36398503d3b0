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
