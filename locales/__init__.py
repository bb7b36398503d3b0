"""Every user-facing string, in Bahasa Indonesia (default) and English.

`t(lang, key, **values)` formats a string from `locales/<lang>.yaml` and returns `Html`.
Values are HTML-escaped unless they are `Html` already (another `t()` result, or markup the
code wrapped in `Html(...)`), so user-supplied text can never break Telegram's HTML mode.
`Html` stays `Html` when it is concatenated or joined, escaping the plain `str` it meets.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Protocol, SupportsIndex

import yaml

LOCALES_DIR = Path(__file__).resolve().parent
# libyaml's parser (PyYAML's wheels have it) reads the catalogues and the event file about ten
# times faster than the pure-Python one, with the same safe constructor: 15 ms instead of 0.2 s
# per catalogue at start-up.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    """A YAML file (UTF-8) read with the safe loader."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)


LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


class Html(str):
    """Text that is already safe Telegram HTML: a `t()` result, an escaped value, or markup
    the code wrote itself.

    It stays Html when combined, and whatever plain `str` joins it is escaped on the way in
    (markupsafe's `Markup` model): `Html + str`, `str + Html`, `Html.join(...)`, `Html * n`,
    `Html.format(...)`, `Html.format_map(...)` and `Html % ...` all return Html. Everything
    else `str` offers (slicing, `.replace`, `.strip`, f-strings, `str.join`) returns a plain
    `str`: such text is no longer known to be safe, and `t()` or `Html + ...` escapes it again.

    To mark a `str` that already holds markup as Html, call `Html(text)` and say in a comment
    why it is safe."""

    __slots__ = ()

    @classmethod
    def escape(cls, value: object) -> Html:
        """`value` as Html: escaped, unless it already is Html."""
        if isinstance(value, Html):
            return value
        return cls(escape(value))

    def __add__(self, other: str, /) -> Html:
        if not isinstance(other, str):
            return NotImplemented
        return Html(str.__add__(self, Html.escape(other)))

    def __radd__(self, other: str, /) -> Html:
        # Python tries this before str.__add__ because Html is a subclass of str.
        if not isinstance(other, str):
            return NotImplemented
        return Html(str.__add__(Html.escape(other), self))

    def __mul__(self, count: SupportsIndex, /) -> Html:
        return Html(str.__mul__(self, count))

    __rmul__ = __mul__

    def join(self, iterable: Iterable[str], /) -> Html:
        return Html(str.join(self, (Html.escape(part) for part in iterable)))

    def format(self, *args: object, **kwargs: object) -> Html:
        fields = [_filled(value) for value in args]
        named = {key: _filled(value) for key, value in kwargs.items()}
        return Html(str.format(self, *fields, **named))

    def format_map(self, mapping: _Lookup, /) -> Html:
        return Html(str.format_map(self, _Fields(mapping)))

    def __mod__(self, values: object, /) -> Html:
        if isinstance(values, tuple):
            return Html(str.__mod__(self, tuple(_filled(value) for value in values)))
        if isinstance(values, Mapping):
            return Html(str.__mod__(self, _Fields(values)))
        return Html(str.__mod__(self, _filled(values)))


class _Lookup(Protocol):
    def __getitem__(self, key: str, /) -> object: ...


