"""Backups: `bot.py backup` while the bot works, `bot.py restore` (checked, refused when
bad), the daily backup and its rotation, and what backups do with erased personal data."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config import PROJECT_ROOT
from domain import backups, privacy
from storage import participants, status
from storage.db import Database
from tests.conftest import ORGANISER_ID
from tests.harness import BotProcess, RunningBot, future_event, make_settings, run_cli
from tests.proposal_helpers import register, seed_proposals
from tests.seeding import registered
from tests.test_broadcast import label, received, send_now, wait_for
from tests.test_registration import ID

OLD_EVENT = PROJECT_ROOT / "data" / "events" / "probolinggo-2021.yaml"
EVENT = future_event()


def NOW() -> datetime:  # noqa: N802 (reads like a constant)
    return datetime.now(UTC)


async def cli(settings, *args: str) -> tuple[int, str, str]:
    """`bot.py ARGS` as another process while this loop (and the bot in it) keeps running."""
    env = {k: v for k, v in BotProcess(settings).env().items() if v}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(PROJECT_ROOT / "bot.py"),
        *args,
        env=env,
        cwd="/tmp",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(), err.decode()


async def snapshot(db) -> dict[str, set]:
    """What is committed: outbox rows, proposals, people and their answers."""
    return {
        "outbox": {
            tuple(r) for r in await db.fetchall("SELECT id, kind, chat_id, dedupe_key FROM outbox")
        },
        "proposals": {
            tuple(r) for r in await db.fetchall("SELECT id, user_id, name, status FROM proposals")
        },
        "people": {
            tuple(r)
            for r in await db.fetchall(
                "SELECT user_id, status, full_name, opd_id FROM participants"
            )
        },
    }


def assert_single_private_file(path: Path) -> None:
    assert path.stat().st_mode & 0o777 == 0o600
    assert not Path(f"{path}-wal").exists()


async def wati_gives_her_name(tg):
    """A newcomer who agrees to the notice and answers the first step (her name); returns
    once the bot has asked the second, i.e. after it committed the answer."""
    wati = tg.user(first_name="Wati", language_code="id")
    await wati.send("/daftar")
    await wati.expect(ID["notice"])
    await wati.press(ID["agree"])
    await wati.expect(ID["step"].format(n=1))
    await wati.send("Wati Susanti, S.E.")
    await wati.expect(ID["step"].format(n=2))
    return wati


async def test_backup_during_a_broadcast_and_a_registration_restores_everything(
    tg, tmp_path
) -> None:
    tg.enforce_limits = True  # the broadcast takes a few seconds: the backup lands inside it
    settings = make_settings(tg, tmp_path / "live" / "bot.sqlite3", organiser_ids=[ORGANISER_ID])
    bot = await RunningBot(settings).start()
    try:
        people = [850001 + i for i in range(250)]
        for user_id in people:
            await registered(bot.db, user_id, role="dewan", dimension="all")
            tg.user(first_name=f"P{user_id}", language_code="id", user_id=user_id)
        await register(bot.db, 851000, "Rudi Hartono")
        await seed_proposals(bot.db, 851000, 3)
        organiser = tg.user(first_name="Panitia", language_code="id", user_id=ORGANISER_ID)
        await organiser.send("/umumkan")
        await organiser.expect("Kepada siapa")
        await organiser.press(label("aud_all"))
        await organiser.expect("Silakan kirim isi pengumuman")
        await send_now(organiser, "Materi tahap II sudah tersedia")
        newcomer = await wati_gives_her_name(tg)
        await wait_for(lambda: sum(1 for u in people if received(tg, u)) >= 5, within=20)
        before = await snapshot(bot.db)
        copy = tmp_path / "copy.sqlite3"
        code, out, err = await cli(settings, "backup", str(copy))
        assert code == 0, err
        assert "Backup written" in out and "integrity checked" in out
        sent_at_backup = sum(1 for u in people if received(tg, u))
        assert sent_at_backup < len(people)  # really during the broadcast
        await organiser.expect("Laporan pengumuman", timeout=60)
    finally:
        await bot.stop()
    assert_single_private_file(copy)

    restored_settings = make_settings(tg, tmp_path / "new" / "bot.sqlite3")
    code, out, err = await cli(restored_settings, "restore", str(copy))
    assert code == 0, err
    assert "Restored" in out
    bot = await RunningBot(restored_settings).start()  # the bot starts on the restored file
    try:
        after = await snapshot(bot.db)
        for key in before:
            assert before[key] <= after[key], key  # everything committed before the copy
        wati = await participants.get(bot.db, newcomer.id)
        assert wati is not None and wati.full_name == "Wati Susanti, S.E."
        await newcomer.send("/daftar")  # the registration goes on at the question it was at
        await newcomer.expect(ID["step"].format(n=2), timeout=10)
    finally:
        await bot.stop()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_restore_refuses_a_bad_file_and_a_running_bot(tg, tmp_path, settings) -> None:
    db = await Database(settings.database_path).open()
    await registered(db, 860001, full_name="Ani Lestari")
    await db.close()
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    foreign = tmp_path / "foreign.sqlite3"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    newer = tmp_path / "newer.sqlite3"
    good = tmp_path / "good.sqlite3"
    db = await Database(settings.database_path).open()
    await backups.make_backup(db, good, via="cli")
    await db.close()
    newer.write_bytes(good.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(good.read_bytes())
    page = 4096
    data[2 * page : 3 * page] = b"\xff" * page  # a page of a table overwritten
    damaged.write_bytes(bytes(data))
    current = sha(settings.database_path)
    for path, reason in (
        (garbage, "it is not a readable SQLite database"),
        (foreign, "it is not a database of this bot"),
        (newer, "written by a newer version of the bot (schema 99"),
        (damaged, "not"),
        (tmp_path / "missing.sqlite3", "the file does not exist"),
    ):
        with pytest.raises(backups.RestoreRefused) as refused:
            await backups.restore(path, settings.database_path, EVENT, settings.backups, NOW())
        assert reason in str(refused.value) and "is not restored" in str(refused.value)
        assert sha(settings.database_path) == current  # nothing changed
    code, out, err = await cli(settings, "restore", str(garbage))  # the command line: one line
    assert code == 1 and err.count("\n") == 1 and "is not restored" in err, err
    assert "Traceback" not in err and sha(settings.database_path) == current
    bot = await RunningBot(settings).start()
    try:
        code, _, err = await cli(settings, "restore", str(good))
        assert code == 1 and "The bot is running" in err and "stop it first" in err
    finally:
        await bot.stop()
    code, out, err = await cli(settings, "restore", str(good))
    assert code == 0 and "The database it replaced is kept as" in out, (out, err)


async def test_a_restore_erases_again_whoever_deleted_their_data_since(
    tg, tmp_path, settings
) -> None:
    db = await Database(settings.database_path).open()
    await registered(db, 861001, full_name="Tetap Ada")
    await registered(db, 861002, full_name="Sudah Dihapus")
    await seed_proposals(db, 861002, 1)
    old = tmp_path / "old.sqlite3"
    await backups.make_backup(db, old, via="cli")
    await privacy.delete_user_data(db, 861002)  # /hapusdata after the backup
    await db.close()
    code, out, err = await cli(settings, "restore", str(old))
    assert code == 0, err
    assert "Erased again the data of 1 people" in out
    db = await Database(settings.database_path).open()
    try:
        kept = await participants.get(db, 861001)
        gone = await participants.get(db, 861002)
        assert kept is not None and kept.full_name == "Tetap Ada"
        assert gone is not None and gone.status == "deleted" and gone.full_name is None
        rows = await db.fetchall("SELECT user_id, anonymised FROM proposals")
        assert [tuple(r) for r in rows] == [(None, 1)]  # kept for the masterplan, anonymised
    finally:
        await db.close()
    assert b"Sudah Dihapus" not in settings.database_path.read_bytes()


async def test_daily_backups_rotate_and_the_bot_makes_the_first_at_start(tg, tmp_path) -> None:
    settings = make_settings(tg, tmp_path / "bot.sqlite3", backup_keep=3)
    bot = await RunningBot(settings).start()
    try:
        await wait_for(lambda: len(backups.existing(settings.backups)) == 1, within=10)
        await asyncio.sleep(0.3)
        assert (await status.get(bot.db, "backup"))["via"] == "daily"
        tz = ZoneInfo("Asia/Jakarta")
        daily = backups.DailyBackup(bot.db, settings.backups, 3, "02:30", tz)
        day = datetime(2030, 5, 1, 3, 0, tzinfo=tz)
        made = []
        for n in range(5):
            moment = day + timedelta(days=n)
            made.append(await daily.run_if_due(moment))
            assert await daily.run_if_due(moment + timedelta(hours=20)) is None  # once a day
        assert backups.existing(settings.backups) == made[-3:]
    finally:
        await bot.stop()
    assert backups.due_since(datetime(2030, 5, 2, 2, 0, tzinfo=tz), "02:30", tz) == datetime(
        2030, 5, 1, 2, 30, tzinfo=tz
    )


async def test_the_bots_backup_holds_what_it_answered_just_before(tg, tmp_path) -> None:
    """The running bot's backup reads through a connection of its own (not the bot's, which
    replies must not wait for): an answer the bot has just confirmed is in the copy, and the
    bot goes on answering while the copy is made."""
    settings = make_settings(tg, tmp_path / "bot.sqlite3")
    bot = await RunningBot(settings).start()
    try:
        wati = await wati_gives_her_name(tg)  # the answer is committed before it returns
        target = tmp_path / "copy.sqlite3"
        copying = asyncio.create_task(backups.make_backup(bot.db, target, via="test"))
        budi = tg.user(first_name="Budi", language_code="id")
        await budi.send("/jadwal")
        await budi.expect("Tahap", timeout=10)
        await copying
    finally:
        await bot.stop()
    assert_single_private_file(target)
    copy = sqlite3.connect(target)
    try:
        row = copy.execute(
            "SELECT full_name FROM participants WHERE user_id = ?", (wati.id,)
        ).fetchone()
    finally:
        copy.close()
    assert row == ("Wati Susanti, S.E.",)


async def test_the_end_of_retention_deletes_the_backups_that_hold_personal_data(
    tg, tmp_path
) -> None:
    settings = make_settings(tg, tmp_path / "bot.sqlite3", event_file=OLD_EVENT)
    db = await Database(settings.database_path).open()
    await registered(db, 862001, full_name="Lama Sekali")
    stale = settings.backups / backups.backup_name(datetime(2022, 1, 1, tzinfo=UTC))
    await backups.make_backup(db, stale, via="daily")
    await db.close()
    assert b"Lama Sekali" in stale.read_bytes()
    bot = await RunningBot(settings).start()  # retention ended in 2022: erased at start
    try:
        await wait_for(lambda: not stale.exists() and len(backups.existing(settings.backups)) == 1)
        await asyncio.sleep(0.5)
    finally:
        await bot.stop()
    (fresh,) = backups.existing(settings.backups)
    assert b"Lama Sekali" not in fresh.read_bytes()
    assert b"Lama Sekali" not in settings.database_path.read_bytes()


def test_backup_of_a_missing_database_is_refused(tmp_path) -> None:
    missing = tmp_path / "x" / "bot.sqlite3"
    result = run_cli("backup", DATABASE_PATH=str(missing))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"The database {missing} does not exist" in result.stderr
    assert not missing.parent.exists()


async def test_backup_by_hand_goes_into_backup_dir_and_rotates_with_the_daily(
    tmp_path, settings
) -> None:
    db = await Database(settings.database_path).open()
    await db.close()
    code, out, err = await cli(settings, "backup")
    assert code == 0, err
    (made,) = backups.existing(settings.backups)
    assert str(made) in out
