from datetime import date, datetime

import aiosqlite

from domain.holiday_calendar import HolidayOverride
from storage.repositories._sql import ts

_CUTI_KEY = "cuti_bersama"


class HolidayRepository:
    """Admins' corrections to the national calendar, and the cuti bersama setting."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add_override(
        self,
        day: date,
        *,
        off: bool,
        name: str,
        by: int | None,
        now: datetime,
        agency_id: int | None = None,
    ) -> int:
        cur = await self._conn.execute(
            "INSERT INTO holiday_overrides (day, off, name, created_by, created_at, agency_id)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (day.isoformat(), int(off), name, by, ts(now), agency_id),
        )
        return int(cur.lastrowid or 0)

    async def overrides(self) -> list[HolidayOverride]:
        """In the order they were made, so a later correction of the same day wins;
        national and regional ones alike."""
        async with self._conn.execute(
            "SELECT id, day, off, name, agency_id FROM holiday_overrides ORDER BY id"
        ) as cur:
            return [_override(r) for r in await cur.fetchall()]

    async def override(self, override_id: int) -> HolidayOverride | None:
        async with self._conn.execute(
            "SELECT id, day, off, name, agency_id FROM holiday_overrides WHERE id = ?",
            (override_id,),
        ) as cur:
            row = await cur.fetchone()
        return _override(row) if row else None

    async def cuti_bersama(self) -> bool:
        """Cuti bersama counts as a day off unless an admin turned it off: offices close."""
        async with self._conn.execute("SELECT value FROM meta WHERE key = ?", (_CUTI_KEY,)) as cur:
            row = await cur.fetchone()
        return row is None or row[0] == "1"

    async def set_cuti_bersama(self, on: bool) -> None:
        await self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (_CUTI_KEY, "1" if on else "0"),
        )


def _override(row: aiosqlite.Row) -> HolidayOverride:
    return HolidayOverride(
        id=int(row[0]),
        day=date.fromisoformat(row[1]),
        off=bool(row[2]),
        name=row[3],
        agency_id=row[4],
    )
