from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from storage.repositories._sql import parse_ts, ts

_STARTED = "runtime.started_at"
_HEARTBEAT = "runtime.heartbeat_at"
_STOPPED = "runtime.stopped_at"


@dataclass(frozen=True)
class RuntimeState:
    started_at: datetime | None  # None once the bot stopped cleanly
    heartbeat_at: datetime | None
    stopped_at: datetime | None


class RuntimeRepository:
    """The running bot's start and heartbeat, kept in ``meta`` so that another process
    (``kerjasosial status``) can tell whether it runs."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def started(self, now: datetime) -> None:
        await self._set(_STARTED, now)
        await self._set(_HEARTBEAT, now)
        await self._conn.execute("DELETE FROM meta WHERE key = ?", (_STOPPED,))

    async def heartbeat(self, now: datetime) -> None:
        await self._set(_HEARTBEAT, now)

    async def stopped(self, now: datetime) -> None:
        await self._set(_STOPPED, now)
        await self._conn.execute("DELETE FROM meta WHERE key = ?", (_STARTED,))

    async def state(self) -> RuntimeState:
        async with self._conn.execute(
            "SELECT key, value FROM meta WHERE key IN (?, ?, ?)", (_STARTED, _HEARTBEAT, _STOPPED)
        ) as cur:
            values = {str(r[0]): str(r[1]) for r in await cur.fetchall()}
        return RuntimeState(
            started_at=parse_ts(values.get(_STARTED)),
            heartbeat_at=parse_ts(values.get(_HEARTBEAT)),
            stopped_at=parse_ts(values.get(_STOPPED)),
        )

    async def _set(self, key: str, value: datetime) -> None:
        await self._conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, ts(value)),
        )
