"""Evidence photos: kept in private storage, named by their SHA-256, readable by the owner only.

A download that fails (Telegram unreachable for a moment) loses nothing: the record and the
file id are already stored, and :func:`retry_downloads` fetches the file later.
"""

import hashlib
import logging
from datetime import datetime, timedelta
from pathlib import Path

from telegram import Bot
from telegram.error import TelegramError

from storage.db import Database

log = logging.getLogger(__name__)

#: Telegram lets bots download files up to 20 MB.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_ATTEMPTS = 20
RETRY_INTERVAL = timedelta(minutes=5)


async def download(bot: Bot, file_id: str, evidence_dir: Path) -> tuple[str, Path, int]:
    """Fetch a file and keep it as ``<sha256>.<ext>``; returns ``(sha256, path, size)``."""
    file = await bot.get_file(file_id)
    data = bytes(await file.download_as_bytearray())
    digest = hashlib.sha256(data).hexdigest()
    suffix = Path(file.file_path or "").suffix.lower()[:8] or ".bin"
    evidence_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = evidence_dir / f"{digest}{suffix}"
    if not path.exists():
        temporary = path.with_suffix(path.suffix + ".part")
        temporary.write_bytes(data)
        temporary.chmod(0o600)
        temporary.replace(path)
    return digest, path, len(data)


async def keep(
    bot: Bot, db: Database, evidence_id: int, file_id: str, evidence_dir: Path, now: datetime
) -> bool:
    """Download one piece of evidence and record where it is; False if it must be retried."""
    try:
        digest, path, size = await download(bot, file_id, evidence_dir)
    except TelegramError as exc:
        log.warning("evidence %s not downloaded yet: %s", evidence_id, type(exc).__name__)
        async with db.transaction() as store:
            await store.attendance.evidence_failed(evidence_id)
        return False
    async with db.transaction() as store:
        await store.attendance.evidence_downloaded(
            evidence_id, sha256=digest, path=str(path), size=size, now=now
        )
    return True


async def retry_downloads(bot: Bot, db: Database, evidence_dir: Path, now: datetime) -> int:
    """Fetch every piece of evidence whose download failed before; returns how many now kept."""
    kept = 0
    for evidence_id, file_id in await db.reader().attendance.evidence_to_download(MAX_ATTEMPTS):
        kept += await keep(bot, db, evidence_id, file_id, evidence_dir, now)
    return kept
