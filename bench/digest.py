"""Benchmark: a province's weekly digest — 10 agencies, 2,000 cases, 60,000 attendance records.

The data is written straight into a real SQLite file by :mod:`bench.history` (30 closed
attendances per case, with their sessions), summed per day as the bot keeps it, then the
digest for the Kejati at the top of the province is computed as the scheduler does it.
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
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.history import add_history
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
        await store.conn.execute(
            "INSERT INTO sites (name, host_agency_id, address, latitude, longitude, radius_m,"
            " timezone, activities, capacity, non_commercial_declared_at, created_at)"
            " VALUES ('Lokasi', ?, 'Jl', -0.5, 117.1, 150, 'Asia/Makassar', '[\"x\"]', 10000,"
            " ?, ?)",
            (kejati.id, ts(NOW), ts(NOW)),
        )
        await add_history(
            store.conn,
            agency_ids=[k.id for k in kejari],
            site_ids=[1],
            jaksa_person_id=person.id,
            cases=CASES,
            sessions_per_case=ATTENDANCES_PER_CASE + 10,
            attendances_per_case=ATTENDANCES_PER_CASE,
            start=START,
            now=NOW,
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
                store,
                cases,
                week_start=date(2026, 2, 23),
                today=date(2026, 3, 2),
                now=datetime(2026, 3, 2, 4, 0, tzinfo=UTC),
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
