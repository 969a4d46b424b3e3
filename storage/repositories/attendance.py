import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import aiosqlite

from domain.ledger import AttendanceEvent, EventKind
from storage.repositories._sql import ts

_EVENT = "id, attendance_id, kind, start_at, end_at, break_minutes, manual, reason"

# An attendance is open while it has a check-in and neither a check-out nor a void, nor a
# correction that gave it its end (as ``domain.ledger.fold`` reads the events).
_OPEN = (
    "EXISTS (SELECT 1 FROM attendance_events e WHERE e.attendance_id = a.id"
    " AND e.kind = 'check_in') AND NOT EXISTS (SELECT 1 FROM attendance_events e"
    " WHERE e.attendance_id = a.id AND (e.kind IN ('check_out', 'void')"
    " OR (e.kind = 'correction' AND e.end_at IS NOT NULL)))"
)


# An absence stands unless a correction withdrew it (the row is kept, marked).
_STANDS = "withdrawn_at IS NULL"

_KINDS = {kind.value: kind for kind in EventKind}


def _event(row: Sequence[Any]) -> AttendanceEvent:
    """A row in ``_EVENT``'s column order. By position: a check-out reads its case's every
    event, and by name this took twice as long as the query."""
    seq, attendance_id, kind, start, end, break_minutes, manual, reason = row
    return AttendanceEvent(
        seq,
        attendance_id,
        _KINDS[kind],
        None if start is None else datetime.fromisoformat(start),
        None if end is None else datetime.fromisoformat(end),
        break_minutes,
        bool(manual),
        reason,
    )


