"""Copies of the database file: SQLite's online backup API (a consistent copy while the bot
writes) and the checks a copy must pass before it is put back."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from storage.db import Database, migrations

# Tables every database of this bot has (a file without them is not one of its databases).
_REQUIRED = ("participants", "consents", "outbox", "audit_log")


async def copy_database(db: Database, target: Path) -> int:
    """A consistent copy of the open database into `target` (0600, one file, no -wal),
    written beside it first and renamed, so a half-written copy never has the final name.
    Returns its size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    if str(db.path) == ":memory:":  # only the bot's own connection sees it
        # Made by the bot's own connection's thread: check_same_thread off for the target.
        dest = sqlite3.connect(partial, check_same_thread=False, isolation_level=None)
        try:
            async with db.turn():
                await db.conn.backup(dest)
            dest.execute("PRAGMA journal_mode=DELETE")  # the copy is a single file
        finally:
            dest.close()
    else:
        await asyncio.to_thread(_snapshot, db.path, partial)
    return await asyncio.to_thread(_publish, partial, target)


def _snapshot(source: Path, partial: Path) -> None:
    """Copy the database file by the backup API from a reader connection of its own, in one
    step: one read transaction, so the copy is the committed state of one moment (WAL lets
    the bot write meanwhile). Through the bot's connection, the copy held it, and every
    reply, for 0.1 s at 50,000 participants."""
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    dest = sqlite3.connect(partial, isolation_level=None)
    try:
        src.execute("PRAGMA busy_timeout=5000")
        src.backup(dest)  # pages=-1: everything in one step
        dest.execute("PRAGMA journal_mode=DELETE")  # the copy is a single file
    finally:
        dest.close()
        src.close()


def _publish(partial: Path, target: Path) -> int:
    os.chmod(partial, 0o600)  # personal data: readable by the bot's user only
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    return target.stat().st_size


def copy_file(source: Path, target: Path) -> None:
    """Copy a database file (with its -wal, if any: SQLite reads it) into `target` as one
    file, by the backup API."""
    target.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True)
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        src.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()
        src.close()
    os.chmod(target, 0o600)


@dataclass(frozen=True)
class FileCheck:
    version: int
    problem: str | None  # None: the file can be restored

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_file(path: Path) -> FileCheck:
    """PRAGMA integrity_check, the migration version (not newer than this bot knows) and the
    bot's tables, read-only."""
    if not path.is_file():
        return FileCheck(0, "the file does not exist")
    latest = migrations()[-1][0]
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check").fetchall()]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return FileCheck(0, f"it is not a readable SQLite database ({exc})")
    if result != ["ok"]:
        return FileCheck(version, f"the integrity check failed ({'; '.join(result[:3])})")
    missing = [name for name in _REQUIRED if name not in tables]
    if version == 0 or missing:
        return FileCheck(version, "it is not a database of this bot")
    if version > latest:
        return FileCheck(
            version, f"it was written by a newer version of the bot (schema {version} > {latest})"
        )
    return FileCheck(version, None)
