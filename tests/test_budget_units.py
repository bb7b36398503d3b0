"""Typed budgets read to rupiah (domain/budget.py), and their one written form."""

from __future__ import annotations

import pytest

from domain.budget import format_rupiah, parse_budget

READ = [
    ("1,5 M", 1_500_000_000),
    ("1,5M", 1_500_000_000),
    ("1.5 m", 1_500_000_000),
    ("750 juta", 750_000_000),
    ("750 jt", 750_000_000),
    ("Rp 250.000.000", 250_000_000),
    ("Rp250.000.000,00", 250_000_000),
    ("Rp. 500 rb", 500_000),
    ("1.500.000.000", 1_500_000_000),
    ("1500000000", 1_500_000_000),
    ("1 500 000", 1_500_000),
    ("2 miliar", 2_000_000_000),
    ("2 Milyar", 2_000_000_000),
    ("1.500 juta", 1_500_000_000),
    ("IDR 3,25 T", 3_250_000_000_000),
    ("  Rp 75.000.000 ", 75_000_000),
    # an estimate said to be one: the words in front change nothing
    ("sekitar 1,5 M", 1_500_000_000),
    ("kurang lebih Rp 2 miliar", 2_000_000_000),
    ("± 750 juta", 750_000_000),
    ("kira-kira 500 jt", 500_000_000),
    ("about IDR 2.5 billion", 2_500_000_000),
]
REFUSED = ["", "lima juta", "1,5", "1,5 gajah", "0", "Rp 0", "-5 juta", "12.34.5", "10000 T", "abc"]
REFUSED += ["sekitar", "sekitar lima juta", "± 1,5"]  # "about" alone says no amount


@pytest.mark.parametrize(("typed", "rupiah"), READ)
def test_typed_amounts_are_read(typed: str, rupiah: int) -> None:
    found = parse_budget(typed)
    assert found is not None and found.amount == rupiah


@pytest.mark.parametrize("typed", REFUSED)
def test_unclear_amounts_are_not_guessed(typed: str) -> None:
    assert parse_budget(typed) is None


@pytest.mark.parametrize("typed", ["belum diperkirakan", "Belum", "belum ada.", "not estimated"])
def test_not_estimated(typed: str) -> None:
    found = parse_budget(typed)
    assert found is not None and found.amount is None and not found.estimated


def test_written_back_with_dots() -> None:
    assert format_rupiah(1_500_000_000) == "Rp 1.500.000.000"
    assert format_rupiah(750) == "Rp 750"
