"""What follows a *tidak sah* (KUHP Pasal 85 ayat 7), and the record that closes a case:
rulings changed with their old value kept, warnings, how a case ended, the documents kept
with it, and the letterhead and NIPs those documents carry."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.repositories._sql import parse_ts, ts

_STANDS = "withdrawn_at IS NULL"
_VOIDED = (
    "EXISTS (SELECT 1 FROM attendance_events e WHERE e.attendance_id = a.id AND e.kind = 'void')"
)


@dataclass(frozen=True)
class Warning:
    level: int
    text: str
    at: datetime
    by_person_id: int | None


@dataclass(frozen=True)
class RulingChange:
    absence_id: int
    day: str
    old_ruling: str
    new_ruling: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class Closure:
    outcome: str  # "selesai" or "tidak_selesai"
    consequence: str | None  # "penjara" or "denda" when the replaced sentence follows
    minutes_total: int
    minutes_credited: int
    penalty_ordered: str | None
    penalty_part: str | None
    basis: str | None
    reason: str | None
    by_person_id: int | None
    at: datetime

    @property
    def minutes_outstanding(self) -> int:
        return max(0, self.minutes_total - self.minutes_credited)


@dataclass(frozen=True)
class Letterhead:
    name: str
    address: str | None
    logo: bytes | None


class ConsequenceRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    # -- rulings ---------------------------------------------------------------------------

    async def change_ruling(
        self, absence_id: int, *, ruling: str, reason: str, by: int | None, now: datetime
    ) -> bool:
        """Replace a standing ruling, keeping the old one and its reason; False if the
        absence is not ruled, is withdrawn, or already says ``ruling``."""
        async with self._conn.execute(
            f"SELECT ruling, ruling_reason FROM absences WHERE id = ? AND {_STANDS}"
            " AND ruling IS NOT NULL AND ruling != ?",
            (absence_id, ruling),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return False
        await self._conn.execute(
            "INSERT INTO ruling_changes (absence_id, old_ruling, old_reason, new_ruling, reason,"
            " by_person_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (absence_id, row[0], row[1], ruling, reason, by, ts(now)),
        )
        await self._conn.execute(
            "UPDATE absences SET ruling = ?, ruling_reason = ?, ruled_by = ?, ruled_at = ?"
            " WHERE id = ?",
            (ruling, reason, by, ts(now), absence_id),
        )
        return True

    async def ruling_changes_of_case(self, case_id: int) -> list[RulingChange]:
        async with self._conn.execute(
            "SELECT c.absence_id, a.day, c.old_ruling, c.new_ruling, c.reason, c.at"
            " FROM ruling_changes c JOIN absences a ON a.id = c.absence_id"
            " WHERE a.case_id = ? ORDER BY c.at, c.id",
            (case_id,),
        ) as cur:
            return [
                RulingChange(
                    int(r[0]),
                    str(r[1]),
                    str(r[2]),
                    str(r[3]),
                    str(r[4]),
                    datetime.fromisoformat(r[5]),
                )
                for r in await cur.fetchall()
            ]

    async def invalid_absences(self, case_id: int) -> list[dict[str, object]]:
        """The case's standing absences ruled *tidak sah*, by day."""
        async with self._conn.execute(
            "SELECT id, day, category, reason, ruling_reason, ruled_at FROM absences"
            f" WHERE case_id = ? AND ruling = 'tidak_sah' AND {_STANDS} ORDER BY day, id",
            (case_id,),
        ) as cur:
            return [dict(r) for r in await cur.fetchall()]

    async def absences_for_record(self, case_id: int) -> list[dict[str, object]]:
        """The case's standing absences with their rulings and the rulings' reasons."""
        async with self._conn.execute(
            "SELECT id, day, category, reason, source, ruling, ruling_reason FROM absences"
            f" WHERE case_id = ? AND {_STANDS} ORDER BY day, id",
            (case_id,),
        ) as cur:
            return [dict(r) for r in await cur.fetchall()]

    async def sent_home_for_behaviour(self, case_id: int) -> int:
        async with self._conn.execute(
            "SELECT COUNT(*) FROM sent_home h JOIN attendances a ON a.id = h.attendance_id"
            f" WHERE a.case_id = ? AND h.cause = 'perilaku' AND NOT {_VOIDED}",
            (case_id,),
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def violations_by_case(self, case_ids: list[int]) -> dict[int, int]:
        """Absences ruled *tidak sah* plus days sent home for behaviour, per case."""
        found: dict[int, int] = {}
        if not case_ids:
            return found
        marks = ",".join("?" * len(case_ids))
        async with self._conn.execute(
            f"SELECT case_id, COUNT(*) FROM absences WHERE case_id IN ({marks})"
            f" AND ruling = 'tidak_sah' AND {_STANDS} GROUP BY case_id"
            " UNION ALL SELECT a.case_id, COUNT(*) FROM sent_home h"
            f" JOIN attendances a ON a.id = h.attendance_id WHERE a.case_id IN ({marks})"
            f" AND h.cause = 'perilaku' AND NOT {_VOIDED} GROUP BY a.case_id",
            (*case_ids, *case_ids),
        ) as cur:
            for case_id, count in await cur.fetchall():
                found[int(case_id)] = found.get(int(case_id), 0) + int(count)
        return found

    # -- warnings --------------------------------------------------------------------------

    async def add_warning(
        self,
        case_id: int,
        *,
        level: int,
        text: str,
        absence_id: int | None,
        by: int | None,
        now: datetime,
    ) -> bool:
        """False if that level was given already (a second press, a replay)."""
        cur = await self._conn.execute(
            "INSERT INTO warnings (case_id, level, text, absence_id, by_person_id, at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (case_id, level, text, absence_id, by, ts(now)),
        )
        return cur.rowcount == 1

    async def warnings_of_case(self, case_id: int) -> list[Warning]:
        async with self._conn.execute(
            "SELECT level, text, at, by_person_id FROM warnings WHERE case_id = ? ORDER BY level",
            (case_id,),
        ) as cur:
            return [
                Warning(int(r[0]), str(r[1]), datetime.fromisoformat(r[2]), r[3])
                for r in await cur.fetchall()
            ]

    # -- how a case ended ------------------------------------------------------------------

    async def close(
        self,
        case_id: int,
        *,
        outcome: str,
        consequence: str | None,
        minutes_total: int,
        minutes_credited: int,
        penalty_ordered: str | None,
        penalty_part: str | None,
        basis: str | None,
        reason: str | None,
        by: int | None,
        now: datetime,
    ) -> bool:
        """Record how the case ended and set its status; False if it is not running (or,
        for a completion, not completed) any more."""
        if outcome == "tidak_selesai":
            cur = await self._conn.execute(
                "UPDATE cases SET status = 'ditutup', closed_at = ?"
                " WHERE id = ? AND status = 'aktif'",
                (ts(now), case_id),
            )
            if cur.rowcount != 1:
                return False
        await self._conn.execute(
            "INSERT INTO case_closures (case_id, outcome, consequence, minutes_total,"
            " minutes_credited, penalty_ordered, penalty_part, basis, reason, by_person_id, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET"
            " outcome = excluded.outcome, consequence = excluded.consequence,"
            " minutes_total = excluded.minutes_total, minutes_credited = excluded.minutes_credited,"
            " penalty_ordered = excluded.penalty_ordered, penalty_part = excluded.penalty_part,"
            " basis = excluded.basis, reason = excluded.reason,"
            " by_person_id = excluded.by_person_id, at = excluded.at",
            (
                case_id,
                outcome,
                consequence,
                minutes_total,
                minutes_credited,
                penalty_ordered,
                penalty_part,
                basis,
                reason,
                by,
                ts(now),
            ),
        )
        return True

    async def reopened(self, case_id: int) -> None:
        """A correction took a completed case below its hours: its closing record is void."""
        await self._conn.execute(
            "DELETE FROM case_closures WHERE case_id = ? AND outcome = 'selesai'", (case_id,)
        )
        await self._conn.execute("DELETE FROM case_documents WHERE case_id = ?", (case_id,))

    async def closure(self, case_id: int) -> Closure | None:
        async with self._conn.execute(
            "SELECT outcome, consequence, minutes_total, minutes_credited, penalty_ordered,"
            " penalty_part, basis, reason, by_person_id, at FROM case_closures WHERE case_id = ?",
            (case_id,),
        ) as cur:
            r = await cur.fetchone()
        if r is None:
            return None
        at = parse_ts(r[9])
        assert at is not None
        return Closure(str(r[0]), r[1], int(r[2]), int(r[3]), r[4], r[5], r[6], r[7], r[8], at)

    # -- documents -------------------------------------------------------------------------

    async def keep_document(
        self, case_id: int, kind: str, content: bytes, *, now: datetime
    ) -> bool:
        """Keep the first one made: the same file every time it is asked for."""
        cur = await self._conn.execute(
            "INSERT INTO case_documents (case_id, kind, made_at, sha256, content)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (case_id, kind, ts(now), hashlib.sha256(content).hexdigest(), content),
        )
        return cur.rowcount == 1

    async def document(self, case_id: int, kind: str) -> bytes | None:
        async with self._conn.execute(
            "SELECT content FROM case_documents WHERE case_id = ? AND kind = ?", (case_id, kind)
        ) as cur:
            row = await cur.fetchone()
        return bytes(row[0]) if row else None

    async def forget_case(self, case_id: int) -> None:
        """UU PDP: a purged case keeps its numbers, not the documents and words naming the
        person."""
        await self._conn.execute("DELETE FROM case_documents WHERE case_id = ?", (case_id,))
        await self._conn.execute(
            "UPDATE warnings SET text = '[dihapus]' WHERE case_id = ?", (case_id,)
        )
        await self._conn.execute(
            "UPDATE case_closures SET reason = '[dihapus]'"
            " WHERE case_id = ? AND reason IS NOT NULL",
            (case_id,),
        )

    # -- letterhead and signatures ---------------------------------------------------------

    async def letterhead(self, agency_id: int) -> Letterhead | None:
        async with self._conn.execute(
            "SELECT name, address, logo FROM agencies WHERE id = ?", (agency_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return Letterhead(str(row[0]), row[1], bytes(row[2]) if row[2] is not None else None)

    async def set_letterhead(
        self, agency_id: int, *, address: str | None, logo: bytes | None
    ) -> None:
        """``None`` leaves a part as it was."""
        if address is not None:
            await self._conn.execute(
                "UPDATE agencies SET address = ? WHERE id = ?", (address, agency_id)
            )
        if logo is not None:
            await self._conn.execute("UPDATE agencies SET logo = ? WHERE id = ?", (logo, agency_id))

    async def nip_of(self, person_id: int) -> str | None:
        async with self._conn.execute("SELECT nip FROM people WHERE id = ?", (person_id,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row and row[0] else None

    async def set_nip(self, person_id: int, nip: str) -> None:
        await self._conn.execute("UPDATE people SET nip = ? WHERE id = ?", (nip, person_id))
