"""The SQLite database: connections, pragmas, migrations and transactions.

One writer connection, serialised by a lock, runs every change inside ``BEGIN IMMEDIATE``
so a use case either happens whole or not at all. A second connection serves reads; WAL
lets it read the last committed state while a write is under way.
"""

import asyncio
import contextlib
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from storage import connection
from storage.batch import WriteBatch
from storage.checkpoints import SAFETY_NET_PAGES, Checkpointer
from storage.private_files import FILE_MODE, create_private, private_dir
from storage.repositories import Store

DB_FILENAME = "kerjasosial.sqlite3"
BUSY_TIMEOUT_MS = 5000
_MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """``(version, name, sql)`` for every migration shipped with the package, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_RE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise RuntimeError(f"migration {name} is out of sequence (expected {expected:04d})")
    return found


async def _fill_ledger_days(store: Store) -> None:
    await store.ledger_days.rebuild()


# Migrations whose new tables are filled from existing data, in Python, by version.
_DATA_STEPS: dict[int, Callable[[Store], Awaitable[None]]] = {8: _fill_ledger_days}


def latest_version() -> int:
    return len(migrations())


async def _connect(path: Path) -> connection.OneTripConnection:
    conn = await connection.connect(path)
    conn.row_factory = aiosqlite.Row
    conn.busy_timeout_ms = BUSY_TIMEOUT_MS
    # On the connection's thread: turning a new file to WAL takes the lock, and may wait.
    await conn.executescript("PRAGMA journal_mode = WAL;")
    # Checkpoints run beside the loop (storage.checkpoints); this is only the safety net.
    await conn.execute(f"PRAGMA wal_autocheckpoint = {SAFETY_NET_PAGES}")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA synchronous = NORMAL")
    # Deleted personal data (a purged case) is overwritten, not left in free pages.
    await conn.execute("PRAGMA secure_delete = ON")
    return conn


async def _roll_back(conn: aiosqlite.Connection) -> None:
    """Undo a transaction whose BEGIN was sent, whatever became of it.

    aiosqlite runs statements in its own thread: a cancelled ``await`` does not stop one,
    and the connection could be left inside a transaction that nobody holds the lock for.
    The ROLLBACK is queued behind it while the write lock is still held, so it is the next
    statement the connection runs. When the BEGIN itself failed, or SQLite rolled back
    already (SQLITE_FULL), there is nothing to undo, and the caller's error is the one
    that counts.
    """
    with contextlib.suppress(sqlite3.Error):
        await conn.execute("ROLLBACK")


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: connection.OneTripConnection | None = None
        self._reader: connection.OneTripConnection | None = None
        self._write_lock = asyncio.Lock()
        self._checkpoints = Checkpointer(path, BUSY_TIMEOUT_MS, self._write_lock)
        # Repositories hold nothing but their connection: one bundle per connection will do.
        self._stores: dict[str, Store] = {}
        #: Told ``(seconds waited for the writer, seconds held)`` after every transaction, in
        #: the transaction's task; for benchmarks (bench/import_writer.py). None: not timed.
        self.on_transaction: Callable[[float, float], None] | None = None
        #: Small writes that share a transaction (``storage.batch``).
        self.batch = WriteBatch(self.transaction)

    @classmethod
    async def open(cls, path: Path, *, migrate: bool = True) -> "Database":
        db = cls(path)
        private_dir(path.parent)
        if not path.exists():
            # Owner-only before SQLite writes a byte; its -wal and -shm take the same mode.
            create_private(path)
        db._writer = await _connect(path)
        _restrict(path)
        if migrate:
            await db.migrate()
        _restrict(path)
        db._reader = await _connect(path)
        return db

    async def close(self) -> None:
        if self._writer is not None:
            await self.batch.flush()  # what was left for later, whoever forgot to flush
        await self._checkpoints.close()
        for conn in (self._reader, self._writer):
            if conn is not None:
                await conn.close()
        self._reader = self._writer = None

    async def schema_version(self) -> int:
        async with self._conn("writer").execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> list[str]:
        """Apply every migration newer than the database; returns the names applied."""
        applied = []
        async with self._write_lock:
            current = await self.schema_version()
            for version, name, sql in migrations():
                if version <= current:
                    continue
                conn = self._conn("writer")
                # executescript commits first, so the script opens its own transaction, and
                # the data step and the version bump land in it too: all or nothing.
                await conn.executescript(f"BEGIN IMMEDIATE;\n{sql}")
                try:
                    step = _DATA_STEPS.get(version)
                    if step is not None:
                        await step(Store(conn))
                    await conn.execute(f"PRAGMA user_version = {version}")
                except BaseException:
                    await conn.execute("ROLLBACK")
                    raise
                await conn.execute("COMMIT")
                applied.append(name)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Store]:
        """A unit of work: every write inside commits together or rolls back together.

        A failed COMMIT (a full disk) is rolled back too, so the connection is never left
        inside a transaction; SQLite has sometimes rolled back already (SQLITE_FULL), and
        then the original error is the one raised, not "no transaction is active".
        """
        conn = self._conn("writer")
        asked = time.perf_counter()
        async with self._write_lock:
            taken = time.perf_counter()
            # BEGIN IMMEDIATE goes with the first statement; a transaction that ran none has
            # nothing to commit or roll back.
            conn.begin_with_next()
            try:
                yield self._store("writer")
                if not conn.drop_pending_begin():
                    await conn.execute("COMMIT")
                    self._checkpoints.committed()
            except BaseException:
                if not conn.drop_pending_begin():
                    await _roll_back(conn)
                raise
            finally:
                if self.on_transaction is not None:
                    self.on_transaction(taken - asked, time.perf_counter() - taken)
        # Statements run on the loop's thread and never wait: without this, a job writing
        # transaction after transaction (an import, a purge) would hold the loop, and the
        # writer, until its very last one. Whoever waits for either goes first now.
        await asyncio.sleep(0)

    async def check_writable(self) -> None:
        """Take the write lock and let go: raises ``sqlite3.OperationalError`` ("database is
        locked") if another program holds it past the busy timeout. For a caller about to do
        something it cannot undo, such as sending a message it must then mark as sent.

        Nothing runs between the two statements (``OneTripConnection.take_and_release_lock``).
        """
        conn = self._conn("writer")
        async with self._write_lock:
            try:
                await conn.take_and_release_lock()
            finally:
                if conn.in_transaction:
                    await conn.execute("ROLLBACK")

    def reader(self) -> Store:
        """Repositories over the read connection: committed data only, never writes."""
        return self._store("reader")

    def _store(self, which: str) -> Store:
        conn = self._conn(which)
        store = self._stores.get(which)
        if store is None or store.conn is not conn:
            store = self._stores[which] = Store(conn)
        return store

    def _conn(self, which: str) -> connection.OneTripConnection:
        conn = self._writer if which == "writer" else self._reader
        if conn is None:
            raise RuntimeError("the database is not open")
        return conn


def _restrict(path: Path) -> None:
    """Owner-only permissions: the database holds criminal-case data (UU PDP)."""
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if candidate.exists():
            candidate.chmod(FILE_MODE)
