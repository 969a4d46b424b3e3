from datetime import datetime

import aiosqlite

from domain.models import Membership, Person
from domain.roles import Role
from storage.repositories._sql import ts

_PERSON = "id, telegram_user_id, full_name, language_code, created_at"
_MEMBERSHIP = "id, person_id, agency_id, role, created_at, revoked_at"
_PERSON_NAMES = [c.strip() for c in _PERSON.split(",")]
_MEMBERSHIP_NAMES = [c.strip() for c in _MEMBERSHIP.split(",")]
_WITH_MEMBERSHIPS = (
    f"SELECT {', '.join('p.' + c for c in _PERSON_NAMES)},"
    f" {', '.join('m.' + c for c in _MEMBERSHIP_NAMES)} FROM people p"
    " LEFT JOIN memberships m ON m.person_id = p.id AND m.revoked_at IS NULL"
    " WHERE p.telegram_user_id = ? ORDER BY m.id"
)


class PeopleRepository:
    """People and their memberships (person x agency x role)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def by_telegram_id(self, telegram_user_id: int) -> Person | None:
        async with self._conn.execute(
            f"SELECT {_PERSON} FROM people WHERE telegram_user_id = ?", (telegram_user_id,)
        ) as cur:
            row = await cur.fetchone()
        return Person.model_validate(dict(row)) if row else None

    async def with_memberships(
        self, telegram_user_id: int
    ) -> tuple[Person | None, list[Membership]]:
        """The person with this Telegram id and their active memberships, in one query:
        every update reads both for its sender."""
        async with self._conn.execute(_WITH_MEMBERSHIPS, (telegram_user_id,)) as cur:
            rows = list(await cur.fetchall())
        if not rows:
            return None, []
        width = len(_PERSON_NAMES)
        first = tuple(rows[0])
        person = Person.model_validate(dict(zip(_PERSON_NAMES, first[:width], strict=True)))
        memberships = [
            Membership.model_validate(dict(zip(_MEMBERSHIP_NAMES, tuple(r)[width:], strict=True)))
            for r in rows
            if r[width] is not None
        ]
        return person, memberships

    async def get(self, person_id: int) -> Person | None:
        async with self._conn.execute(
            f"SELECT {_PERSON} FROM people WHERE id = ?", (person_id,)
        ) as cur:
            row = await cur.fetchone()
        return Person.model_validate(dict(row)) if row else None

    async def ensure(
        self, *, telegram_user_id: int, full_name: str, language_code: str | None, now: datetime
    ) -> Person:
        """The person with this Telegram id, created if new; their name follows Telegram's."""
        await self._conn.execute(
            "INSERT INTO people (telegram_user_id, full_name, language_code, created_at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (telegram_user_id) DO UPDATE SET"
            " full_name = excluded.full_name, language_code = excluded.language_code",
            (telegram_user_id, full_name, language_code, ts(now)),
        )
        person = await self.by_telegram_id(telegram_user_id)
        assert person is not None
        return person

    async def anonymise_if_unattached(self, person_id: int) -> bool:
        """Forget who a person was, once they hold no role and follow no other case."""
        async with self._conn.execute(
            "SELECT (SELECT COUNT(*) FROM memberships WHERE person_id = ? AND revoked_at IS NULL)"
            " + (SELECT COUNT(*) FROM cases WHERE offender_person_id = ?)",
            (person_id, person_id),
        ) as cur:
            row = await cur.fetchone()
        if row and row[0]:
            return False
        # Negative ids never collide with Telegram's, and keep the column unique.
        await self._conn.execute(
            "UPDATE people SET full_name = '[dihapus]', telegram_user_id = -id,"
            " language_code = NULL WHERE id = ?",
            (person_id,),
        )
        return True

    async def memberships_of(self, person_id: int, *, active_only: bool = True) -> list[Membership]:
        sql = f"SELECT {_MEMBERSHIP} FROM memberships WHERE person_id = ?"
        if active_only:
            sql += " AND revoked_at IS NULL"
        async with self._conn.execute(sql + " ORDER BY id", (person_id,)) as cur:
            return [Membership.model_validate(dict(r)) for r in await cur.fetchall()]

    async def membership(self, membership_id: int) -> Membership | None:
        async with self._conn.execute(
            f"SELECT {_MEMBERSHIP} FROM memberships WHERE id = ?", (membership_id,)
        ) as cur:
            row = await cur.fetchone()
        return Membership.model_validate(dict(row)) if row else None

    async def add_membership(
        self,
        *,
        person_id: int,
        agency_id: int,
        role: Role,
        invitation_id: int | None,
        now: datetime,
    ) -> Membership | None:
        """Grant a role; None if the person already holds it in that agency."""
        cur = await self._conn.execute(
            "INSERT INTO memberships (person_id, agency_id, role, invitation_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (person_id, agency_id, role) WHERE revoked_at IS NULL DO NOTHING",
            (person_id, agency_id, role.value, invitation_id, ts(now)),
        )
        if cur.rowcount == 0:
            return None
        return await self.membership(int(cur.lastrowid or 0))

    async def active_memberships(
        self, *, role: Role, agency_ids: set[int] | None
    ) -> list[Membership]:
        """Active memberships with ``role`` (in these agencies, or anywhere if None)."""
        sql, args = self._scope(f"SELECT {_MEMBERSHIP} FROM memberships", agency_ids)
        async with self._conn.execute(
            sql + " AND role = ? ORDER BY id", (*args, role.value)
        ) as cur:
            return [Membership.model_validate(dict(r)) for r in await cur.fetchall()]

    async def revoke(self, membership_id: int, *, by: int | None, now: datetime) -> bool:
        cur = await self._conn.execute(
            "UPDATE memberships SET revoked_at = ?, revoked_by = ?"
            " WHERE id = ? AND revoked_at IS NULL",
            (ts(now), by, membership_id),
        )
        return cur.rowcount == 1

    async def count_with_active_membership(self, agency_ids: set[int] | None) -> int:
        """How many people hold an active role (in these agencies, or anywhere if None)."""
        sql, args = self._scope("SELECT COUNT(DISTINCT person_id) FROM memberships", agency_ids)
        async with self._conn.execute(sql, args) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def page_with_active_membership(
        self, agency_ids: set[int] | None, *, offset: int, limit: int
    ) -> list[Person]:
        """People holding an active role, by name; a page of them."""
        inner, args = self._scope("SELECT DISTINCT person_id FROM memberships", agency_ids)
        sql = (
            f"SELECT {_PERSON} FROM people WHERE id IN ({inner})"
            " ORDER BY full_name COLLATE NOCASE, id LIMIT ? OFFSET ?"
        )
        async with self._conn.execute(sql, (*args, limit, offset)) as cur:
            return [Person.model_validate(dict(r)) for r in await cur.fetchall()]

    @staticmethod
    def _scope(select: str, agency_ids: set[int] | None) -> tuple[str, tuple[int, ...]]:
        sql = select + " WHERE revoked_at IS NULL"
        if agency_ids is None:
            return sql, ()
        ids = tuple(sorted(agency_ids))
        if not ids:
            return sql + " AND 0", ()
        return sql + f" AND agency_id IN ({','.join('?' * len(ids))})", ids
