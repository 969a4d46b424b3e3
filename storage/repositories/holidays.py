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
        self, day: date, *, off: bool, name: str, by: int | None, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO holiday_overrides (day, off, name, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (day.isoformat(), int(off), name, by, ts(now)),
        )

    async def overrides(self) -> list[HolidayOverride]:
        """In the order they were made, so a later correction of the same day wins."""
        async with self._conn.execute(
            "SELECT day, off, name FROM holiday_overrides ORDER BY id"
        ) as cur:
            return [
                HolidayOverride(day=date.fromisoformat(r[0]), off=bool(r[1]), name=r[2])
                for r in await cur.fetchall()
            ]

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