class _Field:
    """A value filled into Html by `format` or `%`: escaped however it is formatted."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        text = format(self.value, spec)
        return text if isinstance(self.value, Html) else escape(text)

    def __str__(self) -> str:  # "%s", "{!s}"
        text = str(self.value)
        return text if isinstance(self.value, Html) else escape(text)

    def __repr__(self) -> str:  # "%r", "{!r}"
        return escape(repr(self.value))


def _filled(value: object) -> object:
    """A value filled into Html: numbers as they are (so "%d", "%.1f" and "{:,}" work, and
    digits need no escaping), anything else as an escaping `_Field`."""
    return value if isinstance(value, int | float) else _Field(value)


class _Fields:
    """The values for `format_map` or `%(name)s`, each looked up as `_filled`."""

    __slots__ = ("values",)

    def __init__(self, values: _Lookup) -> None:
        self.values = values

    def __getitem__(self, key: str) -> object:
        return _filled(self.values[key])


def escape(value: object) -> str:
    """One value as Telegram HTML text: &, <, > and " become the entities Telegram names
    (&amp; &lt; &gt; &quot;), so the text is safe between tags and inside an attribute.
    Returns a plain str, as before Html existed; `Html.escape` returns Html."""
    return (
        str(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value).rstrip("\n") if value is not None else ""
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All strings of one language, keyed by dotted path ("start.welcome")."""
    path = LOCALES_DIR / f"{lang}.yaml"
    return _flatten(load_yaml(path) or {})


def language_of(language_code: str | None) -> str:
    """Telegram's language_code -> 'en' for English users, else Indonesian."""
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def has(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    return key in catalogue(lang)


def t(lang: str, key: str, **values: object) -> Html:
    """The string `key` in `lang` (falling back to Indonesian), with escaped values filled in."""
    strings = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    text = strings.get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE)[key]  # a missing key is a bug: KeyError
    # The catalogue is the bot's own markup; its placeholders take no format specs, so the
    # values are escaped first (Html ones are safe as they are) and filled in by str.format_map,
    # which is what Html.format_map does too, only faster.
    safe = {k: v if isinstance(v, Html) else escape(v) for k, v in values.items()}
    return Html(text.format_map(safe) if safe or "{" in text else text)


def plain(lang: str, key: str, **values: object) -> str:
    """The string without HTML escaping, for contexts that are not HTML (button labels,
    command descriptions, files)."""
    strings = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    text = strings.get(key) or catalogue(DEFAULT_LANGUAGE)[key]
    return text.format_map(values) if values else text


def number(value: int, lang: str) -> str:
    """1.240 in Indonesian, 1,240 in English."""
    text = f"{value:,}"
    return text if lang == "en" else text.replace(",", ".")


# Telegram's limits, counted as Telegram counts them: UTF-16 code units of the text as the
# user sees it (after entity parsing).
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


def utf16_length(text: str) -> int:
    """The length Telegram measures: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


# What the bot's own long lists aim for: below 4,096 with room for a title or a button row.
LIST_MESSAGE_LIMIT = 3800

_TAG = re.compile(r"<[^>]*>")


def visible_length(html_text: str) -> int:
    """The length of HTML as Telegram counts it: the text without tags, entities read."""
    return utf16_length(html.unescape(_TAG.sub("", html_text)))


# Characters that take no room on screen: zero-width spaces and joiners, the word joiner,
# the byte-order mark and the soft hyphen. A text of only these (and spaces) is empty.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"))


def is_blank(text: str | None) -> bool:
    """Whether a text is empty as people see it: spaces, tabs, newlines, zero-width marks."""
    return text is None or not text.translate(_INVISIBLE).strip()


def split_messages(blocks: Iterable[str], limit: int = LIST_MESSAGE_LIMIT) -> list[str]:
    """Join blocks with blank lines into as few messages as possible, each under `limit`
    as Telegram counts (the visible text in UTF-16 code units). Blocks are HTML fragments
    that are never cut, so tags stay balanced."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        if (
            utf16_length(block) > limit
        ):  # one huge block: cut at line ends (lines are self-contained)
            for line in block.split("\n"):
                current = _append(messages, current, line[:limit], limit, "\n")
            continue
        current = _append(messages, current, block, limit, "\n\n")
    if current:
        messages.append(current)
    return messages


def _append(messages: list[str], current: str, block: str, limit: int, sep: str) -> str:
    candidate = f"{current}{sep}{block}" if current else block
    if visible_length(candidate) <= limit:
        return candidate
    messages.append(current)
    return block
