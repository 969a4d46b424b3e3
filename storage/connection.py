"""An aiosqlite connection that brings a statement's rows back with the statement.

aiosqlite runs every call on the connection's own thread, and each call is a trip there and
back: the hand-over of the GIL both ways and a wake-up of the event loop. Executing, fetching
and closing a cursor are three trips; under load (fifty supervisors at once) those trips, not
SQLite, were a third of the bot's time. Repositories read small results (a row, one case's
events), so here the statement and all its rows make one trip, and fetching or closing the
cursor afterwards costs nothing.
"""

import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager


class FetchedCursor(aiosqlite.Cursor):
    """A cursor whose rows were all fetched on the connection's thread, with the statement."""

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
        """Closed already, on the connection's thread, once the rows were read."""


class OneTripConnection(aiosqlite.Connection):
    """Also opens a transaction with its first statement, in the same trip
    (:meth:`begin_with_next`): ``BEGIN IMMEDIATE`` alone would be one more trip per
    transaction, and every update runs a few."""

    _begin_pending = False

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
            return await super()._execute(self._begin_then, fn, *args, **kwargs)
        return await super()._execute(fn, *args, **kwargs)

    def _begin_then(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self._conn.execute("BEGIN IMMEDIATE")
        return fn(*args, **kwargs)

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
    """Like ``aiosqlite.connect(path, isolation_level=None)``, with one trip per statement."""
    connector: Callable[[], sqlite3.Connection] = lambda: sqlite3.connect(  # noqa: E731
        path, isolation_level=None
    )
    conn = OneTripConnection(connector, iter_chunk_size=64)
    await conn
    return conn
