"""Offenders without Telegram: the number to phone, and the calls made.

The number is kept apart from the case (table ``case_phones``), so a ``Case`` read anywhere
never carries it; only the call list and the case's own people ask for it here.
"""

from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from storage.repositories._sql import ts


@dataclass(frozen=True)
class CallItem:
    """One session of an offender without Telegram, on someone's call list."""

    session_id: int
    case_id: int
    case_code: str
    offender_name: str
    phone: str
    site_name: str
    site_address: str
    timezone: str
    day: date
    starts_at: datetime
    ends_at: datetime
    called_at: datetime | None  # "sudah dihubungi", for the session at this time


class PhoneRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def phone_of(self, case_id: int) -> str | None:
        async with self._conn.execute(
            "SELECT phone FROM case_phones WHERE case_id = ?", (case_id,)
        ) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def set_phone(self, case_id: int, phone: str, *, by: int | None, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO case_phones (case_id, phone, set_by, set_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (case_id) DO UPDATE SET phone = excluded.phone,"
            " set_by = excluded.set_by, set_at = excluded.set_at",
            (case_id, phone, by, ts(now)),
        )

    async def clear(self, case_id: int) -> bool:
        cur = await self._conn.execute("DELETE FROM case_phones WHERE case_id = ?", (case_id,))
        return cur.rowcount == 1

    async def forget_call_lists(self, case_id: int) -> None:
        """Call lists that named this case's offender keep no text (and so no number): for
        the purge of a finished case, long after they were sent."""
        await self._conn.execute(
            "UPDATE outbox SET payload = json_object('text', '[dihapus]')"
            " WHERE kind = 'remind.call_list' AND EXISTS (SELECT 1 FROM json_each(outbox.payload,"
            " '$.about') a WHERE json_extract(a.value, '$[0]') IN"
            " (SELECT id FROM sessions WHERE case_id = ?))",
            (case_id,),
        )

    async def without_telegram(self, case_ids: set[int]) -> set[int]:
        """Which of these cases are reached by phone."""
        if not case_ids:
            return set()
        marks = ",".join("?" * len(case_ids))
        async with self._conn.execute(
            f"SELECT case_id FROM case_phones WHERE case_id IN ({marks})", tuple(sorted(case_ids))
        ) as cur:
            return {int(r[0]) for r in await cur.fetchall()}

    async def call_items(
        self, *, caller_person_id: int, day: date, session_ids: set[int] | None = None
    ) -> list[CallItem]:
        """The planned sessions on ``day`` of active cases without Telegram that this
        person phones: the case's PK, or its jaksa when it has none."""
        sql = (
            "SELECT s.id, s.case_id, c.code, c.offender_name, p.phone, t.name, t.address,"
            " t.timezone, s.day, s.starts_at, s.ends_at,"
            " (SELECT m.at FROM calls_made m WHERE m.session_id = s.id"
            "  AND m.starts_at = s.starts_at) AS called_at"
            " FROM sessions s JOIN cases c ON c.id = s.case_id"
            " JOIN case_phones p ON p.case_id = c.id JOIN sites t ON t.id = s.site_id"
            " WHERE s.status = 'planned' AND c.status = 'aktif' AND s.day = ?"
            " AND COALESCE(c.pk_person_id, c.jaksa_person_id) = ?"
        )
        args: list[object] = [day.isoformat(), caller_person_id]
        if session_ids is not None:
            sql += " AND s.id IN (SELECT value FROM json_each(?))"
            args.append("[" + ",".join(str(i) for i in sorted(session_ids)) + "]")
        async with self._conn.execute(sql + " ORDER BY s.starts_at, c.code", args) as cur:
            rows = await cur.fetchall()
        return [
            CallItem(
                session_id=r[0],
                case_id=r[1],
                case_code=r[2],
                offender_name=r[3],
                phone=r[4],
                site_name=r[5],
                site_address=r[6],
                timezone=r[7],
                day=date.fromisoformat(r[8]),
                starts_at=datetime.fromisoformat(r[9]),
                ends_at=datetime.fromisoformat(r[10]),
                called_at=datetime.fromisoformat(r[11]) if r[11] else None,
            )
            for r in rows
        ]

    async def mark_called(
        self, session_id: int, starts_at: datetime, *, by: int | None, now: datetime
    ) -> bool:
        """False if the call was marked already."""
        cur = await self._conn.execute(
            "INSERT INTO calls_made (session_id, starts_at, by_person_id, at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (session_id, starts_at) DO NOTHING",
            (session_id, ts(starts_at), by, ts(now)),
        )
        return cur.rowcount == 1
