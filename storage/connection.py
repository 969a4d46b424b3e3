"""An aiosqlite connection that runs its statements on the event loop's own thread.

aiosqlite runs every call on the connection's own thread, and each call is a trip there and
back: a queue, the hand-over of the GIL both ways and a wake-up of the event loop, about
45 µs of CPU, against 5 µs for the indexed lookups and small writes a use case is made of. At
twenty statements an update, the trips cost more than SQLite; under load, each also waited
for the GIL. So statements run here, on the caller's thread, with all their rows fetched.

Nothing waits on the loop's thread: there SQLite's busy timeout is 0, and a locked database
answers at once. Opening a transaction (``BEGIN IMMEDIATE``, sent with its first statement by
:meth:`OneTripConnection.begin_with_next`) is tried here too: this connection is the
process's only writer, so the lock is nearly always free. Only when another program holds it
(a backup, the sqlite3 shell) does the ``BEGIN`` go to the connection's thread, where SQLite
waits up to :attr:`OneTripConnection.busy_timeout_ms` and the event loop need not stop for
it; scripts go there as well. Inside ``BEGIN IMMEDIATE`` nothing waits:
in WAL mode the writer holds the lock, and readers never take it. Nothing uses the
connection from two threads at once: the writer is used under the database's write lock,
a statement sent to the thread is awaited before the next one runs, and if that await was
cancelled, what follows is queued behind it on the thread until it is done.
"""

import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager


class FetchedCursor(aiosqlite.Cursor):
    """A cursor whose rows were all fetched with the statement."""

    def __init__(
        self, conn: aiosqlite.Connection, cursor: sqlite3.Cursor, rows: list[sqlite3.Row]
    ) -> None:
        super().__init__(conn, cursor)
        self._rows = rows
        self._next = 0

    def __aiter__(self) -> AsyncIterator[sqlite3.Row]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[sqlite3.Row]:
        while (row := await self.fetchone()) is not None:
            yield row

    async def fetchone(self) -> sqlite3.Row | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchmany(self, size: int | None = None) -> Iterable[sqlite3.Row]:
        rows = self._rows[self._next : self._next + (size or self.arraysize)]
        self._next += len(rows)
        return rows

    async def fetchall(self) -> Iterable[sqlite3.Row]:
        rows = self._rows[self._next :]
        self._next = len(self._rows)
        return rows

    async def close(self) -> None:
        """Closed already, once the rows were read."""


class OneTripConnection(aiosqlite.Connection):
    """Runs statements inline; opens a transaction with its first statement, on the
    connection's thread (:meth:`begin_with_next`), where waiting for the lock is harmless."""

    #: How long a call on the connection's thread waits for another program's lock.
    busy_timeout_ms = 5000
    _begin_pending = False
    _sent_to_thread = 0
    _done_in_thread = 0

    def begin_with_next(self) -> None:
        """Run ``BEGIN IMMEDIATE`` on the connection's thread just before the next call."""
        self._begin_pending = True

    def drop_pending_begin(self) -> bool:
        """Cancel a :meth:`begin_with_next` not yet sent; False if it was sent already."""
        pending, self._begin_pending = self._begin_pending, False
        return pending

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._begin_pending:
            self._begin_pending = False
            if not self._begun_here():
                return await self._in_thread(self._begin_then, fn, *args, **kwargs)
        elif self._sent_to_thread != self._done_in_thread:
            # A call whose await was cancelled is still running there: queue behind it.
            return await self._in_thread(fn, *args, **kwargs)
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    def _begun_here(self) -> bool:
        """``BEGIN IMMEDIATE`` on this thread, now, if nothing is queued on the connection's
        thread and the write lock is free; False if it must go there (and wait) instead."""
        if self._sent_to_thread != self._done_in_thread or not (self._running and self._connection):
            return False
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
            return False
        return True

    async def take_and_release_lock(self) -> None:
        """Take the write lock and let go; raises ``sqlite3.OperationalError`` ("database is
        locked") if another program holds it past the busy timeout. Here when it is free, on
        the connection's thread, in one trip, when it must be waited for."""
        if self._begun_here():
            self._conn.execute("COMMIT")
            return
        await self._in_thread(self._conn.executescript, "BEGIN IMMEDIATE; COMMIT;")

    async def _in_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        self._sent_to_thread += 1  # counted here, on the loop's thread only
        return await super()._execute(self._counted, fn, *args, **kwargs)

    def _counted(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """On the connection's thread: ``fn``, allowed to wait for the lock meanwhile."""
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            try:
                return fn(*args, **kwargs)
            finally:
                self._conn.execute("PRAGMA busy_timeout = 0")
        finally:
            self._done_in_thread += 1  # counted here, on the connection's thread only

    def _begin_then(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self._conn.execute("BEGIN IMMEDIATE")
        return fn(*args, **kwargs)

    @contextmanager
    async def executescript(self, sql_script: str) -> aiosqlite.Cursor:
        """On the connection's thread: a script may begin a transaction, and so wait."""
        cursor = await self._in_thread(self._conn.executescript, sql_script)
        return aiosqlite.Cursor(self, cursor)

    @contextmanager
    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> aiosqlite.Cursor:
        cursor, rows = await self._execute(self._execute_and_fetch, sql, parameters or [])
        return FetchedCursor(self, cursor, rows)

    def _execute_and_fetch(
        self, sql: str, parameters: Iterable[Any]
    ) -> tuple[sqlite3.Cursor, list[sqlite3.Row]]:
        cursor = self._conn.execute(sql, parameters)  # type: ignore[arg-type]
        rows = cursor.fetchall()
        cursor.close()
        return cursor, rows


async def connect(path: Path) -> OneTripConnection:
    """Like ``aiosqlite.connect(path, isolation_level=None)``, with statements run inline,
    never waiting for a lock there (``timeout=0``)."""
    # Opened on the connection's thread, used mostly on the event loop's, never on both at once.
    connector: Callable[[], sqlite3.Connection] = lambda: sqlite3.connect(  # noqa: E731
        path, isolation_level=None, check_same_thread=False, timeout=0
    )
    conn = OneTripConnection(connector, iter_chunk_size=64)
    await conn
    return conn
