"""A transaction opens with its first statement, in the same trip; claims, the actor read in
one query and the conversation's writes sharing one transaction keep what they promised."""

import asyncio
import sqlite3
from datetime import datetime

import pytest

from bot.persistence import SqlitePersistence
from domain.actor import Actor
from domain.roles import Role
from services.origin import Origin
from services.updates import ClaimedUpdates
from storage.db import Database


class Boom(Exception):
    pass


async def test_a_failed_transaction_leaves_nothing_and_the_next_one_works(
    db: Database, now: datetime
) -> None:
    with pytest.raises(Boom):
        async with db.transaction() as store:
            await store.updates.mark(1, now)
            raise Boom
    assert not db._conn("writer").in_transaction
    async with db.transaction() as store:
        await store.updates.mark(2, now)
    assert not await db.reader().updates.seen(1)
    assert await db.reader().updates.seen(2)


async def test_a_first_statement_that_fails_is_rolled_back(db: Database, now: datetime) -> None:
    with pytest.raises(sqlite3.OperationalError):
        async with db.transaction() as store:
            await store.conn.execute("INSERT INTO no_such_table VALUES (1)")
    assert not db._conn("writer").in_transaction
    async with db.transaction() as store:
        await store.updates.mark(3, now)
    assert await db.reader().updates.seen(3)


async def test_an_empty_transaction_sends_nothing(db: Database) -> None:
    async with db.transaction():
        pass
    assert not db._conn("writer").in_transaction
    await db.check_writable()
    assert not db._conn("writer").in_transaction


async def test_a_transaction_cancelled_mid_statement_is_rolled_back(
    db: Database, now: datetime
) -> None:
    async def write() -> None:
        async with db.transaction() as store:
            await store.updates.mark(4, now)
            await asyncio.sleep(10)

    task = asyncio.create_task(write())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with db.transaction() as store:
        await store.updates.mark(5, now)
    assert not await db.reader().updates.seen(4)
    assert await db.reader().updates.seen(5)


async def test_an_update_counts_as_claimed_only_once_committed(db: Database, now: datetime) -> None:
    claimed = ClaimedUpdates()
    origin = Origin(db, Actor(99), now, update_id=70, on_claimed=claimed.add)
    with pytest.raises(Boom):
        async with origin.transaction():
            raise Boom
    assert not claimed.pop(70)
    assert not await db.reader().updates.seen(70)
    async with origin.transaction():
        pass
    assert await db.reader().updates.seen(70)
    assert claimed.pop(70)
    assert not claimed.pop(70)


async def test_the_actor_and_their_memberships_in_one_read(db: Database, now: datetime) -> None:
    assert await db.reader().people.with_memberships(5) == (None, [])
    async with db.transaction() as store:
        person = await store.people.ensure(
            telegram_user_id=5, full_name="Pengawas", language_code="id", now=now
        )
    assert await db.reader().people.with_memberships(5) == (person, [])
    async with db.transaction() as store:
        agency = await store.conn.execute(
            "INSERT INTO agencies (type, name, timezone, created_at)"
            " VALUES ('dinas', 'Dinas', 'Asia/Makassar', '2027-01-01T00:00:00+00:00')"
        )
        for role in (Role.PENGAWAS, Role.PK):
            await store.people.add_membership(
                person_id=person.id,
                agency_id=int(agency.lastrowid or 0),
                role=role,
                invitation_id=None,
                now=now,
            )
    found, memberships = await db.reader().people.with_memberships(5)
    assert found == person
    assert memberships == await db.reader().people.memberships_of(person.id)
    assert [m.role for m in memberships] == [Role.PENGAWAS, Role.PK]


async def test_a_draft_and_a_step_written_together_take_one_transaction(
    db: Database, now: datetime
) -> None:
    async def database() -> Database:
        return db

    persistence = SqlitePersistence(database, lambda: now)
    held: list[float] = []
    db.on_transaction = lambda waited, hold: held.append(hold)
    await asyncio.gather(
        persistence.update_user_data(7, {"form:check_in": {"case_id": 1}}),
        persistence.update_conversation("check_in", (7, 7), 0),
    )
    assert len(held) == 1
    assert await db.reader().conversations.states("check_in") == {"[7, 7]": 0}
    assert set(await db.reader().conversations.drafts()) == {7}
    await asyncio.gather(
        persistence.drop_user_data(7), persistence.update_conversation("check_in", (7, 7), None)
    )
    assert len(held) == 2
    assert await db.reader().conversations.states("check_in") == {}
    assert await db.reader().conversations.drafts() == {}
