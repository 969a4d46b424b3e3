"""The rows behind cases' figures (``domain.figures``), for any number of cases at once.

One statement per kind of row whatever the number of cases: the ids go in as one JSON
parameter, so a province's digest or month costs the same three queries as one case's PDF.
Days and instants are stored as ISO strings, which sort as they compare.
"""

import json
from collections.abc import Sequence
from datetime import date, datetime

import aiosqlite

from domain.figures import CreditedDays, PlannedSession, StandingAbsence
from storage.repositories.attendance import _STANDS as ABSENCE_STANDS

# One parameter for any number of ids: SQLite caps the parameters of a statement.
_IN_IDS = "case_id IN (SELECT value FROM json_each(?))"


class FigureRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def credited(
        self, case_ids: Sequence[int], first: date, end: date
    ) -> dict[int, CreditedDays]:
        """Minutes credited per case: to date, and on each local day in ``[first, end)``.

        The ledger's per-day sums, which every attendance change rewrites in its own
        transaction (``services.ledger``). One row per case, its days packed into one string,
        in one statement: a province has tens of thousands of days, and the week's digest
        needs only seven of them per case.
        """
        found: dict[int, CreditedDays] = {}
        async with self._conn.execute(
            "SELECT case_id, SUM(credited_minutes), group_concat(CASE WHEN day >= ? AND day < ?"
            " THEN day || '=' || credited_minutes END) FROM ledger_days"
            f" WHERE {_IN_IDS} AND credited_minutes > 0 GROUP BY case_id",
            (first.isoformat(), end.isoformat(), json.dumps(list(case_ids))),
        ) as cur:
            for case_id, to_date, days in await cur.fetchall():
                by_day: dict[date, int] = {}
                for item in days.split(",") if days else ():
                    day, minutes = item.split("=")
                    by_day[date.fromisoformat(day)] = int(minutes)
                found[int(case_id)] = CreditedDays(int(to_date), by_day)
        return found

    async def planned_sessions(
        self, case_ids: Sequence[int], first: date, end: date
    ) -> dict[int, list[PlannedSession]]:
        """The sessions still planned (not cancelled) on days in ``[first, end)``, per case;
        one row per case, as for the days credited."""
        found: dict[int, list[PlannedSession]] = {}
        async with self._conn.execute(
            "SELECT case_id, group_concat(day || ' ' || ends_at) FROM sessions"
            f" WHERE status = 'planned' AND day >= ? AND day < ? AND {_IN_IDS} GROUP BY case_id",
            (first.isoformat(), end.isoformat(), json.dumps(list(case_ids))),
        ) as cur:
            for case_id, packed in await cur.fetchall():
                sessions = found[int(case_id)] = []
                for item in packed.split(","):
                    day, ends_at = item.split(" ")
                    sessions.append(
                        PlannedSession(date.fromisoformat(day), datetime.fromisoformat(ends_at))
                    )
        return found

    async def standing_absences(
        self, case_ids: Sequence[int], first: date, end: date
    ) -> dict[int, list[StandingAbsence]]:
        """The absences on days in ``[first, end)`` that stand (no correction withdrew them),
        per case, with their rulings."""
        found: dict[int, list[StandingAbsence]] = {}
        async with self._conn.execute(
            "SELECT case_id, day, ruling FROM absences"
            f" WHERE day >= ? AND day < ? AND {ABSENCE_STANDS} AND {_IN_IDS}",
            (first.isoformat(), end.isoformat(), json.dumps(list(case_ids))),
        ) as cur:
            for case_id, day, ruling in await cur.fetchall():
                found.setdefault(int(case_id), []).append(
                    StandingAbsence(date.fromisoformat(day), ruling)
                )
        return found
