"""Months of attendance history written straight into SQLite, for benchmarks that need volume.

Generated inside SQLite (recursive CTEs), not row by row from Python, so that 10,000 cases
with 300,000 attendance records take seconds. Each case works on weekdays from ``start``:
``sessions_per_case`` two-hour sessions at 00.00 UTC (08.00 WITA), the first
``attendances_per_case`` of them attended (a check-in and a check-out each). Cases are dealt
round-robin over ``agency_ids`` and ``site_ids``. Every check-in and check-out has its
photo's evidence row (the files themselves are not written).
"""

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import aiosqlite

from storage.repositories._sql import ts

HOURS_TOTAL = 120
HOURS_PER_DAY = 2


async def add_history(
    conn: aiosqlite.Connection,
    *,
    agency_ids: Sequence[int],
    site_ids: Sequence[int],
    jaksa_person_id: int,
    cases: int,
    sessions_per_case: int,
    attendances_per_case: int,
    start: date,
    now: datetime,
) -> range:
    """Add the cases and their history; returns the new case ids (into empty tables)."""
    for table in ("cases", "sessions", "attendances", "attendance_events", "evidence"):
        async with conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
            row = await cur.fetchone()
            assert row is not None and row[0] == 0, f"{table} must be empty"
    values = {
        "cases": cases,
        "sessions": sessions_per_case,
        "attended": attendances_per_case,
        "agencies": json.dumps(list(agency_ids)),
        "agency_count": len(agency_ids),
        "sites": json.dumps(list(site_ids)),
        "site_count": len(site_ids),
        "jaksa": jaksa_person_id,
        "year": start.year,
        "start": start.isoformat(),
        "deadline": (start + timedelta(days=180)).isoformat(),
        "hours_total": HOURS_TOTAL,
        "hours_per_day": HOURS_PER_DAY,
        "now": ts(now),
    }
    numbers = (
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < :cases),"
        " k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j + 1 < :sessions)"
    )
    # The k-th session falls on the k-th weekday from a Monday start.
    day = "date(:start, '+' || (j + j / 5 * 2) || ' days')"
    await conn.execute(
        f"{numbers} INSERT INTO cases (id, code, agency_id, offender_name, decision_number,"
        " court, decision_date, hours_total, hours_per_day, weekdays, session_start, site_id,"
        " start_date, deadline, consequence, replaced_penalty, jaksa_person_id, created_at)"
        " SELECT i, printf('KS-%d-%04d', :year, i),"
        " json_extract(:agencies, '$[' || (i % :agency_count) || ']'), 'Peserta ' || i,"
        " i || '/X', 'PN', :start, :hours_total, :hours_per_day, '0,1,2,3,4', '08:00',"
        " json_extract(:sites, '$[' || (i % :site_count) || ']'), :start, :deadline,"
        " 'penjara', '3 bulan', :jaksa, :now FROM c",
        values,
    )
    await conn.execute(
        f"{numbers} INSERT INTO sessions (id, case_id, site_id, day, starts_at, ends_at,"
        " minutes, created_at)"
        f" SELECT (i - 1) * :sessions + j + 1, i, cases.site_id, {day},"
        f" {day} || 'T00:00:00+00:00', {day} || 'T02:00:00+00:00', :hours_per_day * 60, :now"
        " FROM c JOIN cases ON cases.id = i, k",
        values,
    )
    await conn.execute(
        f"{numbers} INSERT INTO attendances (id, case_id, session_id, site_id, created_at)"
        " SELECT (i - 1) * :attended + j + 1, i, (i - 1) * :sessions + j + 1, cases.site_id,"
        " :now FROM c JOIN cases ON cases.id = i, k WHERE j < :attended",
        values,
    )
    for offset, kind, column, hour in (
        (1, "check_in", "start_at", 0),
        (0, "check_out", "end_at", 2),
    ):
        await conn.execute(
            "INSERT INTO attendance_events (id, attendance_id, kind, "
            f"{column}, at) SELECT a.id * 2 - {offset}, a.id, '{kind}',"
            f" s.day || 'T0{hour}:00:00+00:00', :now"
            " FROM attendances a JOIN sessions s ON s.id = a.session_id",
            values,
        )
    # Each check-in and check-out kept its photo, as the bot keeps them: downloaded, hashed.
    await conn.execute(
        "INSERT INTO evidence (id, attendance_event_id, file_id, file_unique_id, size, sha256,"
        " path, downloaded_at, created_at) SELECT id, id, 'history-' || id, 'history-' || id,"
        " 300000, printf('%064x', id), 'evidence/history-' || id || '.jpg', :now, :now"
        " FROM attendance_events",
        values,
    )
    return range(1, cases + 1)
