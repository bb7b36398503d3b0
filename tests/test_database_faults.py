"""A damaged or unopenable database stops the bot at start with one line naming the file
and what to do, no traceback (issue: faults, "a corrupt, unreadable or read-only database").
Read-only could not be tested here: the tests run as root, who may write any file.
A full disk is a file-size limit on the bot's process: its writes fail as they do when the
file system is full."""

from __future__ import annotations

import resource
from pathlib import Path

import locales
from tests.harness import BotProcess, run_cli

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_damaged_database_stops_run_and_the_cli_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bimtek.sqlite3"
    bad.write_bytes(b"this is not sqlite at all " * 100)
    for args in (("run",), ("export", "--format", "json", "--out", str(tmp_path / "x.json"))):
        result = run_cli(*args, BOT_TOKEN=TOKEN, DATABASE_PATH=str(bad))
        assert result.returncode == 2, result
        line = one_line(result.stderr)
        assert str(bad) in line and "damaged" in line and "backup" in line
        assert "Traceback" not in result.stderr and TOKEN not in result.stderr
    assert bad.read_bytes().startswith(b"this is not sqlite")  # left as it was


def test_a_database_path_that_cannot_be_opened(tmp_path: Path) -> None:
    folder = tmp_path / "bimtek.sqlite3"
    folder.mkdir()  # a folder where the file should be
    result = run_cli("run", BOT_TOKEN=TOKEN, DATABASE_PATH=str(folder))
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert str(folder) in line and "cannot be opened" in line
    assert "Traceback" not in result.stderr


def full_disk(proc: BotProcess, db_path: Path, full: bool) -> None:
    """The bot's files may grow no more (RLIMIT_FSIZE on its process: a write past the limit
    fails as on a full disk; Python ignores SIGXFSZ), or may grow again."""
    assert proc.proc is not None
    files = [db_path, Path(f"{db_path}-wal"), proc.log_path]
    limit = max(f.stat().st_size for f in files if f.exists()) if full else resource.RLIM_INFINITY
    # Only the soft limit: raising it again needs no privilege.
    resource.prlimit(proc.proc.pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))


async def test_a_full_disk_says_so_keeps_everything_and_recovers(tg, settings) -> None:
    from storage import flows, participants
    from storage.db import Database

    cannot = locales.plain("id", "common.cannot_save")
    proc = BotProcess(settings).start()
    try:
        ani = tg.user(first_name="Ani", language_code="id")
        await ani.send("/daftar")
        await ani.expect("Pemberitahuan Privasi", timeout=15)
        await ani.press(locales.plain("id", "registration.agree"))
        await ani.expect("Langkah 1/6")
        await ani.send("Ani Lestari")
        await ani.expect("Langkah 2/6")
        full_disk(proc, settings.database_path, full=True)
        await ani.press_data("reg:opd:dinkes", wait=False)
        assert (await ani.expect(cannot)).text == cannot
        budi = tg.user(first_name="Budi", language_code="id")
        await budi.send("/daftar")
        assert (await budi.expect(cannot)).text == cannot
        await ani.wait_idle(0.3)
        assert [m.text for m in ani.messages].count(cannot) == 1  # one message per update
        full_disk(proc, settings.database_path, full=False)  # room again
        await ani.press_data("reg:opd:dinkes", wait=False)
        await ani.expect("Langkah 3/6")
        await budi.send("/daftar")
        await budi.expect("Pemberitahuan Privasi")
        assert proc.proc is not None and proc.proc.poll() is None  # it never stopped
    finally:
        await proc.stop()
    assert "Traceback" not in proc.log()
    db = await Database(settings.database_path).open()
    try:
        profile = await participants.get(db, ani.id)
        assert (profile.full_name, profile.opd_id) == ("Ani Lestari", "dinkes")
        assert (await flows.get(db, ani.id)).step == "role"
    finally:
        await db.close()
