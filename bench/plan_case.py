"""Benchmark: plan the longest lawful case, 240 hours, over the full six months.

1 hour a day, Monday to Saturday, from Monday 5 January 2026 with the 2026 days off, so the
planner walks every day up to the deadline (the case does not fit: that is the slowest path).

Run from the repository root:

    /work/venv/bin/python bench/plan_case.py      (or: python -m bench.plan_case)

Prints one JSON line. The target is 50 ms for one plan.
"""

import json
import statistics
import sys
import time as clock
from datetime import date, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain import law
from domain.cases import CaseTerms
from domain.holiday_calendar import national_days_off
from domain.schedule import plan_case

HOURS = 240
RUNS = 200
TARGET_MS = 50


def main() -> None:
    start = date(2026, 1, 5)
    terms = CaseTerms(
        hours_total=HOURS,
        hours_per_day=1,
        weekdays=frozenset(range(6)),
        start_date=start,
        deadline=law.latest_deadline(start),
        session_start=time(8, 0),
    )
    days_off = national_days_off([2026])
    timings_ms = []
    plan = None
    for _ in range(RUNS):
        began = clock.perf_counter()
        plan = plan_case(terms, days_off=days_off, site_capacity=5)
        timings_ms.append((clock.perf_counter() - began) * 1000)
    assert plan is not None
    timings_ms.sort()
    result = {
        "benchmark": "plan_case",
        "hours": HOURS,
        "sessions": len(plan.sessions),
        "shortfall_hours": plan.shortfall_hours,
        "runs": RUNS,
        "median_ms": round(statistics.median(timings_ms), 3),
        "p95_ms": round(timings_ms[int(0.95 * (RUNS - 1))], 3),
        "max_ms": round(timings_ms[-1], 3),
        "target_ms": TARGET_MS,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
