"""Backups: a daily copy of the database into BACKUP_DIR (the last BACKUP_KEEP kept),
`bot.py backup FILE` by hand, and `bot.py restore FILE`, which checks the copy first.

Privacy: a backup holds the personal data of its day. A person's data that /hapusdata erased
stays in the backups made before, at most BACKUP_KEEP days, and no longer: a restore erases
it again (everyone whose deletion the database being replaced records), and so does the end
of retention, after which every older backup is deleted."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path

from domain import privacy, retention
from schedules.event import Event
from storage import audit, instance, status
from storage.backup import FileCheck, check_file, copy_database, copy_file
from storage.db import Database

log = logging.getLogger(__name__)

PREFIX = "bimtek-"
_NAME = re.compile(r"^bimtek-\d{8}-\d{6}(-[a-z-]+)?\.sqlite3$")


def backup_name(now: datetime, label: str = "") -> str:
    stamp = now.astimezone(UTC).strftime("%Y%m%d-%H%M%S")
    return f"{PREFIX}{stamp}{'-' + label if label else ''}.sqlite3"


def existing(directory: Path) -> list[Path]:
    """This bot's backups in `directory`, oldest first (by the time in their name)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if _NAME.match(p.name))


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; returns the deleted ones."""
    found = existing(directory)
    removed = found[: max(len(found) - keep, 0)]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


async def make_backup(db: Database, target: Path, via: str, made_at: datetime | None = None) -> int:
    """Copy the running database to `target`, check the copy, record it for `bot.py status`
    (`made_at`: the bot's clock, which decides when the next daily one is due)."""
    size = await copy_database(db, target)
    checked = await asyncio.to_thread(check_file, target)
    if not checked.ok:
        await asyncio.to_thread(target.unlink, missing_ok=True)
        raise RuntimeError(f"the backup {target.name} failed its check: {checked.problem}")
    moment = (made_at or datetime.now(UTC)).isoformat()
    await status.put(db, "backup", path=str(target), size=size, via=via, made_at=moment)
    return size


def due_since(now: datetime, at: str, tz: tzinfo) -> datetime:
    """The latest daily backup moment (BACKUP_TIME in the event's zone) not after `now`."""
    hours, minutes = (int(part) for part in at.split(":"))
    local = now.astimezone(tz)
    moment = datetime.combine(local.date(), time(hours, minutes), tzinfo=tz)
    return moment if moment <= local else moment - timedelta(days=1)


@dataclass
class DailyBackup:
    """The running bot's job (checked every few minutes): one backup per day after
    BACKUP_TIME, and one at the first start."""

    db: Database
    directory: Path
    keep: int
    at: str
    tz: tzinfo

    async def run_if_due(self, now: datetime, *, force: bool = False) -> Path | None:
        last = await status.get(self.db, "backup")
        made = last.get("made_at") if last and last.get("via") == "daily" else None
        last_at = datetime.fromisoformat(made) if made else None
        if not force and last_at is not None and last_at >= due_since(now, self.at, self.tz):
            return None
        target = self.directory / backup_name(now)
        size = await make_backup(self.db, target, via="daily", made_at=now)
        removed = rotate(self.directory, self.keep)
        log.info("Backup %s written (%d bytes); %d old backups removed", target, size, len(removed))
        return target

    async def after_erasure(self, now: datetime) -> int:
        """The end of retention erased everyone: every older backup still holds their data,
        so all are deleted, and a fresh one (without it) is made. Returns how many went."""
        removed = purge(self.directory)
        await self.run_if_due(now, force=True)
        log.info("Retention: %d backups with personal data deleted", removed)
        return removed


def purge(directory: Path) -> int:
    """Delete every backup (the end of retention: none may keep the erased data)."""
    found = existing(directory)
    for path in found:
        path.unlink(missing_ok=True)
    return len(found)


# --- restore ------------------------------------------------------------------------------


class RestoreRefused(RuntimeError):
    """The file is not restored; the message says why, in one line."""


@dataclass(frozen=True)
class Restored:
    check: FileCheck
    kept_as: Path | None  # the database that was replaced, saved as a backup
    erased_again: int  # people whose deletion was applied to the restored copy


async def _deleted_people(db_path: Path) -> set[int]:
    """Whose data the current database records as erased (by /hapusdata or retention) and
    who hold none now (someone who registered again is not erased from the copy)."""
    if not await asyncio.to_thread(db_path.is_file):
        return set()
    try:
        db = await Database(db_path, readonly=True).open()
    except Exception:
        return set()
    try:
        found: set[int] = set()
        for action in ("data_deleted_self", "data_deleted_retention", "data_deleted_restore"):
            for entry in await audit.entries(db, action, limit=1_000_000):
                user_id = entry["detail"].get("user_id")
                if isinstance(user_id, int):
                    found.add(user_id)
        return {u for u in found if not await privacy.holds_personal_data(db, u)}
    finally:
        await db.close()


async def _running_holder(db_path: Path, now: datetime) -> str | None:
    if not await asyncio.to_thread(db_path.is_file):
        return None
    try:
        db = await Database(db_path, readonly=True).open()
    except Exception:
        return None
    try:
        lease = await instance.current(db)
    except sqlite3.Error:
        return None
    finally:
        await db.close()
    if lease is None:
        return None
    age = now - datetime.fromisoformat(lease.heartbeat_at)
    return f"process {lease.pid} on {lease.host}" if age < timedelta(minutes=2) else None


async def restore(
    source: Path, db_path: Path, event: Event, backups: Path, now: datetime
) -> Restored:
    """Put `source` back as the database at `db_path`, after checking it; the database it
    replaces is kept in `backups`. Deletions the replaced database records, and the end of
    retention, are applied to the restored copy before it takes the database's place."""
    checked = await asyncio.to_thread(check_file, source)
    if not checked.ok:
        raise RestoreRefused(f"{source} is not restored: {checked.problem}.")
    holder = await _running_holder(db_path, now)
    if holder is not None:
        raise RestoreRefused(f"The bot is running on {db_path} ({holder}): stop it first.")
    staging = db_path.with_name(db_path.name + ".restoring")
    await asyncio.to_thread(db_path.parent.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(copy_file, source, staging)
    erased = 0
    try:
        db = await Database(staging).open()  # migrated to this version of the bot
        try:
            for user_id in sorted(await _deleted_people(db_path)):
                # Always run: the hooks also erase what is not a profile (FAQ questions).
                if await privacy.delete_user_data(db, user_id, reason="restore"):
                    erased += 1
            await retention.erase_all(db, event, now, via="restore")
            await audit.record(db, None, "restore", source=source.name, erased_again=erased)
            await db.checkpoint()
        finally:
            await db.close()
        kept = await asyncio.to_thread(
            _swap, staging, db_path, backups / backup_name(now, "before-restore")
        )
    finally:
        await asyncio.to_thread(_remove, staging)
    return Restored(checked, kept, erased)


def _swap(staging: Path, db_path: Path, keep_as: Path) -> Path | None:
    """Keep the current database as a backup, then put the staged copy in its place."""
    kept = None
    if db_path.is_file():
        keep_as.parent.mkdir(parents=True, exist_ok=True)
        copy_file(db_path, keep_as)
        kept = keep_as
    for side in (Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        side.unlink(missing_ok=True)
    staging.replace(db_path)
    return kept


def _remove(staging: Path) -> None:
    for path in (staging, Path(f"{staging}-wal"), Path(f"{staging}-shm")):
        path.unlink(missing_ok=True)
