"""Minutes credited per case and local day: the ledger summed per day, for digests at scale.

Only ``replace`` writes here, from the transaction that changed the case's attendance, and
``rebuild`` recomputes every case from its events (after a migration, or to repair).
"""

import json
from collections.abc import Mapping, Sequence
from datetime import date

import aiosqlite

from domain.ledger import ledger_of_case, minutes_by_day
from storage.repositories.attendance import AttendanceRepository
from storage.repositories.cases import CaseRepository
from storage.repositories.sites import SiteRepository

# One parameter for any number of ids: SQLite caps the parameters of a statement.
_IN_IDS = "case_id IN (SELECT value FROM json_each(?))"


class LedgerDayRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def replace(self, case_id: int, minutes: Mapping[date, int]) -> None:
        """Make the case's rows exactly ``minutes``, writing only the days that differ: a
        check-out changes one day of a case's thirty, and the rows are read in one statement
        where rewriting them all took thirty."""
        async with self._conn.execute(
            "SELECT day, credited_minutes FROM ledger_days WHERE case_id = ?", (case_id,)
        ) as cur:
            kept = {str(day): int(m) for day, m in await cur.fetchall()}
        wanted = {day.isoformat(): m for day, m in minutes.items()}
        gone = sorted(kept.keys() - wanted.keys())
        changed = sorted((day, m) for day, m in wanted.items() if kept.get(day) != m)
        if gone:
            await self._conn.executemany(
                "DELETE FROM ledger_days WHERE case_id = ? AND day = ?",
                [(case_id, day) for day in gone],
            )
        if changed:
            await self._conn.executemany(
                "INSERT INTO ledger_days (case_id, day, credited_minutes) VALUES (?, ?, ?)"
                " ON CONFLICT (case_id, day)"
                " DO UPDATE SET credited_minutes = excluded.credited_minutes",
                [(case_id, day, m) for day, m in changed],
            )

    async def rebuild(self) -> int:
        """Recompute every case's days from its attendance events; returns the cases done."""
        cases = await CaseRepository(self._conn).for_agencies(None, active_only=False)
        zones = {s.id: s.timezone for s in await SiteRepository(self._conn).all()}
        events = await AttendanceRepository(self._conn).events_by_case([c.id for c in cases])
        for case in cases:
            ledger = ledger_of_case(case, zones[case.site_id], events.get(case.id, []))
            await self.replace(case.id, minutes_by_day(ledger))
        return len(cases)

    async def credited_by_case(self, case_ids: Sequence[int]) -> dict[int, int]:
        """Minutes credited so far, per case (cases with none are left out)."""
        async with self._conn.execute(
            f"SELECT case_id, SUM(credited_minutes) FROM ledger_days WHERE {_IN_IDS}"
            " GROUP BY case_id",
            (json.dumps(list(case_ids)),),
        ) as cur:
            return {int(case_id): int(total) for case_id, total in await cur.fetchall()}

    async def weekly(
        self, case_ids: Sequence[int], week_starts: Sequence[date]
    ) -> list[tuple[int, int]]:
        """``(minutes credited, days with credit)`` over these cases in each week.

        A day with credited minutes is a day a case's work was held: this is what the digest
        counts as a session held.
        """
        columns, params = [], []
        for start in week_starts:
            end = date.fromordinal(start.toordinal() + 7)
            inside = "day >= ? AND day < ?"
            columns.append(f"COALESCE(SUM(CASE WHEN {inside} THEN credited_minutes END), 0)")
            columns.append(f"COUNT(CASE WHEN {inside} AND credited_minutes > 0 THEN 1 END)")
            params += [start.isoformat(), end.isoformat()] * 2
        first = min(week_starts).isoformat()
        async with self._conn.execute(
            f"SELECT {', '.join(columns)} FROM ledger_days WHERE {_IN_IDS} AND day >= ?",
            (*params, json.dumps(list(case_ids)), first),
        ) as cur:
            row = await cur.fetchone()
        values = [int(v) for v in row] if row else [0] * (2 * len(week_starts))
        return [(values[i], values[i + 1]) for i in range(0, len(values), 2)]
