"""The per-day ledger sums that digests read: filled on upgrade, in step with the events."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from storage.db import Database, migrations
from storage.repositories._sql import ts

NOW = datetime(2026, 3, 2, tzinfo=UTC)
MONDAY = date(2026, 3, 2)


async def _case_with_attendance(db: Database) -> int:
    """A case at 2 hours a day in WITA, with a 3-hour session on Monday (credited 2), one
    of 1 hour that crosses local midnight into Wednesday, and a void one on Thursday."""
    async with db.transaction() as store:
        conn = store.conn
        await conn.execute(
            "INSERT INTO agencies (id, type, name, timezone, created_at)"
            " VALUES (1, 'kejari', 'Kejari', 'Asia/Makassar', ?)",
            (ts(NOW),),
        )
        await conn.execute(
            "INSERT INTO people (id, telegram_user_id, full_name, language_code, created_at)"
            " VALUES (1, 1, 'Jaksa', 'id', ?)",
            (ts(NOW),),
        )
        await conn.execute(
            "INSERT INTO sites (id, name, host_agency_id, address, latitude, longitude,"
            " radius_m, timezone, activities, capacity, non_commercial_declared_at, created_at)"
            " VALUES (1, 'Taman', 1, 'Jl', -0.5, 117.1, 150, 'Asia/Makassar', '[\"x\"]', 5, ?, ?)",
            (ts(NOW), ts(NOW)),
        )
        await conn.execute(
            "INSERT INTO cases (id, code, agency_id, offender_name, decision_number, court,"
            " decision_date, hours_total, hours_per_day, weekdays, session_start, site_id,"
            " start_date, deadline, consequence, replaced_penalty, jaksa_person_id, created_at)"
            " VALUES (1, 'KS-2026-0001', 1, 'Budi Santoso', '1/X', 'PN', '2026-03-01', 40, 2,"
            " '0,1,2,3,4', '08:00', 1, '2026-03-01', '2026-08-01', 'penjara', '1 bulan', 1, ?)",
            (ts(NOW),),
        )
        wita = timedelta(hours=8)
        spans = [
            (datetime(2026, 3, 2, 8) - wita, timedelta(hours=3), False),
            (datetime(2026, 3, 3, 23, 30) - wita, timedelta(hours=1), False),
            (datetime(2026, 3, 5, 8) - wita, timedelta(hours=2), True),
        ]
        for number, (start, length, void) in enumerate(spans, start=1):
            begin = start.replace(tzinfo=UTC)
            await conn.execute(
                "INSERT INTO attendances (id, case_id, site_id, created_at) VALUES (?, 1, 1, ?)",
                (number, ts(NOW)),
            )
            await conn.execute(
                "INSERT INTO attendance_events (attendance_id, kind, start_at, at)"
                " VALUES (?, 'check_in', ?, ?)",
                (number, ts(begin), ts(NOW)),
            )
            await conn.execute(
                "INSERT INTO attendance_events (attendance_id, kind, end_at, at)"
                " VALUES (?, 'check_out', ?, ?)",
                (number, ts(begin + length), ts(NOW)),
            )
            if void:
                await conn.execute(
                    "INSERT INTO attendance_events (attendance_id, kind, reason, at)"
                    " VALUES (?, 'void', 'salah orang', ?)",
                    (number, ts(NOW)),
                )
    return 1


async def test_an_upgrade_fills_the_sums_from_the_existing_attendance(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "old.sqlite3", migrate=False)
    try:
        writer = db.reader().conn  # any connection: apply the schema as version 7 had it
        for version, _, sql in migrations():
            if version <= 7:
                await writer.executescript(
                    f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
                )
        await _case_with_attendance(db)
        assert "0008_ledger_days.sql" in await db.migrate()
        store = db.reader()
        # 2 of the 3 hours on Monday; 30 minutes before and after midnight; nothing void.
        assert await store.ledger_days.credited_by_case([1]) == {1: 180}
        weeks = await store.ledger_days.weekly([1], [MONDAY - timedelta(days=7), MONDAY])
        assert weeks == [(0, 0), (180, 3)]
        assert await store.ledger_days.weekly([], [MONDAY]) == [(0, 0)]
    finally:
        await db.close()


async def test_rebuilding_gives_what_the_events_say(db: Database) -> None:
    await _case_with_attendance(db)
    async with db.transaction() as store:
        assert await store.ledger_days.credited_by_case([1]) == {}  # raw inserts: not summed
        assert await store.ledger_days.rebuild() == 1
    days = await db.reader().conn.execute_fetchall(
        "SELECT day, credited_minutes FROM ledger_days ORDER BY day"
    )
    assert [tuple(d) for d in days] == [
        ("2026-03-02", 120),
        ("2026-03-03", 30),
        ("2026-03-04", 30),
    ]
