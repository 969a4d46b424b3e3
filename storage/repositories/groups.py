from dataclasses import dataclass
from datetime import datetime, time

import aiosqlite

from storage.repositories._sql import ts


@dataclass(frozen=True)
class AgencyGroup:
    chat_id: int
    agency_id: int | None
    title: str | None
    active: bool
    digest_weekday: int
    digest_time: time
    language: str


def _group(row: aiosqlite.Row) -> AgencyGroup:
    return AgencyGroup(
        chat_id=row["chat_id"],
        agency_id=row["agency_id"],
        title=row["title"],
        active=bool(row["active"]),
        digest_weekday=row["digest_weekday"],
        digest_time=time.fromisoformat(row["digest_time"]),
        language=row["language"],
    )


_COLUMNS = "chat_id, agency_id, title, active, digest_weekday, digest_time, language"


class GroupRepository:
    """Agency groups: where weekly digests go."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def added(self, chat_id: int, *, title: str | None, by: int, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO agency_groups (chat_id, title, added_by, active, created_at)"
            " VALUES (?, ?, ?, 1, ?) ON CONFLICT (chat_id) DO UPDATE SET active = 1,"
            " title = excluded.title, added_by = excluded.added_by",
            (chat_id, title, by, ts(now)),
        )

    async def link(self, chat_id: int, agency_id: int, *, by: int | None, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE agency_groups SET agency_id = ?, linked_by = ?, linked_at = ?, active = 1"
            " WHERE chat_id = ?",
            (agency_id, by, ts(now), chat_id),
        )

    async def removed(self, chat_id: int) -> None:
        await self._conn.execute(
            "UPDATE agency_groups SET active = 0 WHERE chat_id = ?", (chat_id,)
        )
        await self._conn.execute(
            "UPDATE outbox SET status = 'skipped', last_error = 'bot removed from the group'"
            " WHERE chat_id = ? AND status = 'pending'",
            (chat_id,),
        )

    async def migrated(self, old_chat_id: int, new_chat_id: int) -> None:
        await self._conn.execute(
            "UPDATE agency_groups SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
        )

    async def get(self, chat_id: int) -> AgencyGroup | None:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM agency_groups WHERE chat_id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        return _group(row) if row else None

    async def linked(self) -> list[AgencyGroup]:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM agency_groups WHERE active = 1 AND agency_id IS NOT NULL"
        ) as cur:
            return [_group(r) for r in await cur.fetchall()]

    async def set_digest(self, chat_id: int, *, weekday: int, at: time, language: str) -> None:
        await self._conn.execute(
            "UPDATE agency_groups SET digest_weekday = ?, digest_time = ?, language = ?"
            " WHERE chat_id = ?",
            (weekday, at.strftime("%H:%M"), language, chat_id),
        )
