"""Use cases called as the CLI calls them: a real database, an actor, a set "now"."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.db import Database


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "kerjasosial.sqlite3")
    yield database
    await database.close()
