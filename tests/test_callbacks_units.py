"""The callback-data codec (handlers/base/callbacks.py): every button is built with `encode`
and read with `decode`."""

from __future__ import annotations

import re

import pytest

from handlers.base.callbacks import (
    MAX_BYTES,
    Callback,
    CallbackTooLong,
    Feature,
    decode,
    encode,
    pattern,
)


@pytest.mark.parametrize(
    ("feature", "action", "args", "data"),
    [
        ("faq", "", (), "faq"),
        ("del", "yes", (), "del:yes"),
        ("del", "yes", ("",), "del:yes"),  # a trailing empty argument is dropped
        ("jdw", "stage", (3,), "jdw:stage:3"),
        ("usl", "view", (12, "edit"), "usl:view:12:edit"),
        ("bc", "pick", ("Ğ ü é",), "bc:pick:Ğ ü é"),
    ],
)
def test_encode_and_decode_round_trip(feature: str, action: str, args: tuple, data: str) -> None:
    assert encode(feature, action, *args) == data
    press = decode(data)
    assert press == Callback(feature, action, tuple(str(a) for a in args if a != ""))
    assert press is not None and press.encode() == data
    assert decode(press.encode()) == press


def test_nothing_to_decode() -> None:
    assert decode(None) is None
    assert decode("") is None


def test_the_limit_is_64_bytes_of_utf8_not_64_characters() -> None:
    assert MAX_BYTES == 64
    head = "prop:pick:"  # 10 bytes
    assert len(encode("prop", "pick", "x" * 54).encode()) == 64  # exactly at the limit
    with pytest.raises(CallbackTooLong):
        encode("prop", "pick", "x" * 55)
    # 27 two-byte letters: 37 characters, 64 bytes; one more is 38 characters and 66 bytes.
    assert encode("prop", "pick", "é" * 27) == head + "é" * 27
    with pytest.raises(CallbackTooLong):
        encode("prop", "pick", "é" * 28)
    with pytest.raises(CallbackTooLong):
        encode("prop", "pick", "🏙" * 14)  # 14 characters, 66 bytes
    assert issubclass(CallbackTooLong, ValueError)


def test_arity_keeps_separators_in_the_last_argument() -> None:
    data = encode("reg", "opd", "lain:nya:x")
    assert data == "reg:opd:lain:nya:x"
    assert decode(data, arity=1) == Callback("reg", "opd", ("lain:nya:x",))
    assert decode(data, arity=2) == Callback("reg", "opd", ("lain", "nya:x"))
    assert decode(data) == Callback("reg", "opd", ("lain", "nya", "x"))  # no arity: all split
    assert decode("reg:opd", arity=1) == Callback("reg", "opd", ())  # fewer is fine


def test_arguments_by_index() -> None:
    press = decode("usl:view:12:edit")
    assert press is not None
    assert press.arg() == "12" and press.arg(1) == "edit"
    assert press.arg(2) == "" and press.arg(2, "none") == "none"
    assert press.int_arg() == 12 and press.int_arg(1) is None and press.int_arg(5) is None


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0", 0),
        ("42", 42),
        ("007", 7),
        ("9" * 18, int("9" * 18)),  # the largest accepted: fits SQLite's 64-bit integers
        ("9" * 19, None),
        (str(2**63), None),  # one past SQLite's INTEGER
        (str(2**64), None),
        ("²", None),  # str.isdigit() says yes to superscripts; int() would refuse them
        ("٣", None),  # Arabic-Indic three: a digit to Python, not to us
        ("١٢", None),
        ("-1", None),
        ("+1", None),
        ("1.5", None),
        (" 1", None),
        ("1e3", None),
        ("abc", None),
        ("", None),
    ],
)
def test_int_arg_accepts_only_plain_ascii_numbers_in_range(text: str, number: int | None) -> None:
    assert Callback("usl", "view", (text,)).int_arg() == number


def test_patterns_match_one_feature_or_one_action() -> None:
    assert re.match(pattern("prop"), "prop")
    assert re.match(pattern("prop"), "prop:pick:3")
    assert not re.match(pattern("prop"), "proposal:x")
    assert not re.match(pattern("prop"), "xprop:pick")
    assert re.match(pattern("prop", "pick"), "prop:pick")
    assert re.match(pattern("prop", "pick"), "prop:pick:3")
    assert not re.match(pattern("prop", "pick"), "prop:picked")
    assert not re.match(pattern("prop", "pick"), "prop:other:pick")


def test_features_are_distinct_and_leave_room_for_arguments() -> None:
    values = [f.value for f in Feature]
    assert len(set(values)) == len(values)
    assert all(":" not in v for v in values)
    assert max(len(v.encode()) for v in values) <= 4
