"""Every user-facing string, in Bahasa Indonesia (default) and English.

`t(lang, key, **values)` formats a string from `locales/<lang>.yaml`. Values are HTML-escaped
unless wrapped in `Html(...)`, so user-supplied text can never break Telegram's HTML mode.
"""

from __future__ import annotations

import html
import string
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LOCALES_DIR = Path(__file__).resolve().parent
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


class Html(str):
    """A string that is already safe HTML (built from other `t()` results or escaped parts)."""


def escape(value: object) -> str:
    """Escape one user-supplied value for Telegram HTML."""
    return html.escape(str(value), quote=False)


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
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


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
