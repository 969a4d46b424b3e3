"""Benchmark: how long a 1,000-case import holds the writer while check-ins keep arriving.

The import runs as the bot runs it (the workbook of ``bench/import_cases.py``, parsed and
imported), and meanwhile a check-in-like write (a small transaction: the update claimed, an
audit row) arrives every 50 ms, each on its own task as separate people send them.
``Database.on_transaction`` times every transaction: the longest the import held the writer,
and how long the check-ins waited for it. A ticker every 10 ms measures how late the event
loop runs (work done on the loop itself).
Targets: the longest hold by the import well under 0.5 s; a check-in never waits longer.

Run from the repository root:

    .venv/bin/python bench/import_writer.py

Prints one JSON line.
"""

import asyncio
import contextvars
import json
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.import_cases import NOW, workbook
from services.importing import import_in_chunks, parse
from storage.db import Database
from tests.seeds import JAKSA_TELEGRAM_ID, seed_office

CHECKIN_EVERY_S = 0.05
TICK_S = 0.01
AUDIT = {"now": NOW, "actor_telegram_id": JAKSA_TELEGRAM_ID, "actor_person_id": None}

_who: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="other")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)] if ordered else 0.0


async def main() -> None:
    data = workbook()
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        importer = await seed_office(db, NOW)
        holds: dict[str, list[float]] = {"import": [], "checkin": [], "other": []}
        waits: dict[str, list[float]] = {"import": [], "checkin": [], "other": []}

        def timed(waited: float, held: float) -> None:
            holds[_who.get()].append(held)
            waits[_who.get()].append(waited)

        db.on_transaction = timed
        done = asyncio.Event()
        lags: list[float] = []

        async def run_import() -> tuple[int, float]:
            _who.set("import")
            await asyncio.sleep(0.2)  # the check-ins and the ticker are under way first
            began = time.perf_counter()
            parsed = await parse(data, "bench.xlsx", today=date(2026, 1, 2))
            report = await import_in_chunks(
                db,
                parsed,
                importer=importer,
                now=NOW,
                invitation_validity=timedelta(days=7),
                audit=AUDIT | {"update_id": None},
            )
            assert not report.errors, report.errors[:3]
            done.set()
            return report.cases_added, time.perf_counter() - began

        async def check_in(n: int) -> None:
            _who.set("checkin")
            async with db.transaction() as tx:
                await tx.updates.mark(1_000_000 + n, NOW)
                await tx.audit.append(action="bench.checkin", **AUDIT | {"update_id": n})

        async def check_ins() -> int:
            """One check-in every 50 ms, each on its own as people send them: they queue up
            for the writer when it is held."""
            arrivals = []
            while not done.is_set():
                arrivals.append(asyncio.create_task(check_in(len(arrivals))))
                await asyncio.sleep(CHECKIN_EVERY_S)
            await asyncio.gather(*arrivals)
            return len(arrivals)

        async def ticker() -> None:
            while not done.is_set():
                began = time.perf_counter()
                await asyncio.sleep(TICK_S)
                lags.append(time.perf_counter() - began - TICK_S)

        (cases, import_s), checkins, _ = await asyncio.gather(run_import(), check_ins(), ticker())
        await db.close()
    ms = 1000
    print(
        json.dumps(
            {
                "benchmark": "import_writer",
                "cases": cases,
                "import_s": round(import_s, 2),
                "import_transactions": len(holds["import"]),
                "import_longest_hold_ms": round(max(holds["import"]) * ms, 1),
                "import_p95_hold_ms": round(_p95(holds["import"]) * ms, 1),
                "checkins": checkins,
                "checkin_worst_wait_ms": round(max(waits["checkin"]) * ms, 1),
                "checkin_p95_wait_ms": round(_p95(waits["checkin"]) * ms, 1),
                "loop_worst_lag_ms": round(max(lags) * ms, 1),
                "target_longest_hold_ms": 500,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
