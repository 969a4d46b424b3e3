"""Benchmark: a province's weekly digest — 10 agencies, 2,000 cases, 60,000 attendance records.

The data is written straight into a real SQLite file (30 closed attendances per case, with
their sessions, summed per day as the bot keeps them), then the digest for the Kejati at the
top of the province is computed as the scheduler does it.
Target: under 500 ms on the 2-core machine.

Run from the repository root:

    .venv/bin/python bench/digest.py

Prints one JSON line.
"""

import asyncio
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.roles import AgencyType
from services import digest as digests
from storage.db import Database
from storage.repositories._sql import ts

AGENCIES = 10
CASES = 2000
ATTENDANCES_PER_CASE = 30
START = date(2026, 1, 5)
NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


async def fill(db: Database) -> int:
    async with db.transaction() as store:
        kejati = await store.agencies.add(
            type=AgencyType.KEJATI,
            name="Kejati Kaltim",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=NOW,
        )
        kejari = [
            await store.agencies.add(
                type=AgencyType.KEJARI,
                name=f"Kejari {i}",
                parent_id=kejati.id,
                timezone="Asia/Makassar",
                created_by=None,
                now=NOW,
            )
            for i in range(AGENCIES - 1)
        ]
        person = await store.people.ensure(
            telegram_user_id=1, full_name="Jaksa", language_code="id", now=NOW
        )
        conn = store.conn
        await conn.execute(
            "INSERT INTO sites (name, host_agency_id, address, latitude, longitude, radius_m,"
            " timezone, activities, capacity, non_commercial_declared_at, created_at)"
            " VALUES ('Lokasi', ?, 'Jl', -0.5, 117.1, 150, 'Asia/Makassar', '[\"x\"]', 10000,"
            " ?, ?)",
            (kejati.id, ts(NOW), ts(NOW)),
        )
        cases, sessions, attendances, events = [], [], [], []
        session_id = attendance_id = event_id = 0
        for c in range(1, CASES + 1):
            cases.append(
                (
                    c,
                    f"KS-2026-{c:04d}",
                    kejari[c % len(kejari)].id,
                    f"Peserta {c}",
                    f"{c}/X",
                    "PN",
                    START.isoformat(),
                    120,
                    2,
                    "0,1,2,3,4",
                    "08:00",
                    1,
                    START.isoformat(),
                    (START + timedelta(days=180)).isoformat(),
                    "penjara",
                    "3 bulan",
                    person.id,
                    ts(NOW),
                )
            )
            for k in range(ATTENDANCES_PER_CASE + 10):
                day = START + timedelta(days=k + k // 5 * 2)
                begin = datetime(day.year, day.month, day.day, 0, 0, tzinfo=UTC)
                session_id += 1
                sessions.append(
                    (
                        session_id,
                        c,
                        1,
                        day.isoformat(),
                        ts(begin),
                        ts(begin + timedelta(hours=2)),
                        120,
                        ts(NOW),
                    )
                )
                if k < ATTENDANCES_PER_CASE:
                    attendance_id += 1
                    attendances.append((attendance_id, c, session_id, 1, ts(NOW)))
                    event_id += 1
                    events.append((event_id, attendance_id, "check_in", ts(begin), None, ts(NOW)))
                    event_id += 1
                    events.append(
                        (
                            event_id,
                            attendance_id,
                            "check_out",
                            None,
                            ts(begin + timedelta(hours=2)),
                            ts(NOW),
                        )
                    )
        await conn.executemany(
            "INSERT INTO cases (id, code, agency_id, offender_name, decision_number, court,"
            " decision_date, hours_total, hours_per_day, weekdays, session_start, site_id,"
            " start_date, deadline, consequence, replaced_penalty, jaksa_person_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            cases,
        )
        await conn.executemany(
            "INSERT INTO sessions (id, case_id, site_id, day, starts_at, ends_at, minutes,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            sessions,
        )
        await conn.executemany(
            "INSERT INTO attendances (id, case_id, session_id, site_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            attendances,
        )
        await conn.executemany(
            "INSERT INTO attendance_events (id, attendance_id, kind, start_at, end_at, at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            events,
        )
        # The data went in behind the bot's back: sum it per day as an upgrade would.
        await store.ledger_days.rebuild()
    return kejati.id


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        kejati = await fill(db)
        timings = []
        for _ in range(5):
            began = time.perf_counter()
            store = db.reader()
            scope = await digests.agency_scope(store, kejati)
            cases = await digests.cases_in_scope(store, scope)
            result = await digests.compute(
                store, cases, week_start=date(2026, 2, 23), today=date(2026, 3, 2)
            )
            timings.append((time.perf_counter() - began) * 1000)
        await db.close()
    print(
        json.dumps(
            {
                "benchmark": "digest",
                "agencies": AGENCIES,
                "cases": len(cases),
                "attendance_records": CASES * ATTENDANCES_PER_CASE,
                "credited_hours_total": result.credited_minutes_total // 60,
                "median_ms": round(statistics.median(timings), 1),
                "max_ms": round(max(timings), 1),
                "target_ms": 500,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
