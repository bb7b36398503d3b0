"""Understands when an organiser wants something sent: "kirim pada Senin 08.00", "besok 7.30",
"12/1 08.00", "12 Januari 2027 pukul 09.15", "tomorrow 8:00", and everyday speech: "besok jam
setengah 8" (07.30), "lusa jam 9 pagi", "Senin depan 13.00", "nanti jam 3 sore", "1 Des 08.00".
Times are in the event's zone unless the text names WIB, WITA or WIT.

Anything it does not recognise makes the whole text unrecognised (no moment) rather than
guessed; an hour that may be morning or afternoon ("jam 3") gives both moments, to be asked."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

_DAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5,
    "minggu": 6, "ahad": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6, "sen": 0, "sel": 1, "rab": 2, "kam": 3,
    "jum": 4, "sab": 5, "min": 6, "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4,
    "sat": 5, "sun": 6,
}  # fmt: skip
_MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2,
    "maret": 3, "march": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6, "juli": 7, "july": 7, "jul": 7, "agustus": 8,
    "august": 8, "agu": 8, "agt": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}  # fmt: skip
_RELATIVE = {"hari ini": 0, "today": 0, "besok": 1, "tomorrow": 1, "lusa": 2}
_FILLER = {
    "kirim", "kirimkan", "jadwalkan", "pada", "tanggal", "tgl", "jam", "pukul", "pkl",
    "hari", "at", "on", "send", "schedule", "depan", "next", "this",
    "ini", "the", "nanti", "later", "ya", "tolong", "mohon",
}  # fmt: skip
# Parts of the day: "jam 3 sore" is 15.00. (first hour of the part, hours added below 12)
_DAY_PARTS = {
    "pagi": 0, "morning": 0, "am": 0, "siang": 12, "sore": 12, "petang": 12,
    "afternoon": 12, "pm": 12, "malam": 12, "evening": 12, "night": 12,
}  # fmt: skip
_DAY_PART_WORD = re.compile(r"\b(" + "|".join(_DAY_PARTS) + r")\b")
_NEXT_WEEK = re.compile(r"\b(depan|next)\b")
# Hours that may be morning or afternoon when said alone ("jam 3"): asked. From 7 to 12 an
# hour alone is the working morning ("jam 9"), as people mean it.
_AMBIGUOUS_HOURS = range(1, 7)

# Indonesia's three time zones: "08.00 WITA" is 07.00 WIB.
_ZONES = {
    "wib": ZoneInfo("Asia/Jakarta"),
    "wita": ZoneInfo("Asia/Makassar"),
    "wit": ZoneInfo("Asia/Jayapura"),
}
_ZONE_WORD = re.compile(r"\b(wib|wita|wit)\b")

_TIME = re.compile(r"\b([01]?\d|2[0-3])[.:]([0-5]\d)\b")
_HALF = re.compile(r"\b(?:half past\s+)?setengah\s+(1[0-2]|0?[1-9]|2[0-4]|1[3-9])\b")
_HOUR_ONLY = re.compile(r"\b(?:jam|pukul|pkl|at)\s+([01]?\d|2[0-3])\b")
# An hour with its part of the day and no "jam": "9 pagi", "3 sore".
_HOUR_PART = re.compile(r"\b([01]?\d|2[0-3])(?=\s+@)")  # @: where the part of the day was
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2}|\d{4}))?\b")
_WORD_DATE = re.compile(r"\b(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?\b")


def parse_when(text: str, now: datetime, tz: tzinfo) -> datetime | None:
    """The moment meant by `text`, timezone-aware, or None when it is not understood or may
    mean two moments (see `parse_when_options`)."""
    options = parse_when_options(text, now, tz)
    return options[0] if len(options) == 1 else None


def parse_when_options(text: str, now: datetime, tz: tzinfo) -> list[datetime]:
    """Every moment `text` may mean: none (not understood), one, or two when an hour may be
    morning or afternoon ("jam 3": 03.00 and 15.00, earliest first). A weekday or a time
    alone means the next such moment; the result may still be in the past for an explicit
    past date (the caller says so)."""
    rest = " " + text.lower().replace(",", " ").strip() + " "
    zone = _ZONE_WORD.search(rest)
    if zone is not None:
        tz = _ZONES[zone.group(1)]
        rest = _ZONE_WORD.sub(" ", rest)
    next_week = _NEXT_WEEK.search(rest) is not None
    times, rest = _take_time(rest)
    if not times:
        return []
    today = now.astimezone(tz).date()
    moments = []
    for clock_time in times:
        day, left, explicit = _take_day(rest, today, clock_time, now, tz, next_week)
        if day is None or any(w not in _FILLER for w in re.findall(r"[a-z0-9']+", left)):
            return []
        moment = datetime.combine(day, clock_time, tzinfo=tz)
        if not explicit and moment <= now:
            moment = datetime.combine(day + timedelta(days=1), clock_time, tzinfo=tz)
        moments.append(moment)
    return sorted(moments)


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def _take_time(text: str) -> tuple[list[time], str]:
    """The time of day (two when the hour may be either half of the day), and the rest."""
    part = _DAY_PART_WORD.search(text)
    shift = _DAY_PARTS[part.group(1)] if part else None
    if part is not None:
        text = text[: part.start()] + " @ " + text[part.end() :]
    hour, minute, padded = -1, 0, False
    if match := _TIME.search(text):
        hour, minute, padded = int(match.group(1)), int(match.group(2)), match.group(1)[0] == "0"
    elif match := _HALF.search(text):  # "setengah 8" is half way to eight: 07.30
        hour, minute = (int(match.group(1)) - 1) % 24, 30
    elif match := _HOUR_ONLY.search(text) or _HOUR_PART.search(text):
        hour, padded = int(match.group(1)), match.group(1)[0] == "0"
    if match is None or hour < 0:
        return [], text
    text = _cut(text, match).replace("@", " ")
    if shift is not None:
        return [_with_part(hour, minute, shift, part.group(1) if part else "")], text
    if hour in _AMBIGUOUS_HOURS and not padded:
        return [time(hour, minute), time(hour + 12, minute)], text
    return [time(hour, minute)], text


def _with_part(hour: int, minute: int, shift: int, word: str) -> time:
    """ "3 sore" is 15.00, "9 pagi" 09.00, "12 malam" midnight, "11 siang" 11.00."""
    if shift and hour < 12 and not (word == "siang" and hour >= 10):
        hour += shift
    elif word in ("malam", "night") and hour == 12:
        hour = 0
    elif not shift and hour == 12:  # "12 pagi": midnight in English ("12 am")
        hour = 0 if word == "am" else 12
    return time(hour % 24, minute)


def _take_day(
    text: str, today: date, clock_time: time, now: datetime, tz: tzinfo, next_week: bool = False
) -> tuple[date | None, str, bool]:
    """(day, remaining text, whether the day was fixed so it must not roll forward)."""
    for words, offset in _RELATIVE.items():
        if re.search(rf"\b{words}\b", text):
            return today + timedelta(days=offset), re.sub(rf"\b{words}\b", " ", text), True
    match = _NUMERIC_DATE.search(text)
    if match:
        day = _date(
            today, int(match.group(1)), int(match.group(2)), match.group(3), clock_time, now, tz
        )
        return day, text[: match.start()] + " " + text[match.end() :], True
    for match in _WORD_DATE.finditer(text):
        month = _MONTHS.get(match.group(2))
        if month is not None:
            day = _date(today, int(match.group(1)), month, match.group(3), clock_time, now, tz)
            rest = text[: match.start()] + " " + text[match.end() :]
            return day, _drop_weekday(rest), True
    for word in re.findall(r"[a-z']+", text):
        if word in _DAYS:
            ahead = (_DAYS[word] - today.weekday()) % 7
            day = today + timedelta(days=ahead)
            passed = datetime.combine(day, clock_time, tzinfo=tz) <= now
            if passed or (next_week and ahead == 0):  # "Senin depan" said on a Monday
                day += timedelta(days=7)
            return day, re.sub(rf"\b{word}\b", " ", text, count=1), True
    return today, text, False


def _drop_weekday(text: str) -> str:
    """'Senin 11 Januari': the weekday next to a full date adds nothing."""
    return " ".join(w for w in text.split() if w not in _DAYS)


def _date(
    today: date,
    day: int,
    month: int,
    year_text: str | None,
    clock_time: time,
    now: datetime,
    tz: tzinfo,
) -> date | None:
    try:
        if year_text:
            year = int(year_text) + (2000 if len(year_text) == 2 else 0)
            return date(year, month, day)
        found = date(today.year, month, day)
        if datetime.combine(found, clock_time, tzinfo=tz) <= now:
            found = date(today.year + 1, month, day)
        return found
    except ValueError:
        return None
