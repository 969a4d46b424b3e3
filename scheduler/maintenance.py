"""Housekeeping that keeps bookkeeping tables small.

Telegram keeps an unconfirmed update for at most 24 hours, so after two days a processed
update id can never come back; failed invitation attempts only matter within their
10-minute window, kept a day for the audit-minded.
"""

import logging
from datetime import datetime, timedelta

from storage.db import Database

log = logging.getLogger(__name__)

UPDATE_IDS_KEPT = timedelta(days=2)
FAILED_REDEMPTIONS_KEPT = timedelta(days=1)
INTERVAL = timedelta(hours=6)


async def prune(db: Database, now: datetime) -> tuple[int, int]:
    async with db.transaction() as store:
        updates = await store.updates.forget_before(now - UPDATE_IDS_KEPT)
        failures = await store.redemption_failures.forget_before(now - FAILED_REDEMPTIONS_KEPT)
    if updates or failures:
        log.info("pruned %d processed update ids and %d failed redemptions", updates, failures)
    return updates, failures