class AttendanceRepository:
    """Attendances as append-only events, their evidence, and absences."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def open_for_case(self, case_id: int) -> int | None:
        async with self._conn.execute(
            f"SELECT a.id FROM attendances a WHERE a.case_id = ? AND {_OPEN}", (case_id,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None

    async def open_at_sites(self, site_ids: set[int]) -> list[tuple[int, int, datetime]]:
        """``(attendance id, case id, checked in at)`` still open at these sites."""
        ids = sorted(site_ids) or [-1]
        async with self._conn.execute(
            "SELECT a.id, a.case_id, e.start_at FROM attendances a"
            " JOIN attendance_events e ON e.attendance_id = a.id AND e.kind = 'check_in'"
            f" WHERE a.site_id IN ({','.join('?' * len(ids))}) AND {_OPEN} ORDER BY e.start_at",
            ids,
        ) as cur:
            rows = await cur.fetchall()
        return [(int(r[0]), int(r[1]), datetime.fromisoformat(r[2])) for r in rows]

    async def attendance(self, attendance_id: int) -> tuple[int, int] | None:
        """``(case id, site id)`` of an attendance."""
        async with self._conn.execute(
            "SELECT case_id, site_id FROM attendances WHERE id = ?", (attendance_id,)
        ) as cur:
            row = await cur.fetchone()
        return (int(row[0]), int(row[1])) if row else None

    async def check_in(
        self,
        *,
        case_id: int,
        session_id: int | None,
        site_id: int,
        by: int | None,
        start: datetime,
        chat_id: int | None,
        message_id: int | None,
        location: tuple[float, float, float, bool] | None,
        now: datetime,
        manual: bool = False,
        reason: str | None = None,
    ) -> tuple[int, int]:
        """Open an attendance; ``(attendance id, event id)``. ``location`` is
        ``(latitude, longitude, distance to the site in metres, outside the geofence)``;
        ``manual`` with its ``reason`` when the time was typed afterwards (a paper sheet)."""
        cur = await self._conn.execute(
            "INSERT INTO attendances (case_id, session_id, site_id, supervisor_person_id,"
            " created_at) VALUES (?, ?, ?, ?, ?)",
            (case_id, session_id, site_id, by, ts(now)),
        )
        attendance_id = int(cur.lastrowid or 0)
        lat, lon, distance, outside = location if location else (None, None, None, False)
        event = await self._conn.execute(
            "INSERT INTO attendance_events (attendance_id, kind, start_at, by_person_id, chat_id,"
            " message_id, latitude, longitude, distance_m, outside_geofence, at, manual, reason)"
            " VALUES (?, 'check_in', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                attendance_id,
                ts(start),
                by,
                chat_id,
                message_id,
                lat,
                lon,
                distance,
                int(outside),
                ts(now),
                int(manual),
                reason,
            ),
        )
        return attendance_id, int(event.lastrowid or 0)

    async def add_event(
        self,
        *,
        attendance_id: int,
        kind: EventKind,
        by: int | None,
        now: datetime,
        start: datetime | None = None,
        end: datetime | None = None,
        break_minutes: int | None = None,
        manual: bool = False,
        reason: str | None = None,
        chat_id: int | None = None,
        message_id: int | None = None,
    ) -> int:
        cur = await self._conn.execute(
            "INSERT INTO attendance_events (attendance_id, kind, start_at, end_at, break_minutes,"
            " manual, reason, by_person_id, chat_id, message_id, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                attendance_id,
                kind.value,
                ts(start) if start else None,
                ts(end) if end else None,
                break_minutes,
                int(manual),
                reason,
                by,
                chat_id,
                message_id,
                ts(now),
            ),
        )
        return int(cur.lastrowid or 0)

    async def events_of_case(self, case_id: int) -> list[AttendanceEvent]:
        async with self._conn.execute(
            f"SELECT {', '.join('e.' + c.strip() for c in _EVENT.split(','))}"
            " FROM attendance_events e JOIN attendances a ON a.id = e.attendance_id"
            " WHERE a.case_id = ? ORDER BY e.id",
            (case_id,),
        ) as cur:
            return [_event(r) for r in await cur.fetchall()]

    async def events_by_case(self, case_ids: list[int]) -> dict[int, list[AttendanceEvent]]:
        """Every attendance event of these cases, in one pass per few hundred cases."""
        found: dict[int, list[AttendanceEvent]] = {}
        for start in range(0, len(case_ids), 900):
            chunk = case_ids[start : start + 900]
            async with self._conn.execute(
                f"SELECT a.case_id, {', '.join('e.' + c.strip() for c in _EVENT.split(','))}"
                " FROM attendance_events e JOIN attendances a ON a.id = e.attendance_id"
                f" WHERE a.case_id IN ({','.join('?' * len(chunk))}) ORDER BY e.id",
                chunk,
            ) as cur:
                for row in await cur.fetchall():
                    found.setdefault(int(row[0]), []).append(_event(row[1:]))
        return found

    async def invalid_absences_between(self, case_ids: list[int], start: date, end: date) -> int:
        """Absences ruled *tidak sah* on days in ``[start, end)``, over these cases; one withdrawn
        by a correction is not counted."""
        async with self._conn.execute(
            "SELECT COUNT(*) FROM absences WHERE ruling = 'tidak_sah' AND day >= ? AND day < ?"
            f" AND {_STANDS} AND case_id IN (SELECT value FROM json_each(?))",
            (start.isoformat(), end.isoformat(), json.dumps(case_ids)),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def flags_of_case(self, case_id: int) -> dict[int, float]:
        """Attendance id -> distance in metres, for check-ins flagged outside the geofence by
        a shared location or by the photo's own GPS."""
        async with self._conn.execute(
            "SELECT e.attendance_id, e.distance_m FROM attendance_events e"
            " JOIN attendances a ON a.id = e.attendance_id"
            " WHERE a.case_id = ? AND e.outside_geofence = 1"
            " UNION ALL SELECT e.attendance_id, v.exif_distance_m FROM evidence v"
            " JOIN attendance_events e ON e.id = v.attendance_event_id"
            " JOIN attendances a ON a.id = e.attendance_id"
            " WHERE a.case_id = ? AND v.exif_outside_geofence = 1",
            (case_id, case_id),
        ) as cur:
            flags: dict[int, float] = {}
            for row in await cur.fetchall():
                flags[int(row[0])] = max(flags.get(int(row[0]), 0.0), float(row[1] or 0))
            return flags

    async def checked_in_on(self, case_id: int, day_start: datetime, day_end: datetime) -> bool:
        async with self._conn.execute(
            "SELECT 1 FROM attendance_events e JOIN attendances a ON a.id = e.attendance_id"
            " WHERE a.case_id = ? AND e.kind = 'check_in' AND e.start_at >= ? AND e.start_at < ?",
            (case_id, ts(day_start), ts(day_end)),
        ) as cur:
            return await cur.fetchone() is not None

    # -- ratings --------------------------------------------------------------------------

    async def rate(
        self,
        attendance_id: int,
        rating: str,
        *,
        note: str | None = None,
        by: int | None,
        now: datetime,
    ) -> bool:
        """Keep the day's rating; False if this attendance was rated already (once only)."""
        cur = await self._conn.execute(
            "INSERT INTO attendance_ratings (attendance_id, rating, note, by_person_id, at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (attendance_id) DO NOTHING",
            (attendance_id, rating, note, by, ts(now)),
        )
        return cur.rowcount == 1

    async def ratings_of_case(self, case_id: int) -> dict[int, str]:
        """Attendance id -> rating, for the case's rated attendances."""
        return {k: rating for k, (rating, _) in (await self.rated_of_case(case_id)).items()}

    async def rated_of_case(self, case_id: int) -> dict[int, tuple[str, str | None]]:
        """Attendance id -> (rating, note), for the case's rated attendances."""
        async with self._conn.execute(
            "SELECT r.attendance_id, r.rating, r.note FROM attendance_ratings r"
            " JOIN attendances a ON a.id = r.attendance_id WHERE a.case_id = ?",
            (case_id,),
        ) as cur:
            return {int(row[0]): (str(row[1]), row[2]) for row in await cur.fetchall()}

    async def send_home(
        self, attendance_id: int, cause: str, reason: str, *, by: int | None, now: datetime
    ) -> None:
        await self._conn.execute(
            "INSERT INTO sent_home (attendance_id, cause, reason, by_person_id, at)"
            " VALUES (?, ?, ?, ?, ?)",
            (attendance_id, cause, reason, by, ts(now)),
        )

    async def sent_home_of_case(self, case_id: int) -> dict[int, tuple[str, str]]:
        """Attendance id -> (cause, reason), for the case's days cut short by the pengawas."""
        async with self._conn.execute(
            "SELECT h.attendance_id, h.cause, h.reason FROM sent_home h"
            " JOIN attendances a ON a.id = h.attendance_id WHERE a.case_id = ?",
            (case_id,),
        ) as cur:
            return {int(r[0]): (str(r[1]), str(r[2])) for r in await cur.fetchall()}

    # -- evidence -------------------------------------------------------------------------

    async def add_evidence(
        self,
        *,
        file_id: str,
        file_unique_id: str,
        size: int | None,
        now: datetime,
        event_id: int | None = None,
        absence_id: int | None = None,
        shared_with: int | None = None,
    ) -> int | None:
        """Record a photo to keep; None if this very photo was recorded before. With
        ``shared_with``, the photo is that evidence's, shown again for another person of the
        same roll-call: its row points at the first, which alone is downloaded."""
        cur = await self._conn.execute(
            "INSERT INTO evidence (attendance_event_id, absence_id, file_id, file_unique_id,"
            " size, created_at, shared_with) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (file_unique_id) WHERE shared_with IS NULL DO NOTHING",
            (event_id, absence_id, file_id, file_unique_id, size, ts(now), shared_with),
        )
        return int(cur.lastrowid) if cur.rowcount == 1 and cur.lastrowid else None

    async def evidence_seen(self, file_unique_id: str) -> bool:
        # Every photo used has exactly one row not ``shared_with`` another (the one a
        # roll-call's others point to): asking for it reads the unique index on
        # ``file_unique_id``, where without the condition SQLite read the whole table.
        async with self._conn.execute(
            "SELECT 1 FROM evidence WHERE file_unique_id = ? AND shared_with IS NULL",
            (file_unique_id,),
        ) as cur:
            return await cur.fetchone() is not None

    async def evidence_to_download(self, max_attempts: int) -> list[tuple[int, str]]:
        async with self._conn.execute(
            "SELECT id, file_id FROM evidence WHERE downloaded_at IS NULL AND attempts < ?"
            " AND shared_with IS NULL ORDER BY id",
            (max_attempts,),
        ) as cur:
            return [(int(r[0]), str(r[1])) for r in await cur.fetchall()]

    async def evidence_downloaded(
        self, evidence_id: int, *, sha256: str, path: str, size: int, now: datetime
    ) -> None:
        await self._conn.execute(
            "UPDATE evidence SET sha256 = ?, path = ?, size = ?, downloaded_at = ?,"
            " attempts = attempts + 1 WHERE id = ? OR shared_with = ?",
            (sha256, path, size, ts(now), evidence_id, evidence_id),
        )

    async def flag_repeated_evidence(self, evidence_id: int, sha256: str) -> dict[str, Any] | None:
        """If other evidence already has these bytes, mark this one as repeating it and return
        who must hear of it: the case, its jaksa and the supervisor who recorded it."""
        async with self._conn.execute(
            "SELECT id FROM evidence WHERE sha256 = ? AND id != ?"
            " AND COALESCE(shared_with, 0) != ? ORDER BY id LIMIT 1",
            (sha256, evidence_id, evidence_id),
        ) as cur:
            earlier = await cur.fetchone()
        if earlier is None:
            return None
        await self._conn.execute(
            "UPDATE evidence SET duplicate_of = ? WHERE id = ? OR shared_with = ?",
            (earlier["id"], evidence_id, evidence_id),
        )
        async with self._conn.execute(
            "SELECT c.id AS case_id, c.code, c.offender_name, c.jaksa_person_id,"
            " a.supervisor_person_id, e.kind"
            " FROM evidence v JOIN attendance_events e ON e.id = v.attendance_event_id"
            " JOIN attendances a ON a.id = e.attendance_id JOIN cases c ON c.id = a.case_id"
            " WHERE v.id = ?",
            (evidence_id,),
        ) as cur:
            row = await cur.fetchone()
        return {**dict(row), "duplicate_of": earlier["id"]} if row else None

    async def evidence_exif(
        self,
        evidence_id: int,
        *,
        taken_at: datetime | None,
        latitude: float | None,
        longitude: float | None,
        distance_m: float | None,
        outside: bool,
    ) -> None:
        await self._conn.execute(
            "UPDATE evidence SET exif_taken_at = ?, exif_latitude = ?, exif_longitude = ?,"
            " exif_distance_m = ?, exif_outside_geofence = ? WHERE id = ? OR shared_with = ?",
            (
                taken_at.isoformat() if taken_at else None,
                latitude,
                longitude,
                distance_m,
                int(outside),
                evidence_id,
                evidence_id,
            ),
        )

    async def site_of_evidence(self, evidence_id: int) -> int | None:
        """The site of the attendance a photo belongs to (None for an absence's letter)."""
        async with self._conn.execute(
            "SELECT a.site_id FROM evidence v JOIN attendance_events e"
            " ON e.id = v.attendance_event_id JOIN attendances a ON a.id = e.attendance_id"
            " WHERE v.id = ?",
            (evidence_id,),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else None

    async def evidence_failed(self, evidence_id: int) -> None:
        await self._conn.execute(
            "UPDATE evidence SET attempts = attempts + 1 WHERE id = ?", (evidence_id,)
        )

    async def evidence_paths_of_case(self, case_id: int) -> list[str]:
        async with self._conn.execute(
            # Two halves from the case to its photos, each through indexes: one query with
            # "attendance's case OR absence's case" read every piece of evidence.
            "SELECT v.path FROM attendances a"
            " JOIN attendance_events e ON e.attendance_id = a.id"
            " JOIN evidence v ON v.attendance_event_id = e.id"
            " WHERE a.case_id = ? AND v.path IS NOT NULL"
            " UNION ALL SELECT v.path FROM absences b JOIN evidence v ON v.absence_id = b.id"
            " WHERE b.case_id = ? AND v.path IS NOT NULL",
            (case_id, case_id),
        ) as cur:
            return [str(r[0]) for r in await cur.fetchall()]

    async def path_in_use(self, path: str) -> bool:
        """Whether some evidence still names this file (a group photo of other offenders, the
        same bytes sent for another case): a purge must keep it."""
        async with self._conn.execute("SELECT 1 FROM evidence WHERE path = ?", (path,)) as cur:
            return await cur.fetchone() is not None

    async def forget_evidence_of_case(self, case_id: int) -> None:
        """Drop the file references of a purged case (the files are deleted by the caller)."""
        await self._conn.execute(
            "UPDATE evidence SET path = NULL, file_id = '[dihapus]', sha256 = NULL"
            " WHERE attendance_event_id IN (SELECT e.id FROM attendance_events e"
            " JOIN attendances a ON a.id = e.attendance_id WHERE a.case_id = ?)"
            " OR absence_id IN (SELECT id FROM absences WHERE case_id = ?)",
            (case_id, case_id),
        )

    # -- absences -------------------------------------------------------------------------

    async def add_absence(
        self,
        *,
        case_id: int,
        day: date,
        category: str,
        reason: str | None,
        source: str,
        by: int | None,
        now: datetime,
        chat_id: int | None,
        message_id: int | None,
    ) -> int | None:
        """None if this absence was reported already (same case, day and reporter kind)."""
        cur = await self._conn.execute(
            "INSERT INTO absences (case_id, day, category, reason, source, reported_by,"
            " reported_at, chat_id, message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (case_id, day.isoformat(), category, reason, source, by, ts(now), chat_id, message_id),
        )
        return int(cur.lastrowid) if cur.rowcount == 1 and cur.lastrowid else None

    async def absence(self, absence_id: int) -> dict[str, object] | None:
        """The absence, withdrawn or not (``withdrawn_at`` says)."""
        async with self._conn.execute(
            "SELECT id, case_id, day, category, reason, source, ruling, withdrawn_at"
            " FROM absences WHERE id = ?",
            (absence_id,),
        ) as cur:
            row = await cur.fetchone()
        return dict(row) if row else None

    async def rule_absence(
        self,
        absence_id: int,
        *,
        ruling: str,
        consequence: str | None,
        by: int | None,
        now: datetime,
        reason: str | None = None,
    ) -> bool:
        """Rule once: False if someone ruled already, or a correction withdrew it."""
        cur = await self._conn.execute(
            "UPDATE absences SET ruling = ?, consequence = ?, ruled_by = ?, ruled_at = ?,"
            f" ruling_reason = ? WHERE id = ? AND ruling IS NULL AND {_STANDS}",
            (ruling, consequence, by, ts(now), reason, absence_id),
        )
        return cur.rowcount == 1

    async def withdraw_absence(
        self,
        absence_id: int,
        *,
        reason: str,
        attendance_id: int,
        by: int | None,
        now: datetime,
    ) -> bool:
        """Mark a standing absence withdrawn by a correction, naming the attendance it became;
        the row (its report and any ruling) is kept. False if it was withdrawn already."""
        cur = await self._conn.execute(
            "UPDATE absences SET withdrawn_at = ?, withdrawn_by = ?, withdrawn_reason = ?,"
            f" became_attendance_id = ? WHERE id = ? AND {_STANDS}",
            (ts(now), by, reason, attendance_id, absence_id),
        )
        return cur.rowcount == 1

    async def absences_of_case(
        self, case_id: int, *, withdrawn: bool = False
    ) -> list[dict[str, object]]:
        """The case's standing absences, by day; with ``withdrawn``, those a correction
        withdrew too (the full record, for the data subject's export)."""
        columns = "id, day, category, reason, source, ruling, consequence"
        if withdrawn:
            columns += ", withdrawn_at, withdrawn_reason, became_attendance_id"
        async with self._conn.execute(
            f"SELECT {columns} FROM absences WHERE case_id = ?"
            f"{'' if withdrawn else ' AND ' + _STANDS} ORDER BY day, id",
            (case_id,),
        ) as cur:
            return [dict(r) for r in await cur.fetchall()]
