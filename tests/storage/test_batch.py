"""The small writes that end an update share one transaction, and none is lost unheard."""

import asyncio
from datetime import datetime

import pytest

from storage.db import Database
from storage.repositories import Store


class Boom(Exception):
    pass


def _mark(update_id: int, now: datetime):  # type: ignore[no-untyped-def]
    async def write(store: Store) -> None:
        await store.updates.mark(update_id, now)

    return write


async def _seen(db: Database, *update_ids: int) -> list[int]:
    return [u for u in update_ids if await db.reader().updates.seen(u)]


async def test_writes_asked_for_at_once_and_those_left_for_later_commit_together(
    db: Database, now: datetime
) -> None:
    held: list[float] = []
    db.on_transaction = lambda waited, hold: held.append(hold)
    failures: list[BaseException] = []
    db.batch.later(_mark(1, now), failures.append)
    db.batch.later(_mark(2, now), failures.append)
    assert await _seen(db, 1, 2) == []  # nothing written until someone writes or flushes
    await asyncio.gather(db.batch.write(_mark(3, now)), db.batch.write(_mark(4, now)))
    assert len(held) == 1
    assert await _seen(db, 1, 2, 3, 4) == [1, 2, 3, 4]
    await db.batch.flush()  # nothing left: no transaction of its own
    assert len(held) == 1
    assert failures == []


async def test_flush_commits_what_was_left_for_later(db: Database, now: datetime) -> None:
    db.batch.later(_mark(1, now), lambda exc: None)
    await db.batch.flush()
    assert await _seen(db, 1) == [1]


async def test_flush_waits_for_the_transaction_that_took_its_writes(
    db: Database, now: datetime
) -> None:
    """Left for later, then taken by someone else's write, which waits for the write lock:
    flush returns only once that transaction has committed."""
    release = asyncio.Event()

    async def hold_the_lock() -> None:
        async with db.transaction() as store:
            await store.updates.mark(9, now)
            await release.wait()

    holder = asyncio.ensure_future(hold_the_lock())
    await asyncio.sleep(0)
    db.batch.later(_mark(1, now), lambda exc: None)
    other = asyncio.ensure_future(db.batch.write(_mark(2, now)))
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # its transaction has begun, with mark 1, and waits for the lock
    flushed = asyncio.ensure_future(db.batch.flush())
    await asyncio.sleep(0.05)
    assert not flushed.done()
    release.set()
    await flushed
    assert await _seen(db, 1, 2, 9) == [1, 2, 9]
    await asyncio.gather(holder, other)


async def test_a_failed_transaction_is_raised_to_its_writers_and_told_to_the_later_ones(
    db: Database, now: datetime
) -> None:
    failures: list[BaseException] = []
    db.batch.later(_mark(1, now), failures.append)

    async def boom(store: Store) -> None:
        await store.updates.mark(2, now)
        raise Boom

    with pytest.raises(Boom):
        await db.batch.write(boom)
    assert [type(f) for f in failures] == [Boom]
    assert await _seen(db, 1, 2) == []  # all or nothing
    await db.batch.write(_mark(3, now))  # the next one works
    assert await _seen(db, 1, 2, 3) == [3]


async def test_a_failed_flush_raises_nothing_and_tells_the_later_writes(
    db: Database, now: datetime
) -> None:
    failures: list[BaseException] = []

    async def boom(store: Store) -> None:
        raise Boom

    db.batch.later(boom, failures.append)
    await db.batch.flush()
    assert [type(f) for f in failures] == [Boom]


async def test_a_use_case_transaction_never_takes_the_later_writes_along(
    db: Database, now: datetime
) -> None:
    """Its rollback (a refusal, a duplicate update) must not undo them."""
    db.batch.later(_mark(1, now), lambda exc: None)
    with pytest.raises(Boom):
        async with db.transaction() as store:
            await store.updates.mark(2, now)
            raise Boom
    await db.batch.flush()
    assert await _seen(db, 1, 2) == [1]


async def test_closing_the_database_commits_what_was_left_for_later(
    db: Database, now: datetime
) -> None:
    db.batch.later(_mark(1, now), lambda exc: None)
    await db.close()
    reopened = await Database.open(db.path)
    try:
        assert await _seen(reopened, 1) == [1]
    finally:
        await reopened.close()
