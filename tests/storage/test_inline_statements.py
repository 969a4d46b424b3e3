"""Statements run on the event loop's thread; only opening a transaction, which may wait for
another program's lock, goes to the connection's thread, so a locked database holds up the
one transaction and not the bot."""

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest

from storage.db import Database


@contextmanager
def another_program_writing(db: Database) -> Iterator[sqlite3.Connection]:
    """The write lock held by another connection, as a second process would hold it."""
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


async def test_while_another_program_holds_the_lock_the_bot_keeps_reading(
    db: Database, now: datetime
) -> None:
    async def write() -> None:
        async with db.transaction() as store:
            await store.updates.mark(1, now)

    with another_program_writing(db):
        writing = asyncio.create_task(write())
        ticks = 0
        for _ in range(10):  # the loop runs on while the transaction waits for the lock
            await asyncio.sleep(0.01)
            ticks += 1
            assert not await db.reader().updates.seen(1)
        assert ticks == 10 and not writing.done()
    await asyncio.wait_for(writing, 5)
    assert await db.reader().updates.seen(1)


async def test_a_transaction_given_up_while_waiting_for_the_lock_leaves_nothing_open(
    db: Database, now: datetime
) -> None:
    """The cancelled BEGIN still runs on the connection's thread once the lock is free; what
    comes next (the rollback, the next transaction) must queue behind it, not beside it."""

    async def write(update_id: int) -> None:
        async with db.transaction() as store:
            await store.updates.mark(update_id, now)

    with another_program_writing(db):
        waiting = asyncio.create_task(write(2))
        await asyncio.sleep(0.05)
        waiting.cancel()
        for _ in range(10):  # the loop runs on; the rollback waits behind the BEGIN
            await asyncio.sleep(0.01)
        assert not waiting.done()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(waiting, 5)
    await asyncio.wait_for(write(3), 5)
    assert not db._conn("writer").in_transaction
    assert not await db.reader().updates.seen(2)
    assert await db.reader().updates.seen(3)


async def test_with_the_lock_free_a_transaction_never_leaves_the_loops_thread(
    db: Database, now: datetime
) -> None:
    """The bot is the database's only writer: its ``BEGIN`` takes the free lock at once, here,
    and only a lock held by another program sends it to wait on the connection's thread."""
    writer = db._conn("writer")
    trips = writer._sent_to_thread
    async with db.transaction() as store:
        await store.updates.mark(4, now)
    await db.check_writable()
    assert writer._sent_to_thread == trips
    assert await db.reader().updates.seen(4)
    with another_program_writing(db) as other:
        writing = asyncio.create_task(db.check_writable())
        await asyncio.sleep(0.05)
        assert not writing.done()  # waiting on the connection's thread, not refused
        other.execute("ROLLBACK")
    await asyncio.wait_for(writing, 5)
    assert writer._sent_to_thread == trips + 1
    assert not writer.in_transaction
