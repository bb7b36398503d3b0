"""Unit tests of `locales.Html`: text that is already safe Telegram HTML stays Html when it is
combined, and the plain text it meets is escaped exactly once."""

from __future__ import annotations

import pytest

import locales
from locales import Html, escape
from localtg.html import parse_html

USER_TEXT = 'Budi & "Sari" <script>'
ESCAPED = "Budi &amp; &quot;Sari&quot; &lt;script&gt;"


def test_escape_uses_the_entities_telegram_names() -> None:
    assert escape(USER_TEXT) == ESCAPED
    assert escape("Jum'at") == "Jum'at"  # no numeric entities for what needs none
    assert escape(42) == "42"
    assert type(escape("x")) is str
    # Telegram shows the original text back.
    assert parse_html(ESCAPED)[0] == USER_TEXT


def test_html_escape_returns_html_and_leaves_html_alone() -> None:
    assert Html.escape(USER_TEXT) == ESCAPED
    assert isinstance(Html.escape(USER_TEXT), Html)
    bold = Html("<b>x</b>")
    assert Html.escape(bold) is bold


def test_html_plus_str_escapes_the_str() -> None:
    result = Html("<b>Hi</b> ") + USER_TEXT
    assert result == f"<b>Hi</b> {ESCAPED}"
    assert isinstance(result, Html)


def test_str_plus_html_escapes_the_str() -> None:
    result = USER_TEXT + Html(" <b>Hi</b>")
    assert result == f"{ESCAPED} <b>Hi</b>"
    assert isinstance(result, Html)


def test_html_plus_html_is_not_escaped_again() -> None:
    result = Html("<b>a</b>") + Html("&amp;")
    assert result == "<b>a</b>&amp;"
    assert isinstance(result, Html)


def test_augmented_assignment_keeps_html() -> None:
    text = locales.t("id", "broadcast.count", n=3)
    text += "\n" + locales.t("id", "broadcast.count_blocked", n=1)
    assert isinstance(text, Html)
    plain = "Catatan <1>: "
    plain += Html("<i>ok</i>")  # str += Html: the str part is escaped, the result is Html
    assert plain == "Catatan &lt;1&gt;: <i>ok</i>"
    assert isinstance(plain, Html)


def test_adding_a_non_string_fails_like_str() -> None:
    with pytest.raises(TypeError):
        Html("a") + 1  # type: ignore[operator]  # deliberately wrong: must fail like str
    with pytest.raises(TypeError):
        1 + Html("a")  # type: ignore[operator]  # likewise


def test_join_escapes_plain_items_and_keeps_html_items() -> None:
    result = Html("<br>").join([USER_TEXT, Html("<i>i</i>"), "x"])
    assert result == f"{ESCAPED}<br><i>i</i><br>x"
    assert isinstance(result, Html)
    assert Html("\n").join([]) == ""
    assert isinstance(Html("\n").join(iter([])), Html)
    # The separator is Html: it is never escaped.
    assert Html("&amp;").join(["a", "b"]) == "a&amp;b"


def test_str_join_of_html_is_plain_str() -> None:
    """`"\\n".join(...)` does not know its parts are safe: the result is a plain str."""
    joined = "\n".join([Html("<b>a</b>"), Html("<i>b</i>")])
    assert type(joined) is str
    assert not isinstance(f"{Html('<b>a</b>')}", Html)
    assert not isinstance(Html("<b>a</b>")[:3], Html)  # a slice may cut a tag


def test_repetition_keeps_html() -> None:
    assert Html("<b>-</b>") * 2 == "<b>-</b><b>-</b>"
    assert isinstance(Html("-") * 2, Html)
    assert isinstance(2 * Html("-"), Html)


def test_format_escapes_values_that_are_not_html() -> None:
    result = Html("<b>{}</b> {name} {count:,}").format(USER_TEXT, name=Html("<i>n</i>"), count=1240)
    assert result == f"<b>{ESCAPED}</b> <i>n</i> 1,240"
    assert isinstance(result, Html)
    assert Html("{!r}").format("<") == "'&lt;'"


def test_format_map_escapes_values_that_are_not_html() -> None:
    result = Html("{a} {b}").format_map({"a": USER_TEXT, "b": Html("<u>b</u>")})
    assert result == f"{ESCAPED} <u>b</u>"
    assert isinstance(result, Html)


def test_percent_formatting_escapes_values_that_are_not_html() -> None:
    assert Html("<b>%s</b>") % USER_TEXT == f"<b>{ESCAPED}</b>"
    assert Html("%s|%s") % (USER_TEXT, Html("<i>i</i>")) == f"{ESCAPED}|<i>i</i>"
    assert (
        Html("%(who)s: %(n)d, %(x).1f") % {"who": "<a>", "n": 3, "x": 2.25} == "&lt;a&gt;: 3, 2.2"
    )
    assert Html("%d items, %x") % (5, 255) == "5 items, ff"
    assert isinstance(Html("%s") % "x", Html)


def test_t_returns_html_with_escaped_values() -> None:
    text = locales.t("id", "start.welcome", name=USER_TEXT, event_name="Bimtek <2021>")
    assert isinstance(text, Html)
    assert ESCAPED in text
    assert "Bimtek &lt;2021&gt;" in text
    assert "&amp;amp;" not in text


def test_t_does_not_escape_html_values_again() -> None:
    inner = locales.t("id", "broadcast.count", n=5)
    outer = locales.t("id", "broadcast.audience_chosen", audience=inner)
    assert inner in outer
    assert "&lt;b&gt;" not in outer


def test_t_values_combined_with_plus_are_escaped_once() -> None:
    """Html + user text, passed to t() again, is not escaped a second time."""
    combined = locales.t("id", "broadcast.count", n=2) + " " + USER_TEXT
    text = locales.t("id", "broadcast.audience_chosen", audience=combined)
    assert ESCAPED in text
    assert "&amp;amp;" not in text


def test_t_without_values_keeps_literal_braces() -> None:
    """A catalogue string without placeholders is returned as it is, as Html."""
    key = next(k for k, v in locales.catalogue("id").items() if "{" not in v)
    text = locales.t("id", key)
    assert text == locales.catalogue("id")[key]
    assert isinstance(text, Html)


def test_composed_message_parses_as_telegram_html() -> None:
    """A message built from t() results and user text is valid Telegram HTML whose visible
    text contains the user text exactly once, unescaped."""
    parts = [
        locales.t("en", "broadcast.audience_chosen", audience=USER_TEXT),
        locales.t("en", "broadcast.count", n=3),
    ]
    message = Html("\n").join(parts) + "\n" + USER_TEXT
    visible, _entities = parse_html(message)
    assert visible.count(USER_TEXT) == 2


def test_t_fills_like_html_format_map() -> None:
    """t() escapes first and uses str.format_map (fast); the result is Html.format_map's."""
    for lang in locales.LANGUAGES:
        for key, template in locales.catalogue(lang).items():
            names = locales.placeholders(template)
            if not names:
                continue
            values: dict[str, object] = {name: USER_TEXT for name in names}
            assert locales.t(lang, key, **values) == Html(template).format_map(values), key
