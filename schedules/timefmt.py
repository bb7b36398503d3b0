"""Dates and times as people in Indonesia read them: "Senin, 6 September 2021, 08.00 WIB"."""

from __future__ import annotations

from datetime import datetime, tzinfo

_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni",
        "Juli", "Agustus", "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
# Indonesia's three zones have well-known names; anything else falls back to the UTC offset.
_ZONE_NAMES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "id"


def zone_name(tz: tzinfo, moment: datetime) -> str:
    """WIB / WITA / WIT for Indonesian zones, else 'UTC+07:00'."""
    key = getattr(tz, "key", None)
    if key in _ZONE_NAMES:
        return _ZONE_NAMES[key]
    offset = moment.astimezone(tz).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def format_time(moment: datetime, tz: tzinfo, lang: str = "id") -> str:
    """'08.00' in Indonesian, '08:00' in English (local time, no zone)."""
    local = moment.astimezone(tz)
    sep = ":" if _lang(lang) == "en" else "."
    return f"{local.hour:02d}{sep}{local.minute:02d}"


def format_date(moment: datetime, tz: tzinfo, lang: str = "id") -> str:
    """'Senin, 6 September 2021'."""
    local = moment.astimezone(tz)
    lang = _lang(lang)
    return (
        f"{_DAYS[lang][local.weekday()]}, {local.day} {_MONTHS[lang][local.month - 1]} {local.year}"
    )


def format_datetime(moment: datetime, tz: tzinfo, lang: str = "id") -> str:
    """'Senin, 6 September 2021, 08.00 WIB'."""
    return (
        f"{format_date(moment, tz, lang)}, {format_time(moment, tz, lang)} {zone_name(tz, moment)}"
    )


def format_range(start: datetime, end: datetime, tz: tzinfo, lang: str = "id") -> str:
    """'Senin, 6 September 2021, 08.00–16.00 WIB' (both dates when it spans days)."""
    if start.astimezone(tz).date() == end.astimezone(tz).date():
        times = f"{format_time(start, tz, lang)}–{format_time(end, tz, lang)}"
        return f"{format_date(start, tz, lang)}, {times} {zone_name(tz, start)}"
    return f"{format_datetime(start, tz, lang)} – {format_datetime(end, tz, lang)}"
