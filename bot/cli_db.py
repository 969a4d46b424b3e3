"""The database as the CLI's reading and data commands open it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.config import Settings
from storage.db import Database


class NoDatabase(Exception):
    """The settings point at a database that is not there."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no database at {path}")


@asynccontextmanager
async def existing_database(
    settings: Settings, *, migrate: bool = False
) -> AsyncIterator[Database]:
    """The database the bot uses; a mistyped data folder must not get an empty new one."""
    if not settings.database_path.exists():
        raise NoDatabase(settings.database_path)
    db = await Database.open(settings.database_path, migrate=migrate)
    try:
        yield db
    finally:
        await db.close()
