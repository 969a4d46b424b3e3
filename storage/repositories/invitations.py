from datetime import datetime

import aiosqlite

from domain.models import Invitation
from domain.roles import Role
from storage.repositories._sql import ts

_COLUMNS = (
    "id, role, agency_id, created_by, created_at, expires_at, used_at, used_by, site_id, case_id"
)


class InvitationRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(
        self,
        *,
        token_hash: str,
        role: Role,
        agency_id: int,
        created_by: int,
        now: datetime,
        expires_at: datetime,
        site_id: int | None = None,
        case_id: int | None = None,
    ) -> Invitation:
        cur = await self._conn.execute(
            "INSERT INTO invitations (token_hash, role, agency_id, created_by, created_at,"
            " expires_at, site_id, case_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token_hash,
                role.value,
                agency_id,
                created_by,
                ts(now),
                ts(expires_at),
                site_id,
                case_id,
            ),
        )
        invitation = await self._one("id = ?", int(cur.lastrowid or 0))
        assert invitation is not None
        return invitation

    async def by_token_hash(self, token_hash: str) -> Invitation | None:
        return await self._one("token_hash = ?", token_hash)

    async def mark_used(self, invitation_id: int, *, by: int, now: datetime) -> bool:
        """Claim the invitation; False if someone else claimed it first (single use)."""
        cur = await self._conn.execute(
            "UPDATE invitations SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
            (ts(now), by, invitation_id),
        )
        return cur.rowcount == 1

    async def _one(self, where: str, arg: object) -> Invitation | None:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM invitations WHERE {where}", (arg,)
        ) as cur:
            row = await cur.fetchone()
        return Invitation.model_validate(dict(row)) if row else None
