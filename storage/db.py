"""The SQLite database: one aiosqlite connection with WAL, foreign keys and versioned migrations."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, overload

import aiosqlite

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
USER_PAGE = 1000  # people per read of Database.fetch_by_user (about 3 ms of the database)
BULK_BUDGET = 0.006  # seconds one chunk of a bulk write may take (Paced)


def utcnow() -> str:
    """Timestamps are stored as ISO-8601 UTC text: sortable and readable."""
    return datetime.now(UTC).isoformat(timespec="seconds")


# SQLite's primary result codes for "the write could not be made": the disk or the database
# is full, or the file system refused the write (the error a full disk often becomes).
_CANNOT_WRITE = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR}


def cannot_write(error: object) -> bool:
    """True for a write SQLite could not make for lack of room or a refusing file system:
    nothing can be saved until that is fixed, and nothing committed before is lost."""
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _CANNOT_WRITE  # extended codes keep the primary in the low byte
    return "full" in str(error).lower() or "disk i/o" in str(error).lower()


class DatabaseUnusable(RuntimeError):
    """The database file cannot be used (damaged, not SQLite, unreadable, read-only); the
    message is one line naming the file and what to do."""

    def __init__(self, path: Path, error: Exception) -> None:
        reason = str(error).lower()
        if "not a database" in reason or "malformed" in reason or "corrupt" in reason:
            problem = "is damaged or is not an SQLite database"
        elif "readonly" in reason or "read-only" in reason:
            problem = "is read-only (the bot must be able to write it and its folder)"
        elif "unable to open" in reason or "permission" in reason:
            problem = "cannot be opened (check that it exists and the bot may read and write it)"
        else:
            problem = f"cannot be used ({error})"
        super().__init__(
            f"The database {path} {problem}. Restore the latest backup, or move the file "
            f"away to start with an empty database."
        )


def check_usable(path: Path | str) -> None:
    """Open the file, read its schema and take (and give back) the write lock: raise
    DatabaseUnusable with one clear line when any of that fails. Synchronous, so the command
    line can check before anything else starts."""
    path = Path(path)
    if str(path) == ":memory:":
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        finally:
            conn.close()
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseUnusable(path, exc) from exc


def migrations() -> list[tuple[int, Path]]:
    """Migration files as (version, path), in order."""
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


class Paced:
    """Chunk sizes for a bulk write (the reminders' catch-up, a broadcast's queueing) that
    keep each chunk's statement near `budget` seconds: a reply's statement waits for at most
    one chunk, and a reply makes several. 1,000 rows took 20-30 ms of the database (a
    /jadwal then took 0.2 s); the size follows what the last chunk took, so a slower machine
    gets smaller chunks. The time includes waiting for the database: when replies are busy
    with it, the chunks get smaller too."""

    def __init__(
        self, budget: float = BULK_BUDGET, first: int = 100, least: int = 20, most: int = 1000
    ) -> None:
        self.budget = budget
        self.least = least
        self.most = most
        self.size = first

    def took(self, seconds: float, rows: int) -> None:
        """Record that a chunk of `rows` took `seconds`; sets the next `size`."""
        if rows <= 0:
            return
        fits = int(self.budget * rows / seconds) if seconds > 0 else self.most
        # At most doubling per chunk: one quick chunk is no proof that the next is.
        self.size = max(self.least, min(self.most, fits, 2 * self.size))


class Database:
    """A single shared connection. aiosqlite serialises calls on its own thread, so every
    statement is atomic; `transaction()` groups several into one commit."""

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        self.path = Path(path)
        # Read-only: for `bot.py status` (and checking backups), which must change nothing,
        # not even migrate; the file must exist.
        self.readonly = readonly
        self._conn: aiosqlite.Connection | None = None
        # One transaction at a time: other coroutines' statements wait until it commits, so
        # they can never be swept into (or rolled back with) somebody else's transaction.
        self._tx_lock = asyncio.Lock()
        self._tx_owner: asyncio.Task[Any] | None = None

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def open(self) -> Database:
        if self.readonly:
            return await self._open_readonly()
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, so nothing is left
            # uncommitted.
            self._conn = await aiosqlite.connect(self.path, isolation_level=None)
            self._conn.row_factory = aiosqlite.Row
            await self._conn.execute("PRAGMA journal_mode=WAL")
            await self._conn.execute("PRAGMA foreign_keys=ON")
            await self._conn.execute("PRAGMA busy_timeout=5000")
            await self._conn.execute("PRAGMA synchronous=NORMAL")
            # Deleted personal data is overwritten with zeros in the file, not just unlinked.
            await self._conn.execute("PRAGMA secure_delete=ON")
            await self._conn.execute("SELECT count(*) FROM sqlite_master")
        except sqlite3.Error as exc:
            await self.close()
            raise DatabaseUnusable(self.path, exc) from exc
        await self.migrate()
        return self

    async def _open_readonly(self) -> Database:
        try:
            if not self.path.is_file():
                raise sqlite3.OperationalError("unable to open database file")
            uri = f"file:{self.path.resolve()}?mode=ro"
            self._conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
            self._conn.row_factory = aiosqlite.Row
            await self._conn.execute("PRAGMA busy_timeout=5000")
            await self._conn.execute("SELECT count(*) FROM sqlite_master")
        except sqlite3.Error as exc:
            await self.close()
            raise DatabaseUnusable(self.path, exc) from exc
        return self

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and empty it: after a deletion,
        no copy of the erased rows stays in the -wal file."""
        async with self._turn():
            await self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self, target: int | None = None) -> list[int]:
        """Apply every migration newer than the database, each in its own transaction."""
        applied = []
        current = await self.version()
        for version, path in migrations():
            if version <= current or (target is not None and version > target):
                continue
            script = path.read_text(encoding="utf-8")
            try:
                await self.conn.executescript(
                    f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
                )
            except Exception:
                await self.conn.execute("ROLLBACK") if self.conn.in_transaction else None
                log.error(
                    "Migration %s failed; the database stays at version %s", path.name, current
                )
                raise
            log.info("Applied migration %s", path.name)
            applied.append(version)
            current = version
        return applied

    # Small helpers so that repositories read like SQL and nothing else.
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement (committed at once unless inside `transaction()`); return lastrowid."""
        async with self._turn():
            cursor = await self.conn.execute(sql, params)
            rowid = cursor.lastrowid or 0
            await cursor.close()
            return rowid

    async def execute_rowcount(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return how many rows it changed."""
        async with self._turn():
            cursor = await self.conn.execute(sql, params)
            count = cursor.rowcount
            await cursor.close()
            return count

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction():
            await self.conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self._turn(), self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self._turn(), self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    @overload
    async def fetch_by_user(
        self, select_where: str, params: Sequence[Any] = (), *, key: str = ..., convert: None = ...
    ) -> list[aiosqlite.Row]: ...

    @overload
    async def fetch_by_user(
        self,
        select_where: str,
        params: Sequence[Any] = (),
        *,
        key: str = ...,
        convert: Callable[[aiosqlite.Row], T],
    ) -> list[T]: ...

    async def fetch_by_user(
        self,
        select_where: str,
        params: Sequence[Any] = (),
        *,
        key: str = "p.user_id",
        convert: Callable[[aiosqlite.Row], T] | None = None,
    ) -> list[aiosqlite.Row] | list[T]:
        """Every row of `select_where` (a SELECT ending in its WHERE clause; over participants
        `p` unless `key` names another user id column) in user id order, read in pages of at
        most USER_PAGE rows (Paced: each page's read and conversion a few milliseconds), so
        that reading 50,000 people never holds the database, and every reply, for seconds.
        `convert` turns each page's rows into objects as the page arrives: done for all
        50,000 at the end, it held the event loop (every reply) for half a second."""
        paced = Paced(most=USER_PAGE)
        found: list[Any] = []
        after: list[Any] = []
        column = key.rpartition(".")[2]
        while True:
            page = paced.size
            next_page = f" AND {key} > ?" if after else ""
            began = time.perf_counter()
            rows = await self.fetchall(
                f"{select_where}{next_page} ORDER BY {key} LIMIT {page}",
                [*params, *after],
            )
            found.extend(rows if convert is None else map(convert, rows))
            paced.took(time.perf_counter() - began, len(rows))
            if len(rows) < page:
                return found
            after = [rows[-1][column]]

    def turn(self) -> Any:
        """Hold the connection between transactions (for the online backup: a copy never
        takes half of somebody's transaction)."""
        return self._turn()

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """Wait for another task's open transaction; pass straight through inside our own."""
        if self._tx_owner is not None and self._tx_owner is asyncio.current_task():
            yield
            return
        async with self._tx_lock:
            yield

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE, undone if the waiting task is cancelled (a bot stopping while a
        job waits for the database): aiosqlite runs the statement in its thread all the
        same, and a transaction left open swallowed the next writes, which the close then
        rolled back (the lease's release at stop: a restore then said the bot still ran)."""
        try:
            await self.conn.execute("BEGIN IMMEDIATE")
        except asyncio.CancelledError:
            # Queued right behind the BEGIN, before the lock is let go.
            try:
                await asyncio.shield(self._rollback_if_open())
            finally:
                raise

    async def _rollback_if_open(self) -> None:
        with contextlib.suppress(sqlite3.OperationalError):  # a failed BEGIN opened nothing
            await self.conn.execute("ROLLBACK")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on error. Use `db.execute` etc. inside.
        Nested inside our own transaction it joins the outer one, so a repository function that
        needs atomicity can also run as part of a larger transaction (e.g. /hapusdata)."""
        if self._tx_owner is not None and self._tx_owner is asyncio.current_task():
            yield self.conn
            return
        async with self._tx_lock:
            self._tx_owner = asyncio.current_task()
            try:
                await self._begin()
                try:
                    yield self.conn
                except BaseException:
                    await self.conn.execute("ROLLBACK")
                    raise
                await self.conn.execute("COMMIT")
            finally:
                self._tx_owner = None
