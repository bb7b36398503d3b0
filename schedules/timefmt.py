"""Dates and times as people in Indonesia read them: "Senin, 6 September 2021, 08.00 WIB"."""

from __future__ import annotations

from datetime import datetime, tzinfo

import locales

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


def format_relative(start: datetime, now: datetime, tz: tzinfo, lang: str = "id") -> str:
    """When `start` is, seen from `now`, as people say it: "30 menit lagi", "1 jam lagi",
    "hari ini, pukul 13.00", "besok, pukul 08.00", "lusa, pukul 08.00", "Senin, pukul
    08.00" (within a week), else the date and time."""
    minutes = max(1, round((start - now).total_seconds() / 60))
    time_text = format_time(start, tz, lang)
    days = (start.astimezone(tz).date() - now.astimezone(tz).date()).days
    if minutes < 60:
        return locales.plain(lang, "time.in_minutes", n=minutes)
    # Within a few hours people count the hours, past midnight too ("1 jam lagi" at 23.00).
    if minutes < 6 * 60 and (days == 0 or minutes < 3 * 60):
        hours = round(minutes / 60)
        key = "time.in_one_hour" if hours == 1 else "time.in_hours"
        return locales.plain(lang, key, n=hours)
    if days in (0, 1, 2):
        key = ("time.today_at", "time.tomorrow_at", "time.day_after_at")[days]
        return locales.plain(lang, key, time=time_text)
    if days < 7:
        weekday = _DAYS[_lang(lang)][start.astimezone(tz).weekday()]
        return locales.plain(lang, "time.weekday_at", day=weekday, time=time_text)
    return format_datetime(start, tz, lang)
