from collections.abc import Mapping
from datetime import datetime
from typing import Any

import aiosqlite

from domain.audit import (
    GENESIS_HASH,
    AuditRecord,
    ChainProblem,
    canonical_detail,
    chain_hash,
    verify_chain,
)
from storage.repositories._sql import parse_ts, ts

_HEAD_KEY = "audit_head"


class AuditRepository:
    """Append-only, hash-chained log of who did what (and who was refused)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def append(
        self,
        *,
        action: str,
        now: datetime,
        actor_telegram_id: int | None = None,
        actor_person_id: int | None = None,
        update_id: int | None = None,
        subject: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> int:
        """Must run inside a transaction, so the chain and its head move together."""
        head = await self._head()
        prev_id, prev_hash = head if head else (0, GENESIS_HASH)
        record = AuditRecord(
            id=prev_id + 1,
            at=datetime.fromisoformat(ts(now)),
            actor_telegram_id=actor_telegram_id,
            actor_person_id=actor_person_id,
            update_id=update_id,
            action=action,
            subject=subject,
            detail=canonical_detail(detail),
        )
        digest = chain_hash(prev_hash, record)
        await self._conn.execute(
            "INSERT INTO audit_log (id, at, actor_telegram_id, actor_person_id, update_id,"
            " action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.id,
                ts(record.at),
                actor_telegram_id,
                actor_person_id,
                update_id,
                action,
                subject,
                record.detail,
                prev_hash,
                digest,
            ),
        )
        await self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (_HEAD_KEY, f"{record.id}:{digest}"),
        )
        return record.id

    async def verify(self) -> tuple[int, list[ChainProblem]]:
        """``(rows checked, problems)``; no problems means nothing was edited or removed."""
        rows = []
        async with self._conn.execute(
            "SELECT id, at, actor_telegram_id, actor_person_id, update_id, action, subject,"
            " detail, prev_hash, hash FROM audit_log ORDER BY id"
        ) as cur:
            async for r in cur:
                at = parse_ts(r["at"])
                assert at is not None
                record = AuditRecord(
                    id=r["id"],
                    at=at,
                    actor_telegram_id=r["actor_telegram_id"],
                    actor_person_id=r["actor_person_id"],
                    update_id=r["update_id"],
                    action=r["action"],
                    subject=r["subject"],
                    detail=r["detail"],
                )
                rows.append((record, r["prev_hash"], r["hash"]))
        return len(rows), verify_chain(rows, await self._head())

    async def rows_about(self, subjects: list[str]) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for start in range(0, len(subjects), 500):
            chunk = subjects[start : start + 500]
            async with self._conn.execute(
                "SELECT id, at, actor_telegram_id, actor_person_id, update_id, action, subject,"
                f" detail FROM audit_log WHERE subject IN ({','.join('?' * len(chunk))})"
                " ORDER BY id",
                chunk,
            ) as cur:
                rows += [dict(r) for r in await cur.fetchall()]
        return sorted(rows, key=lambda r: int(str(r["id"])))

    async def count(self, action: str | None = None) -> int:
        sql, args = "SELECT COUNT(*) FROM audit_log", tuple[str, ...]()
        if action is not None:
            sql, args = sql + " WHERE action = ?", (action,)
        async with self._conn.execute(sql, args) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def _head(self) -> tuple[int, str] | None:
        async with self._conn.execute("SELECT value FROM meta WHERE key = ?", (_HEAD_KEY,)) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        row_id, digest = str(row[0]).split(":", 1)
        return int(row_id), digest
