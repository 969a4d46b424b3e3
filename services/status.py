"""The bot's health at a glance, for ``/status`` and ``kerjasosial status``.

Both read only the database, so the CLI can answer from another process while the bot
runs. Whether the bot runs is judged by its heartbeat: a process killed outright leaves no
"stopped" mark, only a heartbeat that grows old.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from storage.db import Database

HEARTBEAT_EVERY = timedelta(seconds=30)
#: A heartbeat older than this means the bot is not running (three beats missed).
STALE_AFTER = 3 * HEARTBEAT_EVERY
UNDELIVERED = ("failed", "skipped", "unreachable")


@dataclass(frozen=True)
class BotStatus:
    started_at: datetime | None
    heartbeat_at: datetime | None
    stopped_at: datetime | None
    pending: int
    last_sent_at: datetime | None
    undelivered: dict[str, int]
    database_bytes: int

    def running(self, now: datetime) -> bool:
        return (
            self.started_at is not None
            and self.heartbeat_at is not None
            and now - self.heartbeat_at <= STALE_AFTER
        )


def database_bytes(path: Path) -> int:
    """The database with its write-ahead log, which holds the newest pages until a checkpoint."""
    files = (path, path.with_name(path.name + "-wal"))
    return sum(f.stat().st_size for f in files if f.exists())


async def read_status(db: Database) -> BotStatus:
    store = db.reader()
    runtime = await store.runtime.state()
    counts = await store.outbox.counts()
    return BotStatus(
        started_at=runtime.started_at,
        heartbeat_at=runtime.heartbeat_at,
        stopped_at=runtime.stopped_at,
        pending=counts.get("pending", 0),
        last_sent_at=await store.outbox.last_sent_at(),
        undelivered={status: counts.get(status, 0) for status in UNDELIVERED},
        database_bytes=database_bytes(db.path),
    )


async def record_start(db: Database, now: datetime) -> None:
    async with db.transaction() as store:
        await store.runtime.started(now)


async def record_heartbeat(db: Database, now: datetime) -> None:
    async with db.transaction() as store:
        await store.runtime.heartbeat(now)


async def record_stop(db: Database, now: datetime) -> None:
    async with db.transaction() as store:
        await store.runtime.stopped(now)
