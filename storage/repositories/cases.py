import json
from collections import Counter
from datetime import date, datetime

import aiosqlite

from domain.authority import CaseFilter
from domain.cases import CaseDraft, case_code
from domain.models import Case, Session
from storage.repositories._sql import ts

_CASE = (
    "id, code, agency_id, offender_name, offender_person_id, decision_number, court,"
    " decision_date, hours_total, hours_per_day, weekdays, session_start, site_id, start_date,"
    " deadline, consequence, replaced_penalty, jaksa_person_id, pk_person_id, status, created_at,"
    " closed_at"
)
_SESSION = "id, case_id, site_id, day, starts_at, ends_at, minutes, status"


def _case(row: aiosqlite.Row) -> Case:
    data = dict(row)
    data["weekdays"] = frozenset(int(d) for d in str(data["weekdays"]).split(",") if d)
    return Case.model_validate(data)


def weekdays_text(weekdays: frozenset[int]) -> str:
    return ",".join(str(d) for d in sorted(weekdays))


class CaseRepository:
    """Cases and their planned sessions."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def next_code(self, year: int) -> str:
        """The next KS-<year>-NNNN; inside the creating transaction, so codes never repeat."""
        await self._conn.execute(
            "INSERT INTO case_sequences (year, last) VALUES (?, 1)"
            " ON CONFLICT (year) DO UPDATE SET last = last + 1",
            (year,),
        )
        async with self._conn.execute(
            "SELECT last FROM case_sequences WHERE year = ?", (year,)
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return case_code(year, int(row[0]))

    async def add(
        self, draft: CaseDraft, *, agency_id: int, code: str, created_by: int | None, now: datetime
    ) -> Case:
        t = draft.terms
        cur = await self._conn.execute(
            "INSERT INTO cases (code, agency_id, offender_name, decision_number, court,"
            " decision_date, hours_total, hours_per_day, weekdays, session_start, site_id,"
            " start_date, deadline, consequence, replaced_penalty, jaksa_person_id, pk_person_id,"
            " created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                code,
                agency_id,
                draft.offender_name,
                draft.decision_number,
                draft.court,
                draft.decision_date.isoformat(),
                t.hours_total,
                t.hours_per_day,
                weekdays_text(t.weekdays),
                t.session_start.strftime("%H:%M"),
                draft.site_id,
                t.start_date.isoformat(),
                t.deadline.isoformat(),
                draft.consequence.value,
                draft.replaced_penalty,
                draft.jaksa_person_id,
                draft.pk_person_id,
                ts(now),
                created_by,
            ),
        )
        case = await self.get(int(cur.lastrowid or 0))
        assert case is not None
        return case

    async def get(self, case_id: int) -> Case | None:
        return await self._one("id = ?", case_id)

    async def by_code(self, code: str) -> Case | None:
        return await self._one("code = ?", code.strip().upper())

    async def by_decision_number(self, number: str) -> Case | None:
        return await self._one("lower(decision_number) = lower(?)", number)

    async def existing_decision_numbers(self, numbers: list[str]) -> set[str]:
        """Which of these decision numbers (case-insensitively) already have a case."""
        found: set[str] = set()
        for start in range(0, len(numbers), 500):
            chunk = [n.lower() for n in numbers[start : start + 500]]
            marks = ",".join("?" * len(chunk))
            async with self._conn.execute(
                "SELECT lower(decision_number) FROM cases"
                f" WHERE lower(decision_number) IN ({marks})",
                chunk,
            ) as cur:
                found |= {str(r[0]) for r in await cur.fetchall()}
        return found

    async def for_agencies(
        self, agency_ids: set[int] | None, *, active_only: bool = True
    ) -> list[Case]:
        sql = f"SELECT {_CASE} FROM cases"
        where, args = [], []
        if active_only:
            where.append("status = 'aktif'")
        if agency_ids is not None:
            ids = sorted(agency_ids) or [-1]
            where.append(f"agency_id IN ({','.join('?' * len(ids))})")
            args += ids
        if where:
            sql += " WHERE " + " AND ".join(where)
        async with self._conn.execute(sql + " ORDER BY code", args) as cur:
            return [_case(r) for r in await cur.fetchall()]

    async def visible(self, scope: CaseFilter, *, active_only: bool = True) -> list[Case]:
        """The cases ``scope`` reaches (see ``domain.authority.case_filter``), by code."""
        where, args = [], []
        if active_only:
            where.append("status = 'aktif'")
        if not scope.everything:
            any_of = []
            for column, ids in (("agency_id", scope.agency_ids), ("site_id", scope.site_ids)):
                if ids:
                    any_of.append(f"{column} IN ({','.join('?' * len(ids))})")
                    args += sorted(ids)
            if scope.person_id is not None:
                any_of.append("? IN (pk_person_id, offender_person_id)")
                args.append(scope.person_id)
            where.append("(" + (" OR ".join(any_of) or "0") + ")")
        sql = f"SELECT {_CASE} FROM cases"
        if where:
            sql += " WHERE " + " AND ".join(where)
        async with self._conn.execute(sql + " ORDER BY code", args) as cur:
            return [_case(r) for r in await cur.fetchall()]

    async def of_offender(self, person_id: int) -> list[Case]:
        async with self._conn.execute(
            f"SELECT {_CASE} FROM cases WHERE offender_person_id = ? ORDER BY code", (person_id,)
        ) as cur:
            return [_case(r) for r in await cur.fetchall()]

    async def link_offender(self, case_id: int, person_id: int) -> None:
        await self._conn.execute(
            "UPDATE cases SET offender_person_id = ? WHERE id = ?", (person_id, case_id)
        )

    async def take_pk(self, case_id: int, person_id: int) -> bool:
        """A PK takes a running case that has none; False if another took it first."""
        cur = await self._conn.execute(
            "UPDATE cases SET pk_person_id = ? WHERE id = ? AND status = 'aktif'"
            " AND pk_person_id IS NULL",
            (person_id, case_id),
        )
        return cur.rowcount == 1

    async def hand_over(
        self, case_id: int, *, jaksa_person_id: int | None = None, pk_person_id: int | None = None
    ) -> bool:
        """Make another jaksa (or PK) responsible for an active case; False if the case is no
        longer active. Notices follow these columns, so the new person gets them from now."""
        column, person_id = (
            ("jaksa_person_id", jaksa_person_id)
            if jaksa_person_id is not None
            else ("pk_person_id", pk_person_id)
        )
        assert person_id is not None
        cur = await self._conn.execute(
            f"UPDATE cases SET {column} = ? WHERE id = ? AND status = 'aktif'",
            (person_id, case_id),
        )
        return cur.rowcount == 1

    async def _one(self, where: str, arg: object) -> Case | None:
        async with self._conn.execute(f"SELECT {_CASE} FROM cases WHERE {where}", (arg,)) as cur:
            row = await cur.fetchone()
        return _case(row) if row else None

    # -- sessions -----------------------------------------------------------------------

    async def add_sessions(
        self,
        *,
        case_id: int,
        site_id: int,
        sessions: list[tuple[date, datetime, datetime, int]],
        now: datetime,
    ) -> None:
        """Store planned ``(day, starts_at, ends_at, minutes)`` in one statement."""
        await self._conn.executemany(
            "INSERT INTO sessions (case_id, site_id, day, starts_at, ends_at, minutes, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (case_id, site_id, day.isoformat(), ts(start), ts(end), minutes, ts(now))
                for day, start, end, minutes in sessions
            ],
        )

    async def sessions_of(self, case_id: int, *, planned_only: bool = True) -> list[Session]:
        sql = f"SELECT {_SESSION} FROM sessions WHERE case_id = ?"
        if planned_only:
            sql += " AND status = 'planned'"
        async with self._conn.execute(sql + " ORDER BY day", (case_id,)) as cur:
            return [Session.model_validate(dict(r)) for r in await cur.fetchall()]

    async def case_sessions_on(self, case_id: int, day: date) -> list[Session]:
        """The case's sessions on one local day, cancelled ones included."""
        async with self._conn.execute(
            f"SELECT {_SESSION} FROM sessions WHERE case_id = ? AND day = ?",
            (case_id, day.isoformat()),
        ) as cur:
            return [Session.model_validate(dict(r)) for r in await cur.fetchall()]

    async def planned_minutes_from(self, case_ids: list[int], day: date) -> dict[int, int]:
        """Minutes of the sessions still planned from ``day`` on, per case."""
        async with self._conn.execute(
            "SELECT case_id, SUM(minutes) FROM sessions WHERE status = 'planned' AND day >= ?"
            " AND case_id IN (SELECT value FROM json_each(?)) GROUP BY case_id",
            (day.isoformat(), json.dumps(case_ids)),
        ) as cur:
            return {int(case_id): int(minutes) for case_id, minutes in await cur.fetchall()}

    async def session(self, session_id: int) -> Session | None:
        async with self._conn.execute(
            f"SELECT {_SESSION} FROM sessions WHERE id = ?", (session_id,)
        ) as cur:
            row = await cur.fetchone()
        return Session.model_validate(dict(row)) if row else None

    async def site_sessions(self, site_id: int, first: date, last: date) -> list[Session]:
        async with self._conn.execute(
            f"SELECT {_SESSION} FROM sessions WHERE site_id = ? AND status = 'planned'"
            " AND day BETWEEN ? AND ? ORDER BY starts_at",
            (site_id, first.isoformat(), last.isoformat()),
        ) as cur:
            return [Session.model_validate(dict(r)) for r in await cur.fetchall()]

    async def site_bookings(
        self, site_id: int, first: date, last: date, *, excluding_case: int | None = None
    ) -> Counter[date]:
        """Offenders already booked at the site on each day (for its capacity)."""
        async with self._conn.execute(
            "SELECT day, COUNT(*) FROM sessions WHERE site_id = ? AND status = 'planned'"
            " AND day BETWEEN ? AND ? AND case_id IS NOT ? GROUP BY day",
            (site_id, first.isoformat(), last.isoformat(), excluding_case),
        ) as cur:
            return Counter({date.fromisoformat(r[0]): int(r[1]) for r in await cur.fetchall()})

    async def session_events_of(self, case_id: int) -> list[dict[str, object]]:
        async with self._conn.execute(
            "SELECT e.id, e.session_id, e.kind, e.old_starts_at, e.new_starts_at, e.reason,"
            " e.by_person_id, e.at FROM session_events e JOIN sessions s ON s.id = e.session_id"
            " WHERE s.case_id = ? ORDER BY e.id",
            (case_id,),
        ) as cur:
            return [dict(r) for r in await cur.fetchall()]

    async def closed_at(self, case_id: int) -> datetime | None:
        async with self._conn.execute(
            "SELECT closed_at FROM cases WHERE id = ?", (case_id,)
        ) as cur:
            row = await cur.fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def complete(self, case_id: int, *, now: datetime) -> None:
        """The hours are done: the case is finished, and its retention period starts."""
        await self._conn.execute(
            "UPDATE cases SET status = 'selesai', closed_at = ? WHERE id = ? AND status = 'aktif'",
            (ts(now), case_id),
        )

    async def reopen(self, case_id: int) -> None:
        """A correction took the hours below the total again: the case runs on."""
        await self._conn.execute(
            "UPDATE cases SET status = 'aktif', closed_at = NULL"
            " WHERE id = ? AND status = 'selesai'",
            (case_id,),
        )

    async def anonymise(self, case_id: int, *, code: str, now: datetime) -> None:
        """Keep the numbers, drop what names the person (UU PDP: data minimisation)."""
        await self._conn.execute(
            "UPDATE cases SET offender_name = '[dihapus]', decision_number = ?,"
            " replaced_penalty = '[dihapus]', offender_person_id = NULL, purged_at = ?"
            " WHERE id = ?",
            (f"[dihapus {code}]", ts(now), case_id),
        )

    async def sessions_on(self, day: date) -> int:
        """Planned sessions on a day, anywhere: what a new day off would affect."""
        async with self._conn.execute(
            "SELECT COUNT(*) FROM sessions WHERE day = ? AND status = 'planned'", (day.isoformat(),)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def planned_on(self, day: date) -> list[Session]:
        """The planned sessions of a day, anywhere, by start: what a new day off moves."""
        async with self._conn.execute(
            f"SELECT {_SESSION} FROM sessions WHERE day = ? AND status = 'planned'"
            " ORDER BY starts_at, id",
            (day.isoformat(),),
        ) as cur:
            return [Session.model_validate(dict(r)) for r in await cur.fetchall()]

    async def cancel_session(self, session_id: int) -> bool:
        cur = await self._conn.execute(
            "UPDATE sessions SET status = 'cancelled' WHERE id = ? AND status = 'planned'",
            (session_id,),
        )
        return cur.rowcount == 1

    async def move_session(
        self, session_id: int, *, day: date, starts_at: datetime, ends_at: datetime
    ) -> None:
        await self._conn.execute(
            "UPDATE sessions SET day = ?, starts_at = ?, ends_at = ? WHERE id = ?",
            (day.isoformat(), ts(starts_at), ts(ends_at), session_id),
        )

    async def add_session_event(
        self,
        *,
        session_id: int,
        kind: str,
        old_starts_at: datetime,
        new_starts_at: datetime | None,
        reason: str,
        by: int | None,
        now: datetime,
    ) -> int:
        """The new event's id, for the notices that name it."""
        cur = await self._conn.execute(
            "INSERT INTO session_events (session_id, kind, old_starts_at, new_starts_at, reason,"
            " by_person_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                kind,
                ts(old_starts_at),
                ts(new_starts_at) if new_starts_at else None,
                reason,
                by,
                ts(now),
            ),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    # -- import batches (services.importing) ----------------------------------------------

    async def start_import(self, *, by: int | None, now: datetime) -> int:
        cur = await self._conn.execute(
            "INSERT INTO import_batches (started_at, started_by) VALUES (?, ?)", (ts(now), by)
        )
        return int(cur.lastrowid or 0)

    async def stamp_import(
        self, batch_id: int, *, case_ids: list[int] | None = None, site_ids: list[int] | None = None
    ) -> None:
        """Mark these rows as added by the batch, in the transaction that added them."""
        for table, ids in (("cases", case_ids), ("sites", site_ids)):
            if ids:
                await self._conn.execute(
                    f"UPDATE {table} SET import_batch_id = ?"
                    " WHERE id IN (SELECT value FROM json_each(?))",
                    (batch_id, json.dumps(ids)),
                )

    async def finish_import(self, batch_id: int, *, undone: bool, now: datetime) -> bool:
        """A running batch becomes done (published) or undone; False if it was not running."""
        cur = await self._conn.execute(
            "UPDATE import_batches SET state = ?, finished_at = ?"
            " WHERE id = ? AND state = 'running'",
            ("undone" if undone else "done", ts(now), batch_id),
        )
        return cur.rowcount == 1

    async def unfinished_imports(self) -> list[int]:
        async with self._conn.execute(
            "SELECT id FROM import_batches WHERE state = 'running' ORDER BY id"
        ) as cur:
            return [int(r[0]) for r in await cur.fetchall()]

    async def remove_imported(self, batch_id: int, *, limit: int) -> int:
        """Delete up to ``limit`` cases of an unfinished batch, with their sessions, unused
        invitations and pending reminders; returns how many. A case someone has acted on in
        the meantime (an attendance, an absence, a redeemed invitation, a linked offender) is
        not deleted: see ``imported_codes``."""
        async with self._conn.execute(
            "SELECT id FROM cases c WHERE import_batch_id = ? AND offender_person_id IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM attendances a WHERE a.case_id = c.id)"
            " AND NOT EXISTS (SELECT 1 FROM absences b WHERE b.case_id = c.id)"
            " AND NOT EXISTS (SELECT 1 FROM ledger_days l WHERE l.case_id = c.id)"
            " AND NOT EXISTS"
            " (SELECT 1 FROM invitations i WHERE i.case_id = c.id AND i.used_at IS NOT NULL)"
            " ORDER BY id DESC LIMIT ?",
            (batch_id, limit),
        ) as cur:
            ids = json.dumps([int(r[0]) for r in await cur.fetchall()])
        batch = "(SELECT value FROM json_each(?))"
        sessions = f"(SELECT id FROM sessions WHERE case_id IN {batch})"
        # A reminder planned about one of these sessions goes too: a session planned later
        # may be given the same id.
        await self._conn.execute(
            "UPDATE outbox SET status = 'skipped', last_error = 'import taken back'"
            " WHERE status = 'pending' AND EXISTS (SELECT 1 FROM json_each(outbox.payload,"
            f" '$.about') a WHERE json_extract(a.value, '$[0]') IN {sessions})",
            (ids,),
        )
        await self._conn.execute(
            f"DELETE FROM session_events WHERE session_id IN {sessions}", (ids,)
        )
        await self._conn.execute(f"DELETE FROM sessions WHERE case_id IN {batch}", (ids,))
        await self._conn.execute(f"DELETE FROM invitations WHERE case_id IN {batch}", (ids,))
        cur = await self._conn.execute(f"DELETE FROM cases WHERE id IN {batch}", (ids,))
        return cur.rowcount

    async def remove_imported_sites(self, batch_id: int) -> int:
        """Delete the batch's sites that nothing else has come to use; returns how many."""
        cur = await self._conn.execute(
            "DELETE FROM sites WHERE import_batch_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.site_id = sites.id)"
            " AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.site_id = sites.id)"
            " AND NOT EXISTS (SELECT 1 FROM attendances a WHERE a.site_id = sites.id)"
            " AND NOT EXISTS (SELECT 1 FROM site_supervisors p WHERE p.site_id = sites.id)"
            " AND NOT EXISTS (SELECT 1 FROM invitations i WHERE i.site_id = sites.id)",
            (batch_id,),
        )
        return cur.rowcount

    async def imported_codes(self, batch_id: int) -> list[str]:
        """The codes of the batch's cases still stored."""
        async with self._conn.execute(
            "SELECT code FROM cases WHERE import_batch_id = ? ORDER BY id", (batch_id,)
        ) as cur:
            return [str(r[0]) for r in await cur.fetchall()]
