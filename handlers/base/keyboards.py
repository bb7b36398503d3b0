"""Inline buttons: the one helper that labels a button from the locale catalogue and encodes
its callback data with the codec (handlers/base/callbacks.py)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

import locales
from handlers.base.callbacks import encode


def button(
    lang: str, key: str, feature: str, action: str, *args: object, **values: object
) -> InlineKeyboardButton:
    """A button labelled with the text `key` (filled with `values`), pressing `feature:action:args`."""
    return InlineKeyboardButton(
        locales.plain(lang, key, **values), callback_data=encode(feature, action, *args)
    )


def labelled(label: str, feature: str, action: str, *args: object) -> InlineKeyboardButton:
    """A button whose label is data (an office, a dimension, a proposal's name)."""
    return InlineKeyboardButton(label, callback_data=encode(feature, action, *args))


def fitted(label: str, limit: int = 60) -> str:
    """A label of data that may be long (a proposal's name), cut at a word's end with "…",
    never in the middle of a word."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:-") + "…"


def rows_of(buttons: Sequence[InlineKeyboardButton], per_row: int) -> InlineKeyboardMarkup:
    """Buttons laid out `per_row` to a row."""
    return InlineKeyboardMarkup(
        [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]
    )


def language_buttons(feature: str, action: str) -> InlineKeyboardMarkup:
    """Bahasa Indonesia / English (each labelled in its own language), `feature:action:<lang>`."""
    return InlineKeyboardMarkup(
        [[button(lang, "language.name", feature, action, lang) for lang in locales.LANGUAGES]]
    )
