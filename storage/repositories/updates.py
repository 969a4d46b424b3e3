from datetime import datetime, timedelta

import aiosqlite

from storage.repositories._sql import ts


class ProcessedUpdateRepository:
    """Telegram update ids already handled, so a re-delivered update is not handled twice."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def seen(self, update_id: int) -> bool:
        async with self._conn.execute(
            "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
        ) as cur:
            return await cur.fetchone() is not None

    async def mark(self, update_id: int, now: datetime) -> bool:
        """Record the update; False if it had been recorded already."""
        cur = await self._conn.execute(
            "INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)"
            " ON CONFLICT (update_id) DO NOTHING",
            (update_id, ts(now)),
        )
        return cur.rowcount == 1

    async def forget_before(self, cutoff: datetime) -> int:
        cur = await self._conn.execute(
            "DELETE FROM processed_updates WHERE processed_at < ?", (ts(cutoff),)
        )
        return cur.rowcount


class RedemptionFailureRepository:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(self, telegram_user_id: int, now: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO redemption_failures (telegram_user_id, at) VALUES (?, ?)",
            (telegram_user_id, ts(now)),
        )

    async def since(
        self, telegram_user_id: int, window: timedelta, now: datetime
    ) -> list[datetime]:
        async with self._conn.execute(
            "SELECT at FROM redemption_failures WHERE telegram_user_id = ? AND at > ?",
            (telegram_user_id, ts(now - window)),
        ) as cur:
            return [datetime.fromisoformat(r[0]) for r in await cur.fetchall()]

    async def forget_before(self, cutoff: datetime) -> int:
        cur = await self._conn.execute(
            "DELETE FROM redemption_failures WHERE at < ?", (ts(cutoff),)
        )
        return cur.rowcount
