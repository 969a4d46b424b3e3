"""Fetched updates kept until they are handled (see migration 0009)."""

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from storage.repositories._sql import ts


class InboxRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def keep(self, updates: Sequence[tuple[int, str]], now: datetime) -> None:
        """``(update id, the update as JSON)``; an update kept already stays as it was."""
        await self._conn.executemany(
            "INSERT INTO inbox (update_id, body, received_at) VALUES (?, ?, ?)"
            " ON CONFLICT (update_id) DO NOTHING",
            [(update_id, body, ts(now)) for update_id, body in updates],
        )

    async def forget_below(self, update_id: int) -> None:
        await self._conn.execute("DELETE FROM inbox WHERE update_id < ?", (update_id,))

    async def waiting(self) -> list[tuple[int, str]]:
        async with self._conn.execute(
            "SELECT update_id, body FROM inbox ORDER BY update_id"
        ) as cur:
            return [(int(update_id), str(body)) for update_id, body in await cur.fetchall()]
