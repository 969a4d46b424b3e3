import json
from datetime import datetime

import aiosqlite

from domain.models import Site
from domain.sites import SiteDraft
from storage.repositories._sql import ts

_COLUMNS = (
    "id, name, host_agency_id, address, latitude, longitude, radius_m, timezone, activities,"
    " capacity, non_commercial_declared_at, created_at"
)


def _site(row: aiosqlite.Row) -> Site:
    data = dict(row)
    data["activities"] = tuple(json.loads(data["activities"]))
    return Site.model_validate(data)


class SiteRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(self, draft: SiteDraft, *, declared_by: int | None, now: datetime) -> Site:
        cur = await self._conn.execute(
            "INSERT INTO sites (name, host_agency_id, address, latitude, longitude, radius_m,"
            " timezone, activities, capacity, non_commercial_declared_at, declared_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                draft.name,
                draft.host_agency_id,
                draft.address,
                draft.latitude,
                draft.longitude,
                draft.radius_m,
                draft.timezone,
                json.dumps(list(draft.activities), ensure_ascii=False),
                draft.capacity,
                ts(now),
                declared_by,
                ts(now),
            ),
        )
        site = await self.get(int(cur.lastrowid or 0))
        assert site is not None
        return site

    async def get(self, site_id: int) -> Site | None:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM sites WHERE id = ?", (site_id,)
        ) as cur:
            row = await cur.fetchone()
        return _site(row) if row else None

    async def by_name(self, name: str) -> Site | None:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM sites WHERE lower(name) = lower(?)", (name,)
        ) as cur:
            row = await cur.fetchone()
        return _site(row) if row else None

    async def all(self, host_agency_ids: set[int] | None = None) -> list[Site]:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM sites ORDER BY name COLLATE NOCASE"
        ) as cur:
            sites = [_site(r) for r in await cur.fetchall()]
        if host_agency_ids is None:
            return sites
        return [s for s in sites if s.host_agency_id in host_agency_ids]

    async def add_supervisor(self, site_id: int, person_id: int, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO site_supervisors (site_id, person_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (site_id, person_id) WHERE revoked_at IS NULL DO NOTHING",
            (site_id, person_id, ts(now)),
        )

    async def supervised_by(self, person_id: int) -> list[Site]:
        async with self._conn.execute(
            f"SELECT {', '.join('s.' + c.strip() for c in _COLUMNS.split(','))} FROM sites s"
            " JOIN site_supervisors ss ON ss.site_id = s.id"
            " WHERE ss.person_id = ? AND ss.revoked_at IS NULL ORDER BY s.name COLLATE NOCASE",
            (person_id,),
        ) as cur:
            return [_site(r) for r in await cur.fetchall()]

    async def supervisors_of(self, site_id: int) -> list[int]:
        async with self._conn.execute(
            "SELECT person_id FROM site_supervisors WHERE site_id = ? AND revoked_at IS NULL",
            (site_id,),
        ) as cur:
            return [int(r[0]) for r in await cur.fetchall()]
