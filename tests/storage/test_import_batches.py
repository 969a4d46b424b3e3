"""An import written a chunk at a time stays all or nothing: batches cut short are taken back."""

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from domain.actor import Actor
from services import importing
from storage.db import Database
from tests.seeds import seed_office
from tests.sheets import case, site, xlsx


class _Crash(Exception):
    """The process dying mid-import, as far as the import can tell."""


def _file() -> bytes:
    return xlsx(
        {
            "Lokasi": [site(), site(nama_lokasi="Masjid Islamic Center")],
            "Kasus": [
                case(),
                case(nomor_putusan="13/Pid.B/2026/PN Smr", lokasi="Masjid Islamic Center"),
                case(nomor_putusan="14/Pid.B/2026/PN Smr"),
            ],
        }
    )


def _audit(now: datetime) -> dict[str, Any]:
    return {"now": now, "actor_telegram_id": 555, "actor_person_id": None, "update_id": None}


async def _import(db: Database, importer: Actor, now: datetime) -> importing.ImportReport:
    parsed = await importing.parse(_file(), "kasus.xlsx", today=now.date())
    return await importing.import_in_chunks(
        db,
        parsed,
        importer=importer,
        now=now,
        invitation_validity=timedelta(days=7),
        audit=_audit(now),
        chunk_size=1,
    )


async def _cut_short(
    db: Database, importer: Actor, now: datetime, monkeypatch: pytest.MonkeyPatch, *, cases: int
) -> None:
    """An import that dies after writing ``cases`` cases, before anything can take it back."""
    real_create = importing.create_case
    written = 0

    async def create_case(*args: Any, **kwargs: Any) -> Any:
        nonlocal written
        if written == cases:
            raise _Crash()
        written += 1
        return await real_create(*args, **kwargs)

    async def dead(*args: Any, **kwargs: Any) -> None:
        return None

    with monkeypatch.context() as patch:
        patch.setattr(importing, "create_case", create_case)
        patch.setattr(importing, "_undo", dead)
        with pytest.raises(_Crash):
            await _import(db, importer, now)


async def _count(db: Database, sql: str) -> int:
    async with db.reader().conn.execute(sql) as cur:
        row = await cur.fetchone()
    return int(row[0])


async def _states(db: Database) -> list[str]:
    async with db.reader().conn.execute("SELECT state FROM import_batches ORDER BY id") as cur:
        return [r[0] for r in await cur.fetchall()]


async def test_every_row_of_an_import_carries_its_batch(db: Database, now: datetime) -> None:
    importer = await seed_office(db, now)
    report = await _import(db, importer, now)
    assert (report.sites_added, report.cases_added) == (2, 3)
    assert await _states(db) == ["done"]
    assert await _count(db, "SELECT COUNT(*) FROM cases WHERE import_batch_id = 1") == 3
    assert await _count(db, "SELECT COUNT(*) FROM sites WHERE import_batch_id = 1") == 2
    again = await _import(db, importer, now)
    assert (again.sites_existing, again.cases_existing, again.cases_added) == (2, 3, 0)


async def test_a_batch_a_dead_process_left_is_taken_back_whole(
    db: Database, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer = await seed_office(db, now)
    await _cut_short(db, importer, now, monkeypatch, cases=2)
    # Half written, as the crash left it.
    assert await _states(db) == ["running"]
    assert await _count(db, "SELECT COUNT(*) FROM cases") == 2
    async with db.reader().conn.execute("SELECT id, starts_at FROM sessions LIMIT 1") as cur:
        session = list(await cur.fetchone())
    async with db.transaction() as tx:  # the planner saw its sessions meanwhile
        for key, about in (("about-it", [session]), ("other", [[session[0] + 10_000, "x"]])):
            payload = {"text": "Besok", "about": about}
            await tx.outbox.add(
                dedupe_key=key, chat_id=1, kind="remind", payload=payload, due_at=now, now=now
            )

    assert await importing.undo_abandoned(db, now) == 1
    async with db.reader().conn.execute("SELECT dedupe_key, status FROM outbox") as cur:
        assert dict(await cur.fetchall()) == {"about-it": "skipped", "other": "pending"}
    for table in ("cases", "sessions", "sites"):
        assert await _count(db, f"SELECT COUNT(*) FROM {table}") == 0, table
    assert await _states(db) == ["undone"]
    async with db.reader().conn.execute(
        "SELECT detail, actor_telegram_id FROM audit_log WHERE action = 'import.undone'"
    ) as cur:
        [(detail, actor)] = await cur.fetchall()
    assert json.loads(detail) == {"batch": 1, "cases": 2, "sites": 2, "kept": []}
    assert actor is None  # the console's doing, not the importer's
    assert (await db.reader().audit.verify())[1] == []
    assert await importing.undo_abandoned(db, now) == 0


async def test_the_next_import_takes_the_abandoned_batch_back_first(
    db: Database, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer = await seed_office(db, now)
    await _cut_short(db, importer, now, monkeypatch, cases=2)
    # The same file again (Telegram delivers the update again after the crash): its cases
    # are new, not "already there", because the half batch went first.
    report = await _import(db, importer, now)
    assert (report.sites_added, report.cases_added, report.cases_existing) == (2, 3, 0)
    assert await _states(db) == ["undone", "done"]
    assert await _count(db, "SELECT COUNT(*) FROM cases WHERE import_batch_id = 2") == 3


async def test_nothing_is_taken_back_while_an_import_runs(
    db: Database, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer = await seed_office(db, now)
    await _cut_short(db, importer, now, monkeypatch, cases=1)
    # Another import (this process or another) holds the lock: the batch may be its own.
    async with importing._one_import_at_a_time(db):
        assert await importing.undo_abandoned(db, now) == 0
        assert await _states(db) == ["running"]
    assert await importing.undo_abandoned(db, now) == 1


async def test_a_case_someone_acted_on_meanwhile_is_kept(
    db: Database, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    importer = await seed_office(db, now)
    await _cut_short(db, importer, now, monkeypatch, cases=2)
    first = await db.reader().cases.by_decision_number("12/Pid.B/2026/PN Smr")
    assert first is not None
    async with db.transaction() as tx:  # its offender joined in the seconds it was visible
        offender = await tx.people.ensure(
            telegram_user_id=9001, full_name="Andi", language_code="id", now=now
        )
        await tx.cases.link_offender(first.id, offender.id)

    assert await importing.undo_abandoned(db, now) == 1
    assert [c.code for c in await db.reader().cases.for_agencies(None)] == [first.code]
    assert await _count(db, "SELECT COUNT(*) FROM sites") == 1  # the kept case's site
    async with db.reader().conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'import.undone'"
    ) as cur:
        [(detail,)] = await cur.fetchall()
    assert json.loads(detail) == {"batch": 1, "cases": 1, "sites": 1, "kept": [first.code]}
