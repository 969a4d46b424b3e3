"""The write-ahead log is copied back into the database beside the loop, not inside a commit
on the loop's thread, and stays small however many commits come."""

import asyncio
from datetime import datetime

from storage.checkpoints import EVERY_COMMITS, SAFETY_NET_PAGES
from storage.db import Database


async def test_a_thousand_commits_are_checkpointed_on_their_own_connection(
    db: Database, now: datetime
) -> None:
    writer = db._conn("writer")
    async with writer.execute("PRAGMA wal_autocheckpoint") as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] == SAFETY_NET_PAGES  # a commit never checkpoints itself
    wal = db.path.with_name(db.path.name + "-wal")
    for update_id in range(1, 1001):
        async with db.transaction() as store:
            await store.updates.mark(update_id, now)
            await store.audit.append(action="test.commit", now=now)
        if update_id % EVERY_COMMITS == 0 and db._checkpoints._task is not None:
            # However slow the machine, each checkpoint ends before the next hundred.
            await db._checkpoints._task
    assert db._checkpoints.done == 1000 // EVERY_COMMITS
    # The log is begun afresh after each: it holds a hundred commits at most, some 2 MB.
    # Left to the writer's safety net it would hold all thousand, 13 MB and more.
    assert wal.stat().st_size < 6 * 1024 * 1024
    assert all([await db.reader().updates.seen(n) for n in (1, 500, 1000)])
    _, broken = await db.reader().audit.verify()
    assert broken == []


async def test_commits_while_the_database_closes_start_no_checkpoint(
    db: Database, now: datetime
) -> None:
    """A commit that lands while ``close`` waits for the checkpoint must not start another:
    its connection would outlive the database, and its thread keep the process alive."""
    for update_id in range(1, EVERY_COMMITS):
        async with db.transaction() as store:
            await store.updates.mark(update_id, now)
    closing = asyncio.create_task(db._checkpoints.close())
    await asyncio.sleep(0)
    async with db.transaction() as store:  # the 100th commit, after close began
        await store.updates.mark(EVERY_COMMITS, now)
    await closing
    assert db._checkpoints._task is None and db._checkpoints._conn is None
