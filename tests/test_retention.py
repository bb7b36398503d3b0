"""Retention as the privacy notice promises: the event file's `privacy.retention_until` is
shown in the notice; seven days before the end the admins are told (once); nothing is erased
before the end; after it the running bot erases everyone's personal data as /hapusdata does
(proposals kept, anonymised), daily; `python bot.py retention [--apply]` shows or does it by
hand. Every erasure run is audited. The clock is moved, not waited for."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from domain.privacy import give_consent
from schedules.clock import Clock
from schedules.event import EventFileError, load_event
from storage import audit, consents, faq_log, participants, users
from storage import proposals as proposal_store
from storage.db import Database
from tests.conftest import ADMIN_ID
from tests.harness import FUTURE_EVENT, RunningBot, future_event, make_settings, run_cli
from tests.schedule_helpers import now, session, write_event
from tests.seeding import registered

SITI, DRAFT, ASKER, LATE = 8301, 8302, 8303, 8304
WARNING = "Jangka waktu penyimpanan data pribadi segera berakhir"
ERASED = "Jangka waktu penyimpanan data pribadi telah berakhir"


async def _seed(db: Database) -> None:
    await registered(db, SITI, full_name="Siti Aminah")
    await proposal_store.insert_submitted(
        db, [{"user_id": SITI, "dimension": "living", "name": "Posyandu Digital"}]
    )
    await faq_log.add(db, SITI, SITI, "id", "Apakah ada jamuan?", None, 0.1)
    await give_consent(db, DRAFT, "id")  # consented, never finished registering
    await participants.update(db, DRAFT, full_name="Budi Setengah")
    await users.touch(db, ASKER, "id")
    await faq_log.add(db, ASKER, ASKER, "id", "boleh bawa anak?", None, 0.1)  # only a question
    await users.touch(db, ADMIN_ID, "id")  # the admin has talked to the bot


async def _until(check: Callable[[], Awaitable[bool]], within: float = 8.0) -> None:
    for _ in range(int(within / 0.1)):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"condition not reached within {within} s")


async def _kept(db: Database, user_id: int) -> bool:
    profile = await participants.get(db, user_id)
    return profile is not None and profile.status != "deleted"


async def test_notice_states_the_retention_date(tg, bot) -> None:
    rina = tg.user(first_name="Rina", language_code="id")
    await rina.send("/privasi")
    notice = await rina.expect("Pemberitahuan Privasi")
    assert "paling lama sampai Kamis, 6 April 2028" in notice.text
    alice = tg.user(first_name="Alice", language_code="en")
    await alice.send("/privacy")
    assert "at the latest until Thursday, 6 April 2028" in (await alice.expect("Retention")).text


async def test_warning_seven_days_before_then_erasure_after(tg, tmp_path: Path) -> None:
    settings = make_settings(tg, tmp_path / "bot.sqlite3", admin_ids=[ADMIN_ID])
    event = future_event()
    ends = event.retention_ends()
    assert ends == datetime(2028, 4, 6, 17, 0, tzinfo=UTC)  # 7 April 2028, 00.00 WIB
    db = await Database(settings.database_path).open()
    await _seed(db)
    await db.close()
    admin = tg.user(first_name="Admin", language_code="id", user_id=ADMIN_ID)
    clock = Clock()
    clock.set(ends - timedelta(days=7, seconds=3))
    bot = await RunningBot(settings, clock=clock).start()
    try:
        # Just before the seven days: nothing yet (the start-up run found nothing to do).
        await admin.expect_silence(1.0)
        warning = await admin.expect(WARNING, timeout=8)  # the planned run at the moment
        assert "sampai Kamis, 6 April 2028" in warning.text
        assert "Mulai Jumat, 7 April 2028, 00.00 WIB" in warning.text
        assert "data pribadi 3 orang" in warning.text and "privacy.retention_until" in warning.text
        assert all([await _kept(bot.db, SITI), await _kept(bot.db, DRAFT)])
        # Once: a restart inside the seven days (the start-up run) warns nobody again.
        await bot.restart()
        await admin.expect_silence(1.5)
        rows = await bot.db.fetchall(
            "SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE 'retention-warning:%'"
        )
        assert [r["dedupe_key"] for r in rows] == [f"retention-warning:2028-04-06:{ADMIN_ID}"]

        # A few seconds before the end: still nothing erased.
        clock.set(ends - timedelta(seconds=3))
        await bot.restart()
        assert await _kept(bot.db, SITI) and await consents.active(bot.db, SITI) is not None
        assert await audit.entries(bot.db, "retention_erasure") == []
        # At the end: erased exactly as /hapusdata does.
        done = await admin.expect(ERASED, timeout=8)
        assert "Data pribadi 3 orang telah dihapus" in done.text
        siti = await participants.get(bot.db, SITI)
        assert siti.status == "deleted" and siti.full_name is None
        assert await consents.active(bot.db, SITI) is None
        assert len(await consents.history(bot.db, SITI)) == 1  # the proof of consent stays
        assert (await participants.get(bot.db, DRAFT)).status == "deleted"
        assert await faq_log.askers(bot.db) == set()
        kept = await proposal_store.export_rows(bot.db)
        assert [(r["name"], r["anonymised"], r["proposer_name"]) for r in kept] == [
            ("Posyandu Digital", 1, None)
        ]
        (run,) = await audit.entries(bot.db, "retention_erasure")
        assert run["actor_id"] is None
        assert run["detail"] == {"erased": 3, "retention_until": "2028-04-06", "via": "bot"}
        per_person = await audit.entries(bot.db, "data_deleted_retention")
        assert sorted(e["detail"]["user_id"] for e in per_person) == [SITI, DRAFT]

        # The daily job: someone who registers after the end is erased at its next run.
        job = bot.services.reminders.scheduler.get_job("retention")
        assert job.trigger.interval == timedelta(days=1)
        await registered(bot.db, LATE)
        job.modify(next_run_time=datetime.now(UTC))
        await _until(lambda: _gone(bot.db, LATE))
    finally:
        await bot.stop()


async def _gone(db: Database, user_id: int) -> bool:
    return not await _kept(db, user_id)


def _ended_event(tmp_path: Path) -> Path:
    """An event whose sessions and retention period are over."""
    path = write_event(tmp_path / "ended.yaml", [[session("old", now() - timedelta(days=60))]], [])
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw["privacy"] = {"retention_until": (now() - timedelta(days=2)).date().isoformat()}
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


async def test_cli_dry_run_and_apply(tmp_path: Path) -> None:
    db_path = tmp_path / "cli.sqlite3"
    db = await Database(db_path).open()
    await _seed(db)
    await db.close()
    env = {"DATABASE_PATH": str(db_path), "EVENT_FILE": str(FUTURE_EVENT)}

    # Before the end: who and how many, nothing erased, even with --apply.
    before = run_cli("retention", **env)
    assert before.returncode == 0, before.stderr
    assert "kept until 2028-04-06 and erased from 2028-04-07 00:00 WIB" in before.stdout
    assert "Not ended yet" in before.stdout and "3 people hold personal data" in before.stdout
    assert "Siti Aminah" in before.stdout and "questions" in before.stdout
    refused = run_cli("retention", "--apply", **env)
    assert refused.returncode == 1 and "nothing erased" in refused.stdout

    # After the end: the dry run changes nothing; --apply erases and is audited.
    env["EVENT_FILE"] = str(_ended_event(tmp_path))
    dry = run_cli("retention", **env)
    assert dry.returncode == 0, dry.stderr
    assert "would erase the personal data of 3 people (dry run; add --apply)" in dry.stdout
    for line in (f"{SITI}  registered  Siti Aminah", f"{DRAFT}  draft", f"{ASKER}  questions"):
        assert line in dry.stdout
    db = await Database(db_path).open()
    try:
        assert await _kept(db, SITI) and await audit.entries(db, "retention_erasure") == []
    finally:
        await db.close()
    applied = run_cli("retention", "--apply", **env)
    assert applied.returncode == 0, applied.stderr
    assert "erased the personal data of 3 people" in applied.stdout
    db = await Database(db_path).open()
    try:
        assert not await _kept(db, SITI) and not await _kept(db, DRAFT)
        assert await consents.active(db, SITI) is None and await faq_log.askers(db) == set()
        (run,) = await audit.entries(db, "retention_erasure")
        assert run["detail"]["via"] == "cli" and run["detail"]["erased"] == 3
    finally:
        await db.close()
    again = run_cli("retention", **env)
    assert "would erase the personal data of 0 people" in again.stdout


@pytest.mark.parametrize(
    ("privacy", "message"),
    [
        (None, r"privacy: Field required"),
        ({"retention_until": "kapan-kapan"}, r"privacy\.retention_until"),
        ({"retention_until": "2027-04-06"}, r"after the last session, which ends on 2027-04-06"),
    ],
)
def test_the_retention_date_is_validated(tmp_path: Path, privacy, message: str) -> None:
    raw = yaml.safe_load(FUTURE_EVENT.read_text(encoding="utf-8"))
    if privacy is None:
        del raw["privacy"]
    else:
        raw["privacy"] = privacy
    path = tmp_path / "e.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(EventFileError, match=message):
        load_event(path)
