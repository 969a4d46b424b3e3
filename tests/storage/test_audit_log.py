"""The audit log on disk: append-only, and tampering is detected by `verify`."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from storage.db import Database

NOW = datetime(2026, 1, 10, 1, 0, tzinfo=UTC)


async def _fill(db: Database, n: int) -> None:
    for i in range(n):
        async with db.transaction() as store:
            await store.audit.append(
                action="test.action",
                now=NOW + timedelta(seconds=i),
                actor_telegram_id=100 + i,
                update_id=i,
                subject=f"thing:{i}",
                detail={"i": i},
            )


async def test_appended_rows_verify(db: Database) -> None:
    await _fill(db, 10)
    checked, problems = await db.reader().audit.verify()
    assert (checked, problems) == (10, [])


async def test_the_application_cannot_edit_or_delete_history(db: Database) -> None:
    await _fill(db, 2)
    for sql in (
        "UPDATE audit_log SET action = 'x' WHERE id = 1",
        "DELETE FROM audit_log WHERE id = 1",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            async with db.transaction() as store:
                await store.conn.execute(sql)


def _tamper(db: Database, *statements: str) -> None:
    """Someone with the file in hand drops the guards and rewrites history."""
    conn = sqlite3.connect(db.path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


async def test_an_edited_row_is_reported(db: Database) -> None:
    await _fill(db, 5)
    _tamper(db, "UPDATE audit_log SET detail = '{\"i\":99}' WHERE id = 3")
    _, problems = await db.reader().audit.verify()
    assert [p.row_id for p in problems] == [3]


async def test_a_deleted_row_is_reported(db: Database) -> None:
    await _fill(db, 5)
    _tamper(db, "DELETE FROM audit_log WHERE id = 2")
    _, problems = await db.reader().audit.verify()
    assert problems and problems[0].row_id == 3


async def test_removing_the_newest_rows_is_reported(db: Database) -> None:
    await _fill(db, 5)
    _tamper(db, "DELETE FROM audit_log WHERE id >= 4")
    _, problems = await db.reader().audit.verify()
    assert [p.row_id for p in problems] == [None]


async def test_reordered_rows_are_reported(db: Database) -> None:
    await _fill(db, 5)
    _tamper(
        db,
        "UPDATE audit_log SET id = 100 WHERE id = 2",
        "UPDATE audit_log SET id = 2 WHERE id = 3",
        "UPDATE audit_log SET id = 3 WHERE id = 100",
    )
    _, problems = await db.reader().audit.verify()
    assert problems
