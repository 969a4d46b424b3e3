"""A backup taken while the bot runs, restored after the database is ruined, gives a working
bot: what was recorded before the backup is there, a supervisor checks someone in, and the
audit chain verifies."""

import os
from pathlib import Path

import pytest

from tests.e2e.processes import (
    CHECKED_IN,
    PENGAWAS,
    fake_api,
    seed_cases,
    start_bot,
    stop_bot,
)
from tests.e2e.test_cli import _cli
from tests.fakebot.server import FakeBotApi

#: A real `kerjasosial` process: robustness, not the calendar (see tests/calendar_sweep).
pytestmark = pytest.mark.process


async def _check_in(fake: FakeBotApi, code: str) -> str:
    mark = fake.mark()
    fake.send_photo(PENGAWAS, caption=f"/hadir {code}", size=(64, 48))
    [answer] = await fake.wait_sent(PENGAWAS, after=mark, timeout=10)
    return answer.plain or ""


async def test_a_restored_backup_gives_a_working_bot(tmp_path: Path) -> None:
    codes = await seed_cases(tmp_path, 2)
    database = tmp_path / "data" / "kerjasosial.sqlite3"
    backup = tmp_path / "backups" / "kerjasosial.sqlite3"
    log = tmp_path / "bot.log"
    async with fake_api() as fake:
        fake.create_user(PENGAWAS, "Pengawas")
        bot = await start_bot(tmp_path, fake, log)
        try:
            assert CHECKED_IN in await _check_in(fake, codes[0])
            code, out, err = await _cli(tmp_path, "backup", str(backup))
            assert code == 0, out + err
            # Restoring under a running bot would pull the file from under it.
            code, _, err = await _cli(tmp_path, "restore", str(backup))
            assert code == 1 and "stop the bot" in err and "nothing was changed" in err
        finally:
            await stop_bot(bot)

        database.write_bytes(os.urandom(8192))  # the disk ruined the database
        code, out, err = await _cli(tmp_path, "restore", str(backup))
        assert code == 0, out + err
        assert "integrity ok" in out and "audit log intact" in out
        assert database.stat().st_mode & 0o077 == 0
        [ruined] = (tmp_path / "data").glob("kerjasosial.sqlite3.before-restore-*")
        assert ruined.stat().st_size == 8192  # kept aside, not deleted

        bot = await start_bot(tmp_path, fake, log)
        try:
            assert "sudah tercatat hadir" in await _check_in(fake, codes[0])
            assert CHECKED_IN in await _check_in(fake, codes[1])
        finally:
            await stop_bot(bot)

    code, out, _ = await _cli(tmp_path, "audit", "verify")
    assert code == 0 and "intact" in out
