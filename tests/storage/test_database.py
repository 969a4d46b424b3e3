"""Real SQLite on disk: migrations, transactions, constraints, permissions."""

import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.roles import AgencyType, Role
from storage.db import Database, latest_version
from storage.repositories import Store

NOW = datetime(2026, 1, 10, 1, 0, tzinfo=UTC)


async def test_a_new_database_is_at_the_latest_schema(db: Database) -> None:
    assert await db.schema_version() == latest_version() >= 1
    assert await db.migrate() == []  # running it again changes nothing


async def test_pragmas_protect_the_data(db: Database) -> None:
    async with db.reader().conn.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    async with db.reader().conn.execute("PRAGMA foreign_keys") as cur:
        assert (await cur.fetchone())[0] == 1


async def test_the_database_file_is_owner_only(db: Database) -> None:
    mode = stat.S_IMODE(db.path.stat().st_mode)
    assert mode & 0o077 == 0


async def test_a_failed_use_case_leaves_nothing_behind(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as store:
            await store.agencies.add(
                type=AgencyType.KEJARI,
                name="Kejari Samarinda",
                parent_id=None,
                timezone="Asia/Makassar",
                created_by=None,
                now=NOW,
            )
            raise RuntimeError("crash in the middle")
    assert await db.reader().agencies.all() == []


async def test_agency_names_are_unique_regardless_of_case(db: Database) -> None:
    async with db.transaction() as store:
        await store.agencies.add(
            type=AgencyType.KEJARI,
            name="Kejari Samarinda",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=NOW,
        )
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as store:
            await store.agencies.add(
                type=AgencyType.KEJARI,
                name="KEJARI SAMARINDA",
                parent_id=None,
                timezone="Asia/Makassar",
                created_by=None,
                now=NOW,
            )


async def _person_in_agency(db: Database) -> tuple[int, int]:
    async with db.transaction() as store:
        agency = await store.agencies.add(
            type=AgencyType.KEJARI,
            name="Kejari Balikpapan",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=NOW,
        )
        person = await store.people.ensure(
            telegram_user_id=555, full_name="Siti Aminah", language_code="id", now=NOW
        )
    return agency.id, person.id


async def test_a_role_is_held_once_and_revoking_keeps_history(db: Database) -> None:
    agency_id, person_id = await _person_in_agency(db)
    async with db.transaction() as store:
        first = await store.people.add_membership(
            person_id=person_id, agency_id=agency_id, role=Role.PK, invitation_id=None, now=NOW
        )
        again = await store.people.add_membership(
            person_id=person_id, agency_id=agency_id, role=Role.PK, invitation_id=None, now=NOW
        )
    assert first is not None and again is None
    async with db.transaction() as store:
        assert await store.people.revoke(first.id, by=None, now=NOW)
        assert not await store.people.revoke(first.id, by=None, now=NOW)
    reader = db.reader()
    assert await reader.people.memberships_of(person_id) == []
    history = await reader.people.memberships_of(person_id, active_only=False)
    assert len(history) == 1 and history[0].revoked_at == NOW
    # After a revocation the role can be granted again.
    async with db.transaction() as store:
        assert await store.people.add_membership(
            person_id=person_id, agency_id=agency_id, role=Role.PK, invitation_id=None, now=NOW
        )


async def test_an_invitation_is_claimed_once(db: Database) -> None:
    agency_id, person_id = await _person_in_agency(db)
    async with db.transaction() as store:
        invitation = await store.invitations.add(
            token_hash="h" * 64,
            role=Role.PENGAWAS,
            agency_id=agency_id,
            created_by=person_id,
            now=NOW,
            expires_at=NOW + timedelta(days=7),
        )
        assert await store.invitations.mark_used(invitation.id, by=person_id, now=NOW)
        assert not await store.invitations.mark_used(invitation.id, by=person_id, now=NOW)
    stored = await db.reader().invitations.by_token_hash("h" * 64)
    assert stored is not None and stored.used_by == person_id


async def test_people_pages_are_scoped_to_agencies(db: Database) -> None:
    agency_id, person_id = await _person_in_agency(db)
    async with db.transaction() as store:
        await store.people.add_membership(
            person_id=person_id, agency_id=agency_id, role=Role.PK, invitation_id=None, now=NOW
        )
    people = db.reader().people
    assert await people.count_with_active_membership(None) == 1
    assert await people.count_with_active_membership({agency_id}) == 1
    assert await people.count_with_active_membership({agency_id + 1}) == 0
    assert await people.count_with_active_membership(set()) == 0
    page = await people.page_with_active_membership({agency_id}, offset=0, limit=8)
    assert [p.id for p in page] == [person_id]


async def test_processed_updates_are_claimed_once(db: Database) -> None:
    async with db.transaction() as store:
        assert await store.updates.mark(41, NOW)
        assert not await store.updates.mark(41, NOW)
    assert await db.reader().updates.seen(41)
    assert not await db.reader().updates.seen(42)


async def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    first = await Database.open(path)
    async with first.transaction() as store:
        await store.updates.mark(7, NOW)
    await first.close()
    second = await Database.open(path)
    assert await second.reader().updates.seen(7)
    await second.close()


async def test_pruning_forgets_only_what_can_no_longer_matter(db: Database) -> None:
    from scheduler.maintenance import prune

    async with db.transaction() as store:
        await store.updates.mark(1, NOW - timedelta(days=3))
        await store.updates.mark(2, NOW - timedelta(hours=1))
        await store.redemption_failures.add(77, NOW - timedelta(days=2))
        await store.redemption_failures.add(77, NOW - timedelta(minutes=1))
    assert await prune(db, NOW) == (1, 1)
    assert not await db.reader().updates.seen(1)
    assert await db.reader().updates.seen(2)
    recent = await db.reader().redemption_failures.since(77, timedelta(days=30), NOW)
    assert recent == [NOW - timedelta(minutes=1)]


async def _agency(store: Store, name: str) -> None:
    await store.agencies.add(
        type=AgencyType.KEJARI,
        name=name,
        parent_id=None,
        timezone="Asia/Makassar",
        created_by=None,
        now=NOW,
    )


async def test_a_full_disk_fails_the_use_case_whole_and_then_recovers(db: Database) -> None:
    async with db.transaction() as store:
        # SQLite's own "database or disk is full": the file may not grow by another page.
        async with store.conn.execute("PRAGMA page_count") as cur:
            pages = (await cur.fetchone())[0]
        await store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError) as failure:
        async with db.transaction() as store:
            for i in range(300):
                await _agency(store, f"Kejari {i:03d} " + "x" * 200)
    assert failure.value.sqlite_errorcode == sqlite3.SQLITE_FULL  # not masked by the rollback
    assert await db.reader().agencies.all() == []
    async with db.transaction() as store:
        await store.conn.execute("PRAGMA max_page_count = 1073741823")  # space is back
        await _agency(store, "Kejari Samarinda")
    assert [a.name for a in await db.reader().agencies.all()] == ["Kejari Samarinda"]
    async with db.reader().conn.execute("PRAGMA integrity_check") as cur:
        assert (await cur.fetchone())[0] == "ok"


async def test_a_failed_commit_leaves_nothing_and_the_next_use_case_works(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as store:
            # A deferred check fails at COMMIT, which leaves SQLite inside the transaction.
            await store.conn.execute("PRAGMA defer_foreign_keys = ON")
            await _agency(store, "Kejari Anak")
            await store.conn.execute("UPDATE agencies SET parent_id = 999")
    async with db.transaction() as store:
        await _agency(store, "Kejari Samarinda")
    assert [a.name for a in await db.reader().agencies.all()] == ["Kejari Samarinda"]
