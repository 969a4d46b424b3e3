from datetime import datetime

import aiosqlite

from domain.models import Agency
from domain.roles import AgencyType
from storage.repositories._sql import ts

_COLUMNS = "id, type, name, parent_id, timezone, created_at"


def _agency(row: aiosqlite.Row) -> Agency:
    return Agency.model_validate(dict(row))


class AgencyRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(
        self,
        *,
        type: AgencyType,
        name: str,
        parent_id: int | None,
        timezone: str,
        created_by: int | None,
        now: datetime,
    ) -> Agency:
        cur = await self._conn.execute(
            "INSERT INTO agencies (type, name, parent_id, timezone, created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (type.value, name, parent_id, timezone, ts(now), created_by),
        )
        agency = await self.get(int(cur.lastrowid or 0))
        assert agency is not None
        return agency

    async def get(self, agency_id: int) -> Agency | None:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM agencies WHERE id = ?", (agency_id,)
        ) as cur:
            row = await cur.fetchone()
        return _agency(row) if row else None

    async def by_name(self, name: str) -> Agency | None:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM agencies WHERE lower(name) = lower(?)", (name,)
        ) as cur:
            row = await cur.fetchone()
        return _agency(row) if row else None

    async def all(self) -> list[Agency]:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM agencies ORDER BY name COLLATE NOCASE"
        ) as cur:
            return [_agency(row) for row in await cur.fetchall()]

    async def by_ids(self, ids: set[int]) -> dict[int, Agency]:
        return {a.id: a for a in await self.all() if a.id in ids}
