from datetime import date, datetime

import aiosqlite

from domain.reminders import PHONE_CALL, TELEGRAM, Recipient, SessionFacts, SessionNow
from storage.repositories._sql import ts


class ReminderRepository:
    """The facts the reminder planner needs, gathered in one pass."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def upcoming(self, first: datetime, last: datetime) -> list[SessionFacts]:
        """Planned sessions of active cases starting in [first, last)."""
        async with self._conn.execute(
            "SELECT s.id, s.case_id, c.code, s.site_id, t.name, t.timezone, s.day, s.starts_at,"
            " s.ends_at, c.offender_name, p.id AS pid, p.telegram_user_id, p.language_code,"
            " t.address, t.latitude, t.longitude,"
            " EXISTS (SELECT 1 FROM case_phones f WHERE f.case_id = c.id) AS by_phone,"
            " k.id AS kid, k.telegram_user_id AS k_chat, k.language_code AS k_lang"
            " FROM sessions s JOIN cases c ON c.id = s.case_id JOIN sites t ON t.id = s.site_id"
            " LEFT JOIN people p ON p.id = c.offender_person_id"
            # Who phones an offender without Telegram: the PK, or the jaksa if there is none.
            " LEFT JOIN people k ON k.id = COALESCE(c.pk_person_id, c.jaksa_person_id)"
            " WHERE s.status = 'planned' AND c.status = 'aktif'"
            " AND s.starts_at >= ? AND s.starts_at < ? ORDER BY s.starts_at, s.id",
            (ts(first), ts(last)),
        ) as cur:
            rows = await cur.fetchall()
        supervisors = await self._supervisors({int(r["site_id"]) for r in rows})
        return [
            SessionFacts(
                session_id=r["id"],
                case_id=r["case_id"],
                case_code=r["code"],
                site_id=r["site_id"],
                site_name=r["name"],
                timezone=r["timezone"],
                day=date.fromisoformat(r["day"]),
                starts_at=datetime.fromisoformat(r["starts_at"]),
                ends_at=datetime.fromisoformat(r["ends_at"]),
                offender=(
                    Recipient(r["pid"], r["telegram_user_id"], r["language_code"])
                    if r["pid"] is not None and r["telegram_user_id"] > 0
                    else None
                ),
                offender_name=r["offender_name"],
                supervisors=supervisors.get(int(r["site_id"]), ()),
                site_address=r["address"],
                site_latitude=r["latitude"],
                site_longitude=r["longitude"],
                channel=PHONE_CALL if r["by_phone"] else TELEGRAM,
                caller=(
                    Recipient(r["kid"], r["k_chat"], r["k_lang"])
                    if r["by_phone"] and r["kid"] is not None and r["k_chat"] > 0
                    else None
                ),
            )
            for r in rows
        ]

    async def sessions_now(self, session_ids: set[int]) -> dict[int, SessionNow]:
        """Each session as it stands now: planned at what time, attended, excused. Sessions
        cancelled, or of a case no longer active, come back without a start."""
        if not session_ids:
            return {}
        marks = ",".join("?" * len(session_ids))
        async with self._conn.execute(
            "SELECT s.id, s.starts_at, s.status = 'planned' AND c.status = 'aktif' AS planned,"
            " EXISTS (SELECT 1 FROM attendances a WHERE a.session_id = s.id) AS attended,"
            " EXISTS (SELECT 1 FROM absences b WHERE b.case_id = s.case_id AND b.day = s.day"
            " AND b.withdrawn_at IS NULL)"
            " AS excused"
            f" FROM sessions s JOIN cases c ON c.id = s.case_id WHERE s.id IN ({marks})",
            tuple(sorted(session_ids)),
        ) as cur:
            rows = await cur.fetchall()
        return {
            int(r["id"]): SessionNow(
                starts_at=datetime.fromisoformat(r["starts_at"]) if r["planned"] else None,
                attended=bool(r["attended"]),
                excused=bool(r["excused"]),
            )
            for r in rows
        }

    async def _supervisors(self, site_ids: set[int]) -> dict[int, tuple[Recipient, ...]]:
        if not site_ids:
            return {}
        ids = sorted(site_ids)
        async with self._conn.execute(
            "SELECT ss.site_id, p.id, p.telegram_user_id, p.language_code"
            " FROM site_supervisors ss JOIN people p ON p.id = ss.person_id"
            " JOIN memberships m ON m.person_id = p.id AND m.role = 'pengawas'"
            " AND m.revoked_at IS NULL"
            f" WHERE ss.revoked_at IS NULL AND ss.site_id IN ({','.join('?' * len(ids))})"
            " GROUP BY ss.site_id, p.id ORDER BY p.id",
            ids,
        ) as cur:
            found: dict[int, list[Recipient]] = {}
            for r in await cur.fetchall():
                found.setdefault(int(r[0]), []).append(Recipient(r[1], r[2], r[3]))
        return {site: tuple(people) for site, people in found.items()}

    async def unannounced_changes(self) -> list[dict[str, object]]:
        """Moves and cancellations the offender has not been told about yet."""
        async with self._conn.execute(
            "SELECT e.id, e.kind, e.old_starts_at, e.new_starts_at, e.reason, s.site_id,"
            " c.code, p.id AS pid, p.telegram_user_id, p.language_code, t.timezone, t.name"
            " FROM session_events e JOIN sessions s ON s.id = e.session_id"
            " JOIN cases c ON c.id = s.case_id JOIN sites t ON t.id = s.site_id"
            " JOIN people p ON p.id = c.offender_person_id"
            " WHERE e.notified_at IS NULL AND p.telegram_user_id > 0 ORDER BY e.id"
        ) as cur:
            return [dict(r) for r in await cur.fetchall()]

    async def mark_announced(self, event_id: int, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE session_events SET notified_at = ? WHERE id = ?", (ts(now), event_id)
        )
