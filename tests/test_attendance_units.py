"""Units: the check-in codes (two minutes, the window, the poster's day, forgery, Telegram's
64-character start parameter) and the certificate rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain import attendance, certificates
from domain.attendance import Outcome
from schedules.event import CertificateRule, Signatory, load_event
from tests.schedule_helpers import session, write_event

SECRET = bytes(range(32))


def _event(tmp_path: Path, start: datetime):
    long_id = "S" * 40  # the longest session id the event file allows
    return load_event(
        write_event(tmp_path / "e.yaml", [[session("s1", start), session(long_id, start)]], ["1d"])
    )


def test_live_code_lasts_two_minutes_and_cannot_be_made_up(tmp_path: Path) -> None:
    start = datetime(2027, 1, 11, 1, 0, tzinfo=UTC)  # 08.00 WIB
    event = _event(tmp_path, start)
    _, s1 = event.session("s1") or (None, None)
    assert s1 is not None
    # A code goes on screen at the start of its minute and is accepted for two minutes from
    # then: during its minute on screen and the minute after it was replaced.
    shown = start - timedelta(minutes=10)
    code = attendance.parse_code(SECRET, attendance.live_code(SECRET, "s1", shown))
    assert code is not None and code.session_id == "s1"
    for later, expected in ((0, None), (59, None), (119, None), (120, Outcome.EXPIRED)):
        assert attendance.code_state(event, code, s1, shown + timedelta(seconds=later)) == expected
    # A code from the future (a clock trick) is refused too.
    assert attendance.code_state(event, code, s1, shown - timedelta(minutes=1)) == Outcome.EXPIRED
    # Another secret, another session or a changed character: not a code the bot made.
    text = attendance.live_code(SECRET, "s1", shown)
    assert attendance.parse_code(bytes(32), text) is None
    assert attendance.parse_code(SECRET, text[:-2] + "s2") is None
    assert (
        attendance.parse_code(SECRET, text[:3] + ("0" if text[3] != "0" else "1") + text[4:])
        is None
    )
    assert (
        attendance.parse_code(SECRET, "") is None and attendance.parse_code(SECRET, "q123") is None
    )
    # Telegram allows 64 characters after start=: "hadir_" and the longest session id fit.
    assert len("hadir_" + attendance.live_code(SECRET, "S" * 40, shown)) <= 64


def test_window_and_poster_day(tmp_path: Path) -> None:
    start = datetime(2027, 1, 11, 1, 0, tzinfo=UTC)
    event = _event(tmp_path, start)
    _, s1 = event.session("s1") or (None, None)
    assert s1 is not None
    opens, closes = event.check_in_window(s1)
    assert (start - opens, closes - s1.end) == (timedelta(minutes=60), timedelta(0))
    assert attendance.window_state(event, s1, opens - timedelta(seconds=1)) == Outcome.TOO_EARLY
    assert attendance.window_state(event, s1, opens) is None
    assert attendance.window_state(event, s1, closes) == Outcome.CLOSED
    poster = attendance.parse_code(SECRET, attendance.poster_code(SECRET, s1, event))
    assert poster is not None and poster.kind == attendance.POSTER
    assert attendance.code_state(event, poster, s1, start) is None
    # A poster printed for another day is refused; the next day the window is closed anyway.
    day = start.astimezone(event.tz).date()
    other_day = attendance.make_code(SECRET, attendance.POSTER, day.toordinal() - 1, "s1")
    stale = attendance.parse_code(SECRET, other_day)
    assert stale is not None and attendance.code_state(event, stale, s1, start) == Outcome.EXPIRED
    assert attendance.window_state(event, s1, start + timedelta(days=1)) == Outcome.CLOSED


def test_a_poster_works_in_a_window_that_opens_before_midnight(tmp_path: Path) -> None:
    start = datetime(2027, 1, 11, 17, 10, tzinfo=UTC)  # 00.10 WIB on the 12th
    event = _event(tmp_path, start)
    _, s1 = event.session("s1") or (None, None)
    assert s1 is not None
    poster = attendance.parse_code(SECRET, attendance.poster_code(SECRET, s1, event))
    assert poster is not None
    before_midnight = start - timedelta(minutes=40)  # 23.30 WIB on the 11th: window open
    assert attendance.window_state(event, s1, before_midnight) is None
    assert attendance.code_state(event, poster, s1, before_midnight) is None


def test_certificate_rule() -> None:
    signatory = Signatory(name="Ir. Contoh")
    every = CertificateRule(stage=1, signatory=signatory)
    two = CertificateRule(stage=1, require="at_least", min_sessions=2, signatory=signatory)
    assert certificates.qualifies(every, 3, 3) and not certificates.qualifies(every, 2, 3)
    assert certificates.qualifies(two, 2, 3) and not certificates.qualifies(two, 1, 3)
    assert certificates.qualifies(two, 1, 1)  # only one session is meant for them
    assert not certificates.qualifies(every, 0, 0)  # no session meant for them: none
    code = certificates.new_code()
    assert (
        len(code) == 10 and certificates.normalise_code(f" {code.lower()[:5]}-{code[5:]} ") == code
    )


def test_a_title_that_begins_with_its_day_is_not_said_twice() -> None:
    from handlers.attendance.organiser import session_label

    assert attendance.title_after_day("Hari 1, pembukaan", "Hari 1") == "pembukaan"
    assert attendance.title_after_day("Day 2: group work", "Day 2") == "group work"
    assert attendance.title_after_day("Hari 12 penutupan", "Hari 1") == "Hari 12 penutupan"
    assert attendance.title_after_day("Rapat daring Dewan", "Hari 2") == "Rapat daring Dewan"
    assert attendance.title_after_day("Hari 1", "Hari 1") == "Hari 1"  # nothing after it
    # The organisers' session button: the day once, and a long title cut at a word's end.
    event = load_event("data/events/demo-future.yaml")
    stage = event.stages[3]
    label = session_label(event, stage, stage.sessions[1], "id")
    assert label.startswith("Tahap IV · Hari 2 · 09.00 paparan") and label.count("Hari 2") == 1
    assert label.endswith("…") and len(label) <= 60 and not label[:-1].endswith(" ")
    title_words = stage.sessions[1].title.split()
    assert label[:-1].split()[-1] in title_words  # a whole word before "…"
