"""``kerjasosial restore`` puts only a sound backup in place, and loses nothing it replaces."""

import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from bot.restore import RestoreRefused, restore_database
from storage.db import Database
from tests.storage.test_audit_log import _fill, _tamper


async def _database(path: Path, rows: int) -> None:
    db = await Database.open(path)
    await _fill(db, rows)
    await db.close()


def _audit_rows(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])
    finally:
        conn.close()


async def test_a_sound_backup_replaces_the_database_which_is_kept_aside(
    tmp_path: Path, now: datetime
) -> None:
    backup, target = tmp_path / "backup.sqlite3", tmp_path / "data" / "kerjasosial.sqlite3"
    await _database(backup, 3)
    await _database(target, 5)
    message = await restore_database(target, backup, now)
    assert "audit log intact (3 rows)" in message
    assert _audit_rows(target) == 3
    [kept] = target.parent.glob("kerjasosial.sqlite3.before-restore-*")
    assert kept.name.endswith(f"{now:%Y%m%dT%H%M%SZ}")  # when it was replaced, in UTC
    assert _audit_rows(kept) == 5
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(
        [target.name, kept.name]  # no staging file or stray WAL left behind
    )


async def test_a_backup_with_a_broken_audit_chain_is_refused(tmp_path: Path, now: datetime) -> None:
    backup, target = tmp_path / "backup.sqlite3", tmp_path / "data" / "kerjasosial.sqlite3"
    await _database(backup, 4)
    db = await Database.open(backup)
    _tamper(db, "DELETE FROM audit_log WHERE id = 2")
    await db.close()
    await _database(target, 5)
    with pytest.raises(RestoreRefused, match="audit log is broken"):
        await restore_database(target, backup, now)
    assert _audit_rows(target) == 5
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


async def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path, now: datetime) -> None:
    backup, target = tmp_path / "backup.sqlite3", tmp_path / "data" / "kerjasosial.sqlite3"
    backup.write_bytes(os.urandom(4096))
    await _database(target, 1)
    with pytest.raises(RestoreRefused, match="not a readable SQLite database"):
        await restore_database(target, backup, now)
    assert _audit_rows(target) == 1
