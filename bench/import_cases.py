"""Benchmark: import 1,000 cases from one spreadsheet, and plan-and-store one 240-hour case.

The import runs as the bot runs it: parse the .xlsx, resolve sites and people, then create
every case with its planned sessions in one transaction on a real SQLite file. Targets on
the 2-core machine: the import under 10 s, one 240-hour case planned and stored under 50 ms.

Run from the repository root:

    .venv/bin/python bench/import_cases.py

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

from domain.cases import CaseDraft, CaseTerms, Consequence
from domain.sites import SiteDraft
from domain.spreadsheet import parse_upload
from services.importing import import_upload
from services.scheduling import plan_and_store
from storage.db import Database
from tests.seeds import seed_office
from tests.sheets import case, site, xlsx

CASES = 1000
SITES = 25
NOW = datetime(2026, 1, 2, 1, 0, tzinfo=UTC)


def workbook() -> bytes:
    sites = [site(nama_lokasi=f"Lokasi {i:02d}", kapasitas=60) for i in range(SITES)]
    cases = [
        case(
            nama_terpidana=f"Peserta {i:04d}",
            nomor_putusan=f"{i}/Pid.B/2026/PN Smr",
            lokasi=f"Lokasi {i % SITES:02d}",
            total_jam=40 + (i % 5) * 40,
            jam_per_hari=2 + i % 3,
            hari="Senin-Jumat",
            tanggal_putusan="02-01-2026",
            tanggal_mulai="05-01-2026",
        )
        for i in range(CASES)
    ]
    return xlsx({"Lokasi": sites, "Kasus": cases})


async def plan_240(db: Database, runs: int = 30) -> list[float]:
    """Plan and store a 240-hour case (1 h/day, Mon-Sat: the full six months), ``runs`` times."""
    timings = []
    async with db.transaction() as store:
        site = await store.sites.add(
            SiteDraft(
                "Lokasi 240",
                2,
                "Jl. 1",
                -0.5,
                117.1,
                150,
                "Asia/Makassar",
                ("menyapu",),
                CASES,
                True,
            ),
            declared_by=None,
            now=NOW,
        )
    for i in range(runs):
        start = date(2026, 1, 5)
        draft = CaseDraft(
            offender_name="Peserta",
            decision_number=f"240/{i}",
            court="PN",
            decision_date=start,
            terms=CaseTerms(240, 1, frozenset(range(6)), start, start + timedelta(days=181)),
            site_id=site.id,
            consequence=Consequence.PRISON,
            replaced_penalty="3 bulan penjara",
            jaksa_person_id=1,
        )
        async with db.transaction() as store:
            stored = await store.cases.add(
                draft, agency_id=1, code=f"B-{i}", created_by=None, now=NOW
            )
            began = time.perf_counter()
            await plan_and_store(store, stored, site, now=NOW)
            timings.append((time.perf_counter() - began) * 1000)
    return timings


async def main() -> None:
    data = workbook()
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        importer = await seed_office(db, NOW)
        began = time.perf_counter()
        parsed = parse_upload(data, "bench.xlsx", today=date(2026, 1, 2))
        parsed_at = time.perf_counter()
        async with db.transaction() as store:
            report = await import_upload(
                store,
                parsed,
                importer=importer,
                now=NOW,
                invitation_validity=timedelta(days=7),
                audit={
                    "now": NOW,
                    "actor_telegram_id": 555,
                    "actor_person_id": None,
                    "update_id": None,
                },
            )
        finished = time.perf_counter()
        assert not report.errors, report.errors[:3]
        async with db.reader().conn.execute("SELECT COUNT(*) FROM sessions") as cur:
            sessions = (await cur.fetchone())[0]
        plans = await plan_240(db)
        await db.close()
    print(
        json.dumps(
            {
                "benchmark": "import_cases",
                "cases": report.cases_added,
                "sites": report.sites_added,
                "sessions": sessions,
                "file_bytes": len(data),
                "parse_s": round(parsed_at - began, 3),
                "import_s": round(finished - parsed_at, 3),
                "total_s": round(finished - began, 3),
                "target_s": 10,
                "plan_and_store_240h_median_ms": round(statistics.median(plans), 2),
                "plan_and_store_240h_max_ms": round(max(plans), 2),
                "plan_target_ms": 50,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
