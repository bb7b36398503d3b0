"""Unit tests of the FAQ facts (domain/faq/facts.py), the FAQ log and the `faq` command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from config import PROJECT_ROOT
from domain.faq.book import PLACEHOLDERS, load_books
from domain.faq.facts import event_facts, facts_for_user
from domain.privacy import NOTICE_VERSION
from schedules.event import load_event
from storage import consents, faq_log, participants, users
from storage.db import Database
from tests.harness import FUTURE_EVENT, run_cli

EVAL_CSV = PROJECT_ROOT / "tests" / "data" / "faq_eval.csv"
BEFORE = datetime(2026, 12, 1, tzinfo=UTC)


def test_facts_cover_every_placeholder_and_come_from_the_event() -> None:
    event = load_event(FUTURE_EVENT)
    facts = event_facts(event, BEFORE, "id", links=True)
    assert set(facts) == set(PLACEHOLDERS)
    assert facts["online_url"] == "https://zoom.us/j/89990000001"
    assert "Ruang Pertemuan Tengger" in facts["venue"]
    assert "Senin, 11 Januari 2027, 08.00–16.00 WIB" in facts["next_session"]
    assert facts["hours"] == "08.00–16.00 WIB"
    assert facts["registration_time"] == "07.30 WIB"
    assert facts["stage_count"] == "4"
    assert facts["max_proposals"] == "10"
    assert facts["proposal_deadline"] == "Rabu, 31 Maret 2027, 23.59 WIB"
    assert facts["schedule"].count("•") == 4 and "Tahap IV" in facts["schedule"]
    assert "@diskominfo_probolinggo" in facts["contacts"]
    assert "Pengelolaan sampah/limbah" in facts["dimensions"]
    assert "/daftar" in facts["my_group"]
    for lang, book in load_books().items():
        for entry in book.entries:
            assert entry.render(event_facts(event, BEFORE, lang))


def test_facts_follow_the_clock_and_language() -> None:
    event = load_event(FUTURE_EVENT)
    in_march = datetime(2027, 3, 1, tzinfo=UTC)
    facts = event_facts(event, in_march, "en", links=True)
    assert facts["online_url"] == "https://zoom.us/j/89990000003"
    assert "Monday, 8 March 2027, 08:00–16:00 WIB" in facts["next_session"]
    assert facts["registration_time"] == "07:30 WIB"
    over = event_facts(event, datetime(2028, 1, 1, tzinfo=UTC), "id", links=True)
    assert over["next_session"] == "Seluruh sesi bimtek sudah selesai."
    # The same rule and words as /jadwal: a session that has started is "Sedang berlangsung".
    assert "➡️ <b>Berikutnya:</b>" in event_facts(event, BEFORE, "id")["next_session"]
    during = event_facts(event, datetime(2027, 1, 11, 3, tzinfo=UTC), "id")["next_session"]
    assert during.startswith("🟢 <b>Sedang berlangsung:</b> <b>Tahap I")
    assert "berikutnya" not in during.lower()
    assert (
        "In progress"
        in event_facts(event, datetime(2027, 1, 11, 3, tzinfo=UTC), "en")["next_session"]
    )
    assert "akan dibagikan" in over["online_url"]


def test_facts_are_escaped() -> None:
    event = load_event(FUTURE_EVENT)
    info = event.event.model_copy(update={"organiser": "Dinas <Kominfo> & Persandian"})
    facts = event_facts(event.model_copy(update={"event": info}), BEFORE, "id")
    assert facts["organiser"] == "Dinas &lt;Kominfo&gt; &amp; Persandian"


async def test_my_group_and_the_next_session_from_the_profile(tmp_path: Path) -> None:
    event = load_event(FUTURE_EVENT)
    db = await Database(tmp_path / "f.sqlite3").open()
    try:
        await users.touch(db, 7, "id")
        await participants.start_draft(db, 7)
        await participants.update(
            db, 7, full_name="Siti", role="dewan", dimension="economy", mode="online"
        )
        draft = await facts_for_user(db, event, BEFORE, "id", 7)
        assert "/daftar" in draft["my_group"]
        await participants.mark_registered(db, 7)
        await consents.give(db, 7, NOTICE_VERSION)
        mine = await facts_for_user(db, event, BEFORE, "id", 7)
        assert "Smart Economy" in mine["my_group"]
        in_group = await facts_for_user(db, event, BEFORE, "id", 7, private=False)
        assert "Smart Economy" not in in_group["my_group"]
        # The council-only meeting is the next session for a council member, not for others.
        first = event.stages[0]
        council_only = first.model_copy(
            update={"sessions": [s for s in first.sessions if s.id == "t1-dewan"]}
        )
        event = event.model_copy(update={"stages": [council_only, *event.stages[1:]]})
        profile = await participants.get(db, 7)
        assert event.next_session(BEFORE, profile)[1].id == "t1-dewan"
        assert event.next_session(BEFORE, None)[1].id == "t2-hari1"
        council = await facts_for_user(db, event, BEFORE, "id", 7)
        assert council["online_url"] == "https://zoom.us/j/89990000009"
        # Someone not registered reads where the link is sent, not the link.
        anyone = await facts_for_user(db, event, BEFORE, "id", 8)
        assert "zoom.us" not in anyone["online_url"] and "/daftar" in anyone["online_url"]
    finally:
        await db.close()


async def test_faq_log_escalation_and_answer(tmp_path: Path) -> None:
    db = await Database(tmp_path / "l.sqlite3").open()
    try:
        first = await faq_log.add(db, 1, 1, "id", "apakah ada makan siang?", "bawaan", 0.1)
        second = await faq_log.add(db, 2, -5, "en", "parking?", None, 0.0)
        assert [q.id for q in await faq_log.latest(db)] == [second, first]
        assert await faq_log.escalate(db, first)
        assert not await faq_log.escalate(db, first)  # only once
        await faq_log.add_forward(db, 900002, 55, first)
        found = await faq_log.by_forward(db, 900002, 55)
        assert found is not None and found.status == "escalated"
        assert await faq_log.by_forward(db, 900002, 56) is None
        await faq_log.record_answer(db, first, "Ada, disediakan panitia.", 900002)
        await faq_log.record_answer(db, first, "Jawaban kedua", 900003)
        answered = await faq_log.get(db, first)
        assert answered.status == "answered" and answered.answer == "Ada, disediakan panitia."
        assert not answered.is_open
        assert await faq_log.forget_user(db, 1) == 1
        assert await faq_log.get(db, first) is None
        assert await faq_log.by_forward(db, 900002, 55) is None
        assert [q.id for q in await faq_log.latest(db)] == [second]
    finally:
        await db.close()


def test_cli_faq_ask_json() -> None:
    result = run_cli("faq", "ask", "link zoomnya mana pak?", "--json", EVENT_FILE=str(FUTURE_EVENT))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["id"] == "tautan-rapat" and data["score"] > 0
    assert data["question"] and "https://zoom.us/j/89990000001" in data["answer"]
    assert "<b>" not in data["answer"]  # plain text
    english = json.loads(
        run_cli("faq", "ask", "when is the next session?", "--lang", "en", "--json").stdout
    )
    assert english["id"] == "jadwal"
    assert "All workshop sessions are over." in english["answer"]  # the default, past event
    unsure = json.loads(run_cli("faq", "ask", "harga tiket bromo berapa?", "--json").stdout)
    assert unsure["id"] is None and unsure["answer"] is None
    assert isinstance(unsure["score"], float)


def test_cli_faq_eval(tmp_path: Path) -> None:
    result = run_cli("faq", "eval", str(EVAL_CSV))
    assert result.returncode == 0, result.stderr
    for label in ("top-1 accuracy:", "out-of-scope rejected:", "p50", "p99"):
        assert label in result.stdout
    small = tmp_path / "small.csv"
    small.write_text(
        "question,expected_id\nkapan tahap 2?,jadwal\ncuaca hari ini,\nlink zoom,lokasi\n"
    )
    out = run_cli("faq", "eval", str(small)).stdout
    assert "top-1 accuracy: 50.0% (1/2)" in out
    assert "out-of-scope rejected: 100.0% (1/1)" in out
    assert "link zoom | lokasi | tautan-rapat" in out
    missing = run_cli("faq", "eval", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
