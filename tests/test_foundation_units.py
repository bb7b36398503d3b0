"""Unit tests of the foundation: configuration, event file, dates, locales, migrations."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

import locales
from cli import RedactToken
from config import PROJECT_ROOT, Settings
from schedules.event import EventFileError, load_event, parse_offset
from schedules.timefmt import format_datetime, format_range
from storage.db import Database, migrations
from tests.harness import run_cli

EVENTS = PROJECT_ROOT / "data" / "events"
JAKARTA = ZoneInfo("Asia/Jakarta")


def test_shipped_events_are_valid() -> None:
    real = load_event(EVENTS / "probolinggo-2021.yaml")
    assert len(real.opds) == 22
    assert [d.id for d in real.dimensions] == [
        "governance", "branding", "economy", "living", "society", "environment",
    ]  # fmt: skip
    first = real.stage(1)
    assert first is not None and first.start.date().isoformat() == "2021-09-06"
    assert "Tengger" in first.sessions[0].location
    assert all(s.example_dates for s in real.stages if s.number > 1)
    demo = load_event(EVENTS / "demo-future.yaml")
    assert min(s.start for _, s in demo.sessions()) > datetime.now(JAKARTA)


def _write_event(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load((EVENTS / "probolinggo-2021.yaml").read_text())
    mutate(data)
    path = tmp_path / "event.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def test_event_error_names_the_field_path(tmp_path: Path) -> None:
    def bad_start(data):
        data["stages"][1]["sessions"][0]["start"] = "kemarin"

    with pytest.raises(EventFileError, match=r"stages\[1\]\.sessions\[0\]\.start"):
        load_event(_write_event(tmp_path, bad_start))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["dimensions"].pop(), "exactly the six"),
        (lambda d: d["opds"].append(dict(d["opds"][0])), "appears twice"),
        (lambda d: d["event"].update(timezone="Mars/Olympus"), "unknown time zone"),
        (lambda d: d["reminders"].update(offsets=["2x"]), "not an offset"),
        (
            lambda d: d["stages"][0]["sessions"][0].update(end="2021-09-06T07:00:00+07:00"),
            "after start",
        ),
    ],
)
def test_event_errors_are_readable(tmp_path: Path, mutate, message: str) -> None:
    with pytest.raises(EventFileError, match=message):
        load_event(_write_event(tmp_path, mutate))


def test_missing_event_file() -> None:
    with pytest.raises(EventFileError, match="file not found"):
        load_event("/nonexistent/event.yaml")


def test_offsets() -> None:
    assert parse_offset("1d").total_seconds() == 86400
    assert parse_offset("90s").total_seconds() == 90
    assert parse_offset("30m").total_seconds() == 1800


def test_indonesian_dates() -> None:
    start = datetime(2021, 9, 6, 8, 0, tzinfo=JAKARTA)
    end = datetime(2021, 9, 6, 16, 0, tzinfo=JAKARTA)
    assert format_datetime(start, JAKARTA) == "Senin, 6 September 2021, 08.00 WIB"
    assert format_range(start, end, JAKARTA) == "Senin, 6 September 2021, 08.00–16.00 WIB"
    assert format_range(start, end, JAKARTA, "en") == "Monday, 6 September 2021, 08:00–16:00 WIB"
    makassar = ZoneInfo("Asia/Makassar")
    assert format_datetime(start, makassar).endswith("09.00 WITA")


def test_locales_have_the_same_keys_and_placeholders() -> None:
    ids, ens = locales.catalogue("id"), locales.catalogue("en")
    assert set(ids) == set(ens), set(ids) ^ set(ens)
    for key in ids:
        assert locales.placeholders(ids[key]) == locales.placeholders(ens[key]), key


def test_locale_values_are_escaped() -> None:
    text = locales.t("id", "start.welcome", name='<b>&"', event_name="Bimtek")
    assert "&lt;b&gt;&amp;" in text and "<b>Bimtek</b>" in text
    assert locales.language_of("en-GB") == "en"
    assert locales.language_of("jv") == "id"
    assert locales.language_of(None) == "id"


def test_settings_parse_id_lists(monkeypatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "1, 22,333")
    monkeypatch.setenv("ORGANISER_IDS", "")
    settings = Settings(_env_file=None)
    assert settings.admin_ids == [1, 22, 333]
    assert settings.organiser_ids == []


def test_cli_bad_configuration_is_one_clear_line() -> None:
    result = run_cli("check", ADMIN_IDS="12,abc")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Configuration error: ADMIN_IDS: 'abc' is not a Telegram user id "
        "(expected whole numbers, comma-separated)"
    ]
    result = run_cli("check", EVENT_FILE="/nope.yaml")
    assert (
        result.returncode != 0
        and "EVENT_FILE" in result.stderr
        and "Traceback" not in result.stderr
    )


def test_cli_run_without_token_says_how_to_get_one() -> None:
    result = run_cli("run")
    assert result.returncode != 0
    assert "@BotFather" in result.stderr and "Traceback" not in result.stderr
    assert "python bot.py sandbox" in result.stderr  # the way to try it without Telegram


def test_cli_check_prints_a_summary() -> None:
    result = run_cli("check", ADMIN_IDS="5,6")
    assert result.returncode == 0, result.stderr
    assert "Stages: 4, sessions: 8, OPD: 22" in result.stdout
    assert "Admins: 2" in result.stdout


def test_token_is_redacted_from_logs(caplog) -> None:
    token = "123:SECRET-token"
    record = logging.LogRecord(
        "httpx", logging.INFO, "", 0, "POST %s", (f"http://x/bot{token}/getMe",), None
    )
    RedactToken(token).filter(record)
    assert token not in record.getMessage() and "<BOT_TOKEN>" in record.getMessage()


async def test_migrations_on_empty_database(tmp_path: Path) -> None:
    db = await Database(tmp_path / "a.sqlite3").open()
    try:
        assert await db.version() == migrations()[-1][0]
        tables = {
            r["name"]
            for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert {
            "users",
            "participants",
            "consents",
            "staff",
            "audit_log",
            "outbox",
            "flows",
        } <= tables
        mode = await db.fetchone("PRAGMA journal_mode")
        assert mode[0] == "wal"
        fk = await db.fetchone("PRAGMA foreign_keys")
        assert fk[0] == 1
    finally:
        await db.close()


async def test_each_migration_upgrades_the_previous_version(tmp_path: Path) -> None:
    """A database left at every earlier version upgrades to the latest, keeping its rows."""
    versions = [v for v, _ in migrations()]
    for previous in [0, *versions[:-1]]:
        db = Database(tmp_path / f"v{previous}.sqlite3")
        await _open_at(db, previous)
        if previous >= 1:
            await db.execute(
                "INSERT INTO users (user_id, language, first_seen, last_seen) VALUES (7, 'id', 'x', 'x')"
            )
        await db.migrate()
        assert await db.version() == versions[-1]
        if previous >= 1:
            assert (await db.fetchone("SELECT COUNT(*) FROM users"))[0] == 1
        await db.close()


async def _open_at(db: Database, version: int) -> None:
    """Open a database migrated only up to `version`."""
    import aiosqlite

    db._conn = await aiosqlite.connect(db.path, isolation_level=None)
    db._conn.row_factory = aiosqlite.Row
    await db.migrate(target=version)
    assert await db.version() == version


async def test_transactions_roll_back_and_isolate(tmp_path: Path) -> None:
    db = await Database(tmp_path / "t.sqlite3").open()
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute(
                    "INSERT INTO users (user_id, language, first_seen, last_seen) VALUES (1, 'id', 'x', 'x')"
                )
                raise RuntimeError("boom")
        assert (await db.fetchone("SELECT COUNT(*) FROM users"))[0] == 0
    finally:
        await db.close()


async def test_interrupted_sends_go_again_except_reminders_that_went_out(tmp_path: Path) -> None:
    """Only a request that had gone to Telegram can have arrived: a reminder whose request
    went out is never sent again (at most once); one still waiting in the limiter is."""
    from storage import outbox

    db = await Database(tmp_path / "o.sqlite3").open()
    try:
        await outbox.enqueue(
            db,
            [
                outbox.OutgoingMessage("broadcast", 1, {"text": "a"}, ref="1"),
                outbox.OutgoingMessage("reminder", 2, {"text": "b"}, ref="s1"),
                outbox.OutgoingMessage("nudge", 3, {"text": "c"}, ref="n"),
                outbox.OutgoingMessage("reminder", 4, {"text": "d"}, ref="s1"),
            ],
        )
        await db.execute("UPDATE outbox SET status = 'sending'")
        for row_id in (1, 2):  # these two had gone out when the bot died
            await outbox.mark_dispatched(db, row_id)
        assert await outbox.requeue_interrupted(db) == (3, 1)
        rows = await db.fetchall("SELECT kind, status, last_error FROM outbox ORDER BY id")
        assert [(r["kind"], r["status"]) for r in rows] == [
            ("broadcast", "pending"),
            ("reminder", "failed"),
            ("nudge", "pending"),
            ("reminder", "pending"),
        ]
        assert rows[1]["last_error"].startswith("in doubt")
        assert await outbox.in_doubt_count(db) == 1
    finally:
        await db.close()


async def test_remembering_a_user_writes_only_what_changed(tmp_path: Path) -> None:
    from storage import users

    db = await Database(tmp_path / "u.sqlite3").open()
    try:
        assert await users.touch(db, 42, "id") is True  # the first time
        written = db.conn.total_changes
        for _ in range(5):
            assert await users.touch(db, 42, "id") is False
        assert db.conn.total_changes == written  # nothing changed: nothing written
        await users.touch(db, 42, "en")
        assert db.conn.total_changes == written + 1 and await users.language(db, 42) == "en"
        await users.set_active(db, 42, False)
        await users.touch(db, 42, "en")  # a message means reachable again
        row = await db.fetchone("SELECT active FROM users WHERE user_id = 42")
        assert row["active"] == 1
    finally:
        await db.close()
