"""The database, its WAL, backups, exports and evidence are owner-only, whatever the umask.

The CLI sets umask 077, but the code must not depend on it: these run with umask 000, the
most permissive a careless wrapper could leave.
"""

import os
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot import cli
from bot.config import DB_FILENAME, Settings
from services.personal_data import export_case
from tests.e2e.conftest import TOKEN, Bot
from tests.e2e.test_attendance import _photo, _site_day


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_personal_data_is_owner_only_whatever_the_umask(
    open_umask: None, bot: Bot, tmp_path: Path
) -> None:
    day = await _site_day(bot)
    case = day["case"]
    await _photo(bot, day["pengawas"], ago=timedelta(hours=1), caption=f"/hadir {case.code}")

    data = bot.data_dir
    assert mode(data) == 0o700
    database = data / DB_FILENAME
    for name in (DB_FILENAME, f"{DB_FILENAME}-wal", f"{DB_FILENAME}-shm"):
        assert mode(data / name) == 0o600, name
    evidence = data / "evidence"
    assert mode(evidence) == 0o700
    files = list(evidence.iterdir())
    assert files and all(mode(f) == 0o600 for f in files)

    settings = Settings(
        bot_token=TOKEN,  # type: ignore[arg-type]
        data_dir=data,
        _env_file=None,  # type: ignore[call-arg]
    )
    assert settings.database_path == database
    backup = tmp_path / "backups" / "copy.sqlite3"
    assert cli._backup(settings, backup) == 0
    assert mode(backup) == 0o600 and mode(backup.parent) == 0o700

    export = tmp_path / "export.zip"
    await export_case(bot.db.reader(), case, target=export, now=bot.clock())
    assert mode(export) == 0o600
