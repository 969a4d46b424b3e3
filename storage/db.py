"""The SQLite database: connections, pragmas, migrations and transactions.

One writer connection, serialised by a lock, runs every change inside ``BEGIN IMMEDIATE``
so a use case either happens whole or not at all. A second connection serves reads; WAL
lets it read the last committed state while a write is under way.
"""

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from storage import connection
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


def latest_version() -> int:
    return len(migrations())


async def _connect(path: Path) -> aiosqlite.Connection:
    conn = await connection.connect(path)
    conn.row_factory = aiosqlite.Row
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA synchronous = NORMAL")
    # Deleted personal data (a purged case) is overwritten, not left in free pages.
    await conn.execute("PRAGMA secure_delete = ON")
    return conn


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        # Repositories hold nothing but their connection: one bundle per connection will do.
        self._stores: dict[str, Store] = {}

    @classmethod
    async def open(cls, path: Path, *, migrate: bool = True) -> "Database":
        db = cls(path)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        db._writer = await _connect(path)
        _restrict(path)
        if migrate:
            await db.migrate()
        _restrict(path)
        db._reader = await _connect(path)
        return db

    async def close(self) -> None:
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
                # executescript commits first, so the whole script is one explicit transaction.
                await self._conn("writer").executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
                )
                applied.append(name)
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Store]:
        """A unit of work: every write inside commits together or rolls back together."""
        conn = self._conn("writer")
        async with self._write_lock:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._store("writer")
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            else:
                await conn.execute("COMMIT")

    def reader(self) -> Store:
        """Repositories over the read connection: committed data only, never writes."""
        return self._store("reader")

    def _store(self, which: str) -> Store:
        conn = self._conn(which)
        store = self._stores.get(which)
        if store is None or store.conn is not conn:
            store = self._stores[which] = Store(conn)
        return store

    def _conn(self, which: str) -> aiosqlite.Connection:
        conn = self._writer if which == "writer" else self._reader
        if conn is None:
            raise RuntimeError("the database is not open")
        return conn


def _restrict(path: Path) -> None:
    """Owner-only permissions: the database holds criminal-case data (UU PDP)."""
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if candidate.exists():
            candidate.chmod(0o600)
