"""Import batches taken back: the part of an import (``services.importing``) that the bot's
start needs, without the spreadsheet reader and the checks that the rest of an import loads.

A batch a crashed process left ``running`` is taken back at start (:func:`undo_abandoned`)
and by every import before it begins; a failed import takes back its own (:func:`undo`).
Imports run one at a time, in this process and across processes: :func:`one_import_at_a_time`
holds an exclusive ``flock`` on a file beside the database.
"""

import asyncio
import fcntl
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from typing import Any

from storage.db import Database
from storage.private_files import create_private

log = logging.getLogger(__name__)

#: Cases deleted per transaction when a batch is taken back.
UNDO_CHUNK = 50
#: How often an import waiting for another one tries the lock again.
LOCK_POLL_S = 0.05


async def undo_abandoned(db: Database, now: datetime) -> int:
    """Take back every batch a process left ``running`` when it died; how many. Does nothing
    while an import is under way (that import does it first). For start-up."""
    fd = _lock_fd(db)
    try:
        if not _try_lock(fd):
            return 0
        return await undo_unfinished(db, now)
    finally:
        os.close(fd)


# -- taking a batch back --------------------------------------------------------------------


async def undo(db: Database, batch: int, *, now: datetime, audit: dict[str, Any]) -> None:
    """The compensating transactions: the batch's cases go a chunk at a time, then its
    sites, and the batch is marked undone with the last of them."""
    removed = 0
    while count := await _remove_some(db, batch):
        removed += count
    async with db.transaction() as tx:
        sites = await tx.cases.remove_imported_sites(batch)
        kept = await tx.cases.imported_codes(batch)
        await tx.cases.finish_import(batch, undone=True, now=now)
        await tx.audit.append(
            action="import.undone",
            detail={"batch": batch, "cases": removed, "sites": sites, "kept": kept},
            **audit,
        )
    if kept:
        log.warning("import batch %s taken back but for %s, acted on meanwhile", batch, kept)
    else:
        log.info("import batch %s taken back: %s cases, %s sites", batch, removed, sites)


async def _remove_some(db: Database, batch: int) -> int:
    async with db.transaction() as tx:
        return await tx.cases.remove_imported(batch, limit=UNDO_CHUNK)


async def undo_unfinished(db: Database, now: datetime) -> int:
    """Take back the batches still running; the caller holds the import lock, so no process
    is writing them any more."""
    batches = await db.reader().cases.unfinished_imports()
    console = {"now": now, "actor_telegram_id": None, "actor_person_id": None, "update_id": None}
    for batch in batches:
        await undo(db, batch, now=now, audit=console)
    return len(batches)


# -- one import at a time -------------------------------------------------------------------


@asynccontextmanager
async def one_import_at_a_time(db: Database) -> AsyncIterator[None]:
    """An exclusive ``flock`` on a file beside the database for as long as the import runs.
    It conflicts with any other open of the file, in this process or another, and the
    system lets go of it when the process dies: then its batch is abandoned."""
    fd = _lock_fd(db)
    try:
        while not _try_lock(fd):
            await asyncio.sleep(LOCK_POLL_S)
        yield
    finally:
        os.close(fd)


def _lock_fd(db: Database) -> int:
    path = db.path.with_name(db.path.name + "-import.lock")
    with suppress(FileExistsError):
        create_private(path)
    return os.open(path, os.O_RDWR)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
