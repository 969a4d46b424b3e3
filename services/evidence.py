"""Evidence photos: kept in private storage, named by their SHA-256, readable by the owner only.

A download that fails (Telegram unreachable for a moment) loses nothing: the record and the
file id are already stored, and :func:`retry_downloads` fetches the file later.
"""

import asyncio
import hashlib
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.error import TelegramError

from domain.exif import read_exif
from domain.models import Site
from domain.sites import distance_m
from services import notices
from storage.batch import Write
from storage.db import Database
from storage.private_files import private_dir, write_private
from storage.repositories import Store

log = logging.getLogger(__name__)

#: Telegram lets bots download files up to 20 MB.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_ATTEMPTS = 20
RETRY_INTERVAL = timedelta(minutes=5)


async def download(
    bot: Bot, file_id: str, evidence_dir: Path
) -> tuple[str, Path, bytes | bytearray]:
    """Fetch a file and keep it as ``<sha256>.<ext>``; returns ``(sha256, path, contents)``.
    The contents stay the bytearray they were downloaded into: a photo is not copied again."""
    file = await bot.get_file(file_id)
    data = await file.download_as_bytearray()
    suffix = Path(file.file_path or "").suffix.lower()[:8] or ".bin"
    # Hashing and writing release the GIL: in a thread they use the other core, and the
    # event loop goes on answering meanwhile.
    digest, path = await asyncio.to_thread(_store, data, evidence_dir, suffix)
    return digest, path, data


def _store(data: bytes | bytearray, evidence_dir: Path, suffix: str) -> tuple[str, Path]:
    digest = hashlib.sha256(data).hexdigest()
    path = evidence_dir / f"{digest}{suffix}"
    if not path.exists():
        temporary = path.with_suffix(path.suffix + ".part")
        temporary.unlink(missing_ok=True)  # left by a crash mid-write
        try:
            write_private(temporary, data)
        except FileNotFoundError:  # the first photo: the folder is made owner-only then
            private_dir(evidence_dir)
            write_private(temporary, data)
        temporary.replace(path)
    return digest, path


async def keep(
    bot: Bot,
    db: Database,
    evidence_id: int,
    file_id: str,
    evidence_dir: Path,
    now: datetime,
    site: Site | None = None,
) -> bool:
    """Download one piece of evidence and note where it is kept; False if it must be retried.

    The note waits for the transaction that ends the update (``storage.batch``; a job
    calls :meth:`WriteBatch.flush` itself). If that transaction fails, the file is fetched
    again later, like a failed download: the record it belongs to is saved already.

    A photo sent as a file keeps its EXIF: its capture time and GPS are recorded, and a
    position outside the ``site``'s geofence is flagged like a shared location would be.
    """
    try:
        digest, path, data = await download(bot, file_id, evidence_dir)
    except TelegramError as exc:
        log.warning("evidence %s not downloaded yet: %s", evidence_id, type(exc).__name__)

        async def attempted(store: Store) -> None:
            await store.attendance.evidence_failed(evidence_id)

        db.batch.later(attempted, lambda _: None)  # a lost attempt only allows one more
        return False

    def failed(exc: BaseException) -> None:
        log.warning("evidence %s kept but not recorded yet: %s", evidence_id, type(exc).__name__)

    db.batch.later(_record(evidence_id, digest, path, data, now, site), failed)
    return True


def _record(
    evidence_id: int,
    digest: str,
    path: Path,
    data: bytes | bytearray,
    now: datetime,
    site: Site | None,
) -> Write:
    facts = read_exif(data)
    distance = None
    if site is not None and facts.latitude is not None and facts.longitude is not None:
        distance = distance_m(facts.latitude, facts.longitude, site.latitude, site.longitude)
    size = len(data)

    async def write(store: Store) -> None:
        await store.attendance.evidence_downloaded(
            evidence_id, sha256=digest, path=str(path), size=size, now=now
        )
        if repeated := await store.attendance.flag_repeated_evidence(evidence_id, digest):
            await _tell_of_repeat(store, evidence_id, repeated, now)
        if facts.taken_at or distance is not None:
            await store.attendance.evidence_exif(
                evidence_id,
                taken_at=facts.taken_at,
                latitude=facts.latitude,
                longitude=facts.longitude,
                distance_m=distance,
                outside=distance is not None and site is not None and distance > site.radius_m,
            )

    return write


async def _tell_of_repeat(
    store: Store, evidence_id: int, repeated: dict[str, Any], now: datetime
) -> None:
    """The same bytes as earlier evidence, sent some other way (as a file, say): the record
    stays, flagged; the case's jaksa decides, and the supervisor learns to take a new photo."""
    log.warning("evidence %s repeats evidence %s", evidence_id, repeated["duplicate_of"])
    for person_id, key in (
        (repeated["jaksa_person_id"], "evidence.repeated_jaksa"),
        (repeated["supervisor_person_id"], "evidence.repeated_pengawas"),
    ):
        await notices.tell(
            store,
            person_id,
            key=key,
            kind="alert.evidence_repeated",
            about=f"evidence-repeated:{evidence_id}",
            now=now,
            code=repeated["code"],
            name=repeated["offender_name"],
        )


async def retry_downloads(bot: Bot, db: Database, evidence_dir: Path, now: datetime) -> int:
    """Fetch every piece of evidence whose download failed before; returns how many are now
    kept and noted (a file kept whose note failed is fetched again next time)."""
    store = db.reader()
    waiting = await store.attendance.evidence_to_download(MAX_ATTEMPTS)
    for evidence_id, file_id in waiting:
        site_id = await store.attendance.site_of_evidence(evidence_id)
        site = await store.sites.get(site_id) if site_id else None
        await keep(bot, db, evidence_id, file_id, evidence_dir, now, site=site)
    await db.batch.flush()
    still = {e for e, _ in await store.attendance.evidence_to_download(MAX_ATTEMPTS + 1)}
    return sum(1 for e, _ in waiting if e not in still)
