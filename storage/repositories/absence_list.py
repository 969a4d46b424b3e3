"""The absences of a month, one line each with who reported and who ruled them: the month's
report lists them (``services.reports``).

One statement whatever the number of cases (the ids go in as one JSON parameter, as in
``storage.repositories.figures``), and the same absences the figures count: those on days in
the period that stand (a correction did not withdraw them).
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from storage.repositories._sql import parse_ts
from storage.repositories.attendance import _STANDS as ABSENCE_STANDS


@dataclass(frozen=True)
class AbsenceLine:
    case_id: int
    day: date
    category: str
    reason: str | None
    source: str  # pengawas or terpidana
    reported_by: str | None  # the reporter's name; None when entered without a person
    ruling: str | None
    ruled_by: str | None
    ruled_at: datetime | None


class AbsenceListRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def standing_between(
        self, case_ids: Sequence[int], first: date, end: date
    ) -> list[AbsenceLine]:
        """The standing absences of these cases on days in ``[first, end)``, by day."""
        async with self._conn.execute(
            "SELECT a.case_id, a.day, a.category, a.reason, a.source, reporter.full_name,"
            " a.ruling, ruler.full_name, a.ruled_at FROM absences AS a"
            " LEFT JOIN people AS reporter ON reporter.id = a.reported_by"
            " LEFT JOIN people AS ruler ON ruler.id = a.ruled_by"
            f" WHERE a.day >= ? AND a.day < ? AND a.{ABSENCE_STANDS}"
            " AND a.case_id IN (SELECT value FROM json_each(?)) ORDER BY a.day, a.id",
            (first.isoformat(), end.isoformat(), json.dumps(list(case_ids))),
        ) as cur:
            rows = await cur.fetchall()
        return [
            AbsenceLine(
                case_id=int(case_id),
                day=date.fromisoformat(day),
                category=category,
                reason=reason,
                source=source,
                reported_by=reporter,
                ruling=ruling,
                ruled_by=ruler,
                ruled_at=parse_ts(ruled_at),
            )
            for case_id, day, category, reason, source, reporter, ruling, ruler, ruled_at in rows
        ]
