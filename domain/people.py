"""A participant's profile: which answers it needs, how names are accepted, how it reads.

No Telegram here: the registration flow (handlers/registration) asks the questions, this module
says what a complete profile is and validates what people type."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import locales
from schedules.event import ALL_DIMENSIONS, Event
from storage.participants import Participant

# The profile's fields in the order they are asked ("opd" is opd_id or the typed opd_other).
FIELDS = ("full_name", "opd", "role", "dimension", "mode", "phone")
# Tim Pelaksana work on one dimension, so they cannot choose "all dimensions".
ONE_DIMENSION_ROLE = "tim_pelaksana"

_NAME_PUNCT = " .,'-’"
_SPACES = re.compile(r"\s+")


# --- validation ----------------------------------------------------------------------------


def _clean(text: str | None, allowed: Callable[[str, str], bool]) -> str | None:
    """Spaces tidied, 2 to 100 characters, at least two letters, every other character
    `allowed(char, unicode category)`; None when not acceptable."""
    if text is None:
        return None
    name = _SPACES.sub(" ", text).strip()
    if not 2 <= len(name) <= 100 or name.startswith("/"):
        return None
    letters = 0
    for char in name:
        category = unicodedata.category(char)
        if category.startswith("L"):
            letters += 1
        elif not allowed(char, category):
            return None
    return name if letters >= 2 else None


def clean_name(text: str | None) -> str | None:
    """A person's name, tidied, or None when it is not acceptable.

    Letters of any script (with their combining marks), spaces and . , ' - are allowed, which
    covers academic titles such as "Dr. Ir. Siti, S.Kom., M.T."; at least two letters."""
    return _clean(text, lambda char, category: category.startswith("M") or char in _NAME_PUNCT)


def clean_org(text: str | None) -> str | None:
    """A free-text organisation: like a name, but digits and ( ) & / are allowed too."""
    return _clean(
        text,
        lambda char, category: category.startswith(("M", "N")) or char in _NAME_PUNCT + "()&/",
    )


NAME_LIMIT = 100  # characters of a name or a typed office (the _clean rule above)
_MIN_LETTERS = 2


def _emoji(char: str, category: str) -> bool:
    # Emoji are "other symbols" (So), their modifiers (Sk), joiners and variation selectors.
    return category in ("So", "Sk") or char in "\u200d\ufe0f"


def text_problem(text: str, *, digits_allowed: bool) -> tuple[str, dict[str, object]] | None:
    """What is wrong with a typed name (or office, `digits_allowed`) that _clean refuses: the
    locale key under `forgiving.` and its values (the length and the limit, the characters
    that may not be in it). None when nothing specific is wrong."""
    name = _SPACES.sub(" ", text).strip()
    if len(name) > NAME_LIMIT:
        return "too_long", {"length": len(name), "limit": NAME_LIMIT}
    allowed = _NAME_PUNCT + ("()&/" if digits_allowed else "")
    emoji, numbers, symbols = [], [], []
    for char in name:
        category = unicodedata.category(char)
        if category.startswith(("L", "M")) or char in allowed:
            continue
        if _emoji(char, category):
            emoji.append(char)
        elif category.startswith("N"):
            if not digits_allowed:
                numbers.append(char)
        else:
            symbols.append(char)
    for key, found in (("has_emoji", emoji), ("has_digits", numbers), ("has_symbol", symbols)):
        if found:
            shown = "".join(dict.fromkeys(c for c in found if c not in "\u200d\ufe0f"))
            return key, {"chars": " ".join(shown) or found[0]}
    letters = sum(1 for char in name if unicodedata.category(char).startswith("L"))
    if letters < _MIN_LETTERS or len(name) < _MIN_LETTERS:
        return "too_short", {"limit": _MIN_LETTERS}
    return None


_PHONE_CHARS = re.compile(r"^[\d\s+()./-]+$")
_MIN_PHONE_DIGITS = 3


def looks_like_phone(text: str) -> bool:
    """Whether the text is meant as a phone number (digits with + ( ) . - and spaces)."""
    stripped = text.strip()
    digits = sum(char.isdigit() for char in stripped)
    return bool(_PHONE_CHARS.match(stripped)) and digits >= _MIN_PHONE_DIGITS


def indonesian_phone(text: str) -> str | None:
    """A typed Indonesian number ("0812-3456-7890", "+62 812 3456 7890", "6281234567890") in
    E.164 ("+6281234567890"), or None when it is not a valid Indonesian number."""
    import phonenumbers  # imported on the first number typed, not at start-up

    raw = text.strip()
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("62") and not raw.startswith(("+", "0")):
        raw = "+" + digits  # "62812..." typed without the plus
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def may_choose(role: str | None, dimension: str | None) -> bool:
    """Whether someone of `role` may pick `dimension` (a dimension id or "all")."""
    return not (dimension == ALL_DIMENSIONS and role == ONE_DIMENSION_ROLE)


# --- completeness --------------------------------------------------------------------------


def _present(profile: Participant) -> dict[str, object]:
    return {
        "full_name": profile.full_name,
        "opd": profile.opd_id or profile.opd_other,
        "role": profile.role,
        "dimension": profile.dimension,
        "mode": profile.mode,
        "phone": profile.phone,
    }


def missing_field(profile: Participant | None) -> str | None:
    """The first required answer the profile lacks, or None when it is complete. The phone is
    optional; a Tim Pelaksana on "all dimensions" (after a change of role) lacks a dimension."""
    if profile is None:
        return FIELDS[0]
    present = _present(profile)
    for name in FIELDS[:-1]:
        if not present[name]:
            return name
        if name == "dimension" and not may_choose(profile.role, profile.dimension):
            return name
    return None


def answered_fields(profile: Participant) -> list[str]:
    """The fields that have an answer, in the order they are asked."""
    present = _present(profile)
    return [name for name in FIELDS if present[name]]


# --- how a profile reads -------------------------------------------------------------------


def dimension_label(event: Event, lang: str, dimension: str | None) -> str:
    if dimension == ALL_DIMENSIONS:
        return locales.plain(lang, "registration.all_dimensions")
    found = event.dimension(dimension)
    return found.name if found else ""


def profile_text(event: Event, lang: str, profile: Participant) -> locales.Html:
    """The profile as escaped HTML lines (the registration summary, /profil and /datasaya)."""
    unset = locales.plain(lang, "registration.not_set")
    role = locales.plain(lang, f"registration.role_{profile.role}") if profile.role else ""
    mode = locales.plain(lang, f"registration.mode_{profile.mode}") if profile.mode else ""
    phone = profile.phone or locales.plain(lang, "registration.no_phone")
    return locales.t(
        lang,
        "registration.profile_lines",
        name=profile.full_name or unset,
        opd=event.office_name(profile.opd_id, profile.opd_other) or unset,
        role=role or unset,
        dimension=dimension_label(event, lang, profile.dimension) or unset,
        mode=mode or unset,
        phone=phone,
    )


def profile_so_far(event: Event, lang: str, profile: Participant) -> locales.Html:
    """The answers a registration in progress has stored, one line each (escaped HTML); empty
    when there are none yet."""
    values = {
        "full_name": profile.full_name or "",
        "opd": event.office_name(profile.opd_id, profile.opd_other),
        "role": locales.plain(lang, f"registration.role_{profile.role}") if profile.role else "",
        "dimension": dimension_label(event, lang, profile.dimension),
        "mode": locales.plain(lang, f"registration.mode_{profile.mode}") if profile.mode else "",
        "phone": profile.phone or "",
    }
    lines = [
        locales.t(
            lang,
            "registration.so_far_line",
            label=locales.plain(lang, f"registration.field_{name}"),
            value=values[name],
        )
        for name in answered_fields(profile)
        if values[name]
    ]
    return locales.Html("\n").join(lines)
