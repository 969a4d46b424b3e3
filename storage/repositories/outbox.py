import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.repositories._sql import parse_ts, ts


@dataclass(frozen=True)
class OutboxRow:
    id: int
    dedupe_key: str
    chat_id: int
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    attempts: int


class OutboxRepository:
    """Messages the bot sends on its own: planned idempotently, sent once."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        #: Rows planned through this connection, ever: a use case compares it before and
        #: after its transaction to know whether to wake the dispatcher.
        self.planned = 0

    async def add(
        self,
        *,
        dedupe_key: str,
        chat_id: int,
        kind: str,
        payload: dict[str, Any],
        due_at: datetime,
        now: datetime,
    ) -> bool:
        """Plan a message; False if one with the same key exists (re-planning is harmless)."""
        cur = await self._conn.execute(
            "INSERT INTO outbox (dedupe_key, chat_id, kind, payload, due_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
            (
                dedupe_key,
                chat_id,
                kind,
                json.dumps(payload, ensure_ascii=False),
                ts(due_at),
                ts(now),
            ),
        )
        added = cur.rowcount == 1
        self.planned += added
        return added

    async def planned_already(self, dedupe_key: str) -> bool:
        """Whether a message with this key was planned (sent or not): what is planned once
        need not be computed again."""
        async with self._conn.execute(
            "SELECT 1 FROM outbox WHERE dedupe_key = ?", (dedupe_key,)
        ) as cur:
            return await cur.fetchone() is not None

    async def due(self, now: datetime, limit: int) -> list[OutboxRow]:
        async with self._conn.execute(
            "SELECT id, dedupe_key, chat_id, kind, payload, due_at, attempts FROM outbox"
            " WHERE status = 'pending' AND due_at <= ?"
            " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
            " ORDER BY due_at, id LIMIT ?",
            (ts(now), ts(now), limit),
        ) as cur:
            rows = await cur.fetchall()
        return [
            OutboxRow(
                id=r["id"],
                dedupe_key=r["dedupe_key"],
                chat_id=r["chat_id"],
                kind=r["kind"],
                payload=json.loads(r["payload"]),
                due_at=datetime.fromisoformat(r["due_at"]),
                attempts=r["attempts"],
            )
            for r in rows
        ]

    async def mark_sent(self, row_id: int, *, message_id: int | None, now: datetime) -> None:
        await self._conn.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, message_id = ?,"
            " attempts = attempts + 1 WHERE id = ?",
            (ts(now), message_id, row_id),
        )

    async def mark(self, row_id: int, status: str, error: str) -> None:
        await self._conn.execute(
            "UPDATE outbox SET status = ?, last_error = ? WHERE id = ?", (status, error, row_id)
        )

    async def retry_later(self, row_id: int, *, at: datetime, error: str) -> None:
        await self._conn.execute(
            "UPDATE outbox SET next_attempt_at = ?, attempts = attempts + 1, last_error = ?"
            " WHERE id = ?",
            (ts(at), error, row_id),
        )

    async def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its pending messages follow it."""
        await self._conn.execute(
            "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
            (new_chat_id, old_chat_id),
        )

    async def mark_unreachable(self, chat_id: int, *, reason: str, now: datetime) -> bool:
        """Record that a chat cannot be reached; True the first time (to tell someone once)."""
        cur = await self._conn.execute(
            "INSERT INTO unreachable_chats (chat_id, since, reason) VALUES (?, ?, ?)"
            " ON CONFLICT (chat_id) DO NOTHING",
            (chat_id, ts(now), reason),
        )
        await self._conn.execute(
            "UPDATE outbox SET status = 'unreachable', last_error = ?"
            " WHERE chat_id = ? AND status = 'pending'",
            (reason, chat_id),
        )
        return cur.rowcount == 1

    async def reachable_again(self, chat_id: int) -> None:
        await self._conn.execute("DELETE FROM unreachable_chats WHERE chat_id = ?", (chat_id,))

    async def is_unreachable(self, chat_id: int) -> bool:
        async with self._conn.execute(
            "SELECT 1 FROM unreachable_chats WHERE chat_id = ?", (chat_id,)
        ) as cur:
            return await cur.fetchone() is not None

    async def pending_count(self) -> int:
        async with self._conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def last_sent_at(self) -> datetime | None:
        async with self._conn.execute("SELECT MAX(sent_at) FROM outbox") as cur:
            row = await cur.fetchone()
        return parse_ts(row[0]) if row else None

    async def counts(self) -> dict[str, int]:
        async with self._conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status") as cur:
            return {str(r[0]): int(r[1]) for r in await cur.fetchall()}
