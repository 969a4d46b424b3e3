"""WAL checkpoints on a thread of their own, never inside a commit on the event loop's thread.

SQLite copies the write-ahead log back into the database file (a checkpoint) inside the
commit that finds the log past ``wal_autocheckpoint`` pages. Since statements run on the
loop's thread (:mod:`storage.connection`), that stopped the whole bot for the copy and two
fsyncs: a few milliseconds, every hundred commits or so, 0.55 s of stalls in bench/inbound.py.
So the writer's own threshold is only a safety net, and every ``EVERY_COMMITS`` commits a
checkpoint runs on a connection of its own, on aiosqlite's thread, while the loop goes on.
It holds the database's write lock meanwhile: a checkpoint racing new commits never gets to
the end of the log, and SQLite starts the log afresh only after one that did; so writers
wait those milliseconds in turn, as they wait for each other, and everything else goes on.
"""

import asyncio
import logging
import sqlite3
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

#: Commits between two checkpoints: a commit of a use case adds a few pages to the log, so
#: this keeps it near SQLite's default of 1,000 pages.
EVERY_COMMITS = 100
#: The writer's own ``wal_autocheckpoint``, in pages: only reached if these checkpoints fail.
SAFETY_NET_PAGES = 10_000


class Checkpointer:
    def __init__(self, path: Path, busy_timeout_ms: int, write_lock: asyncio.Lock) -> None:
        self._path = path
        self._write_lock = write_lock
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: aiosqlite.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._commits = 0
        self._closed = False
        #: Checkpoints run to the end, for tests and benchmarks.
        self.done = 0

    def committed(self) -> None:
        """Count a commit; start a checkpoint every ``EVERY_COMMITS``, unless one is running
        or the database is closing (its connection would outlive it, and keep the process
        from exiting)."""
        self._commits += 1
        if self._closed or self._commits < EVERY_COMMITS:
            return
        if self._task is not None and not self._task.done():
            return
        self._commits = 0
        self._task = asyncio.get_running_loop().create_task(self._checkpoint())

    async def _checkpoint(self) -> None:
        try:
            if self._conn is None:
                self._conn = await aiosqlite.connect(self._path, isolation_level=None)
                await self._conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms}")
            async with self._write_lock:
                await self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self.done += 1
        except sqlite3.Error as exc:
            # Nothing is lost: the log keeps the commits, and the next checkpoint (or the
            # writer's safety net) copies them.
            log.warning("WAL checkpoint not done: %s", exc)

    async def close(self) -> None:
        self._closed = True
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
