"""Forgiving input, the pure parts (issue 13): typed text matched to buttons, what is wrong
with a typed name, typed phone numbers, messages too small to be questions, everyday send
times. The end-to-end side is tests/test_forgiving.py."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from domain.choices import match_choice
from domain.faq.intent import is_noise
from domain.people import indonesian_phone, looks_like_phone, text_problem
from schedules.whenparse import parse_when, parse_when_options

CONSENT = ["Setuju", "Tidak setuju"]
MODES = ["Luring (tatap muka)", "Daring (online)"]
ROLES = ["Tim Pelaksana OPD", "Dewan Smart City", "Narasumber/Pendamping", "Lainnya"]
DIMENSIONS = [
    "✓ Smart Governance",
    "Smart Branding",
    "Smart Economy",
    "Smart Living",
    "Smart Society",
    "Smart Environment",
    "Semua dimensi",
]


@pytest.mark.parametrize(
    ("typed", "labels", "expected"),
    [
        ("setuju", CONSENT, "Setuju"),
        ("SETUJU!", CONSENT, "Setuju"),
        ("tidak setuju", CONSENT, "Tidak setuju"),
        ("luring", MODES, "Luring (tatap muka)"),
        ("lurin", MODES, "Luring (tatap muka)"),  # a typo in a long word
        ("online", MODES, "Daring (online)"),
        ("smart living", DIMENSIONS, "Smart Living"),
        ("smartliving", DIMENSIONS, "Smart Living"),
        ("Smart Liviing", DIMENSIONS, "Smart Living"),
        ("governance", DIMENSIONS, "✓ Smart Governance"),  # the tick is not part of it
        ("sémua dimensi", DIMENSIONS, "Semua dimensi"),  # accents folded
        ("dewan", ROLES, "Dewan Smart City"),
        ("narasumber", ROLES, "Narasumber/Pendamping"),
    ],
)
def test_a_typed_label_surely_names_its_button(typed: str, labels: list, expected: str) -> None:
    found = match_choice(typed, labels)
    assert found.certainty == "sure"
    assert [labels[i] for i in found.indexes] == [expected]


def test_shared_or_weak_matches_are_asked_never_taken() -> None:
    smart = match_choice("smart", DIMENSIONS)  # every "Smart ..." holds it
    assert smart.certainty == "guess" and len(smart.indexes) > 1
    # A negation is not "Setuju": at most a question that offers both.
    negated = match_choice("gak setuju", CONSENT)
    assert negated.certainty != "sure"
    typo = match_choice("setju", CONSENT)  # as close to both: which one?
    assert typo.certainty == "guess" and sorted(typo.indexes) == [0, 1]


def test_words_around_a_choice_say_nothing() -> None:
    for typed in ("ya setuju", "saya setuju pak", "setuju aja"):
        found = match_choice(typed, CONSENT)
        assert found.certainty == "sure" and found.indexes == (0,), typed
    # ... unless the label has them: "Ya" is a button of its own.
    assert match_choice("ya", ["Ya", "Bukan"]).indexes == (0,)


@pytest.mark.parametrize("typed", ["halo", "ok", "apa ini", "offline", "", "👍", "12"])
def test_unrelated_text_names_no_button(typed: str) -> None:
    assert match_choice(typed, CONSENT + MODES).certainty == "none"


@pytest.mark.parametrize(
    ("typed", "digits_allowed", "key", "values"),
    [
        ("x" * 101, False, "too_long", {"length": 101, "limit": 100}),
        ("Siti 2", False, "has_digits", {"chars": "2"}),
        ("Budi 😀", False, "has_emoji", {"chars": "😀"}),
        ("Dinas 👍🏽", True, "has_emoji", {"chars": "👍 🏽"}),
        ("Budi@kantor", False, "has_symbol", {"chars": "@"}),
        ("A", False, "too_short", {"limit": 2}),
        ("1234", True, "too_short", {"limit": 2}),
    ],
)
def test_what_is_wrong_with_a_typed_name(typed, digits_allowed, key, values) -> None:
    assert text_problem(typed, digits_allowed=digits_allowed) == (key, values)


def test_an_acceptable_office_has_no_problem() -> None:
    assert text_problem("PT PLN (Persero) UP3 Pasuruan", digits_allowed=True) is None


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+62-812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(0335) 123456", "+62335123456"),  # a landline in Probolinggo
        ("0812 345", None),  # too short
        ("+1 202 555 0143", None),  # not Indonesian
        ("0812 3456 78901234", None),  # too long
    ],
)
def test_typed_phone_numbers(typed: str, e164: str | None) -> None:
    assert looks_like_phone(typed)
    assert indonesian_phone(typed) == e164


@pytest.mark.parametrize("typed", ["nanti saja", "Lewati dulu", "no hp saya 0812"])
def test_words_are_not_phone_numbers(typed: str) -> None:
    assert not looks_like_phone(typed)


@pytest.mark.parametrize("typed", ["p", "P", "?", "??", "👍", "...", " . ", "🙏🏽"])
def test_too_small_to_be_a_question(typed: str) -> None:
    assert is_noise(typed)


@pytest.mark.parametrize("typed", ["ok", "zoom?", "jadwal", "p jadwal"])
def test_short_questions_are_not_noise(typed: str) -> None:
    assert not is_noise(typed)


TZ = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=TZ)  # a Saturday, noon


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("besok jam setengah 8", "2026-11-29 07:30"),
        ("setengah 8", "2026-11-29 07:30"),  # half way to eight; 07.30 today has passed
        ("besok jam setengah 8 malam", "2026-11-29 19:30"),
        ("lusa jam 9 pagi", "2026-11-30 09:00"),
        ("Senin depan 13.00", "2026-11-30 13:00"),
        ("Sabtu depan jam 8", "2026-12-05 08:00"),  # said on a Saturday: next week's
        ("nanti jam 3 sore", "2026-11-28 15:00"),
        ("besok 3 sore", "2026-11-29 15:00"),
        ("jam 1 siang", "2026-11-28 13:00"),
        ("jam 11 siang", "2026-11-29 11:00"),
        ("jam 12 malam", "2026-11-29 00:00"),
        ("jam 14.30", "2026-11-28 14:30"),
        ("1 Des 08.00", "2026-12-01 08:00"),
        ("jam 9", "2026-11-29 09:00"),  # a morning hour alone is the morning
        ("besok 03.00", "2026-11-29 03:00"),  # written with its zero: not ambiguous
        ("3 pm", "2026-11-28 15:00"),
        ("kapan-kapan saja", None),
        ("besok jam setengah", None),
    ],
)
def test_everyday_send_times(text: str, expected: str | None) -> None:
    moment = parse_when(text, NOW, TZ)
    assert (moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if moment else None) == expected


def test_an_hour_that_may_be_morning_or_afternoon_gives_both() -> None:
    options = parse_when_options("besok jam 3", NOW, TZ)
    shown = [m.strftime("%Y-%m-%d %H:%M") for m in options]
    assert shown == ["2026-11-29 03:00", "2026-11-29 15:00"]
    assert parse_when("besok jam 3", NOW, TZ) is None  # never one of them silently
