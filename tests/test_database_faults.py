"""A damaged or unopenable database stops the bot at start with one line naming the file
and what to do, no traceback (issue: faults, "a corrupt, unreadable or read-only database").
Read-only could not be tested here: the tests run as root, who may write any file."""

from __future__ import annotations

from pathlib import Path

from tests.harness import run_cli

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
