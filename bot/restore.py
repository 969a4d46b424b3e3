"""``kerjasosial restore PATH``: put a backup in place of the database, safely.

Doing it by hand means stopping the bot, removing the ``-wal`` and ``-shm`` files that belong
to the old file and not to the backup, and hoping the backup is whole. This command checks
the backup (SQLite's integrity check, a schema this version knows, an intact audit chain)
before touching anything, refuses while a program still has the database open, and keeps the
database it replaces beside it instead of deleting it.
"""

import asyncio
import os
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from storage.db import Database, latest_version


class RestoreRefused(Exception):
    """The backup is not fit to restore, or the database is in use; nothing was changed."""


def restore(settings: Settings, backup: Path, now: datetime) -> int:
    try:
        message = asyncio.run(restore_database(settings.database_path, backup, now))
    except RestoreRefused as refusal:
        print(f"kerjasosial: {refusal}; nothing was changed", file=sys.stderr)
        return 1
    print(message)
    return 0


async def restore_database(target: Path, backup: Path, now: datetime) -> str:
    if not backup.is_file():
        raise RestoreRefused(f"no backup at {backup}")
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staged = target.with_name(target.name + ".restoring")
    staged.unlink(missing_ok=True)
    try:
        _copy(backup, staged)
        version, audit_rows = await _check(staged)
        kept = _set_aside(target, now)
        os.replace(staged, target)
    finally:
        for leftover in (staged, *_sidecars(staged)):
            leftover.unlink(missing_ok=True)
    target.chmod(0o600)
    aside = f"; the database it replaced is kept as {kept.name}" if kept else ""
    return (
        f"restored {backup} to {target}: integrity ok, audit log intact ({audit_rows} rows), "
        f"schema version {version}{aside}. Put the evidence/ folder of the same backup back "
        "too, then start the bot."
    )


def _copy(backup: Path, staged: Path) -> None:
    """SQLite's backup API from a read-only source: a whole, consistent copy or an error."""
    try:
        source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        dest = sqlite3.connect(staged)
        try:
            source.backup(dest)
            check = dest.execute("PRAGMA integrity_check").fetchone()[0]
            version = dest.execute("PRAGMA user_version").fetchone()[0]
        finally:
            dest.close()
            source.close()
    except sqlite3.DatabaseError as exc:
        raise RestoreRefused(f"{backup} is not a readable SQLite database ({exc})") from exc
    staged.chmod(0o600)
    if check != "ok":
        raise RestoreRefused(f"{backup} fails SQLite's integrity check: {check}")
    if not 1 <= version <= latest_version():
        raise RestoreRefused(
            f"{backup} has schema version {version}; this program knows 1 to {latest_version()}"
        )


async def _check(staged: Path) -> tuple[int, int]:
    """The schema version and the number of audit rows, once the chain is verified."""
    db = await Database.open(staged, migrate=False)
    try:
        version = await db.schema_version()
        checked, problems = await db.reader().audit.verify()
    finally:
        await db.close()
    if problems:
        first = problems[0]
        where = f"row {first.row_id}" if first.row_id is not None else "the end of the log"
        raise RestoreRefused(f"the backup's audit log is broken at {where}: {first.reason}")
    return version, checked


def _set_aside(target: Path, now: datetime) -> Path | None:
    """Move the current database (if any) out of the way, with what its WAL still holds."""
    if not target.exists():
        return None
    conn = sqlite3.connect(target, timeout=0, isolation_level=None)
    try:
        # Possible only when no other connection is open: the bot holds one while it runs.
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the WAL's changes into the file
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise RestoreRefused(
                "the database is in use; stop the bot (and anything else using it) first"
            ) from exc
    except sqlite3.DatabaseError:
        pass  # a damaged file, the usual reason to restore: set it aside as it is
    finally:
        conn.close()
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    os.replace(target, kept)
    for sidecar, kept_sidecar in zip(_sidecars(target), _sidecars(kept), strict=True):
        if sidecar.exists():  # left by a damaged file: kept with it, not lost
            os.replace(sidecar, kept_sidecar)
    return kept


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
