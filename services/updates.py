"""Every update is recorded once handled, whatever its handler did."""

import logging
from datetime import datetime

from storage.db import Database
from storage.repositories import Store

log = logging.getLogger(__name__)

#: How many claimed update ids are remembered; an update forgotten (its handler failed and
#: the later handlers never ran) only costs the one idle write it would have cost anyway.
REMEMBERED = 1000


class ClaimedUpdates:
    """Update ids a use case's transaction recorded as handled in this process, until the
    update's last handler asks (:func:`record_handled`)."""

    def __init__(self) -> None:
        self._ids: dict[int, None] = {}

    def add(self, update_id: int) -> None:
        self._ids[update_id] = None
        if len(self._ids) > REMEMBERED:
            del self._ids[next(iter(self._ids))]

    def pop(self, update_id: int) -> bool:
        return self._ids.pop(update_id, False) is None


async def record_handled(
    db: Database, update_id: int, user_id: int | None, now: datetime, *, claimed: bool = False
) -> None:
    """For updates whose handler wrote (and so claimed) nothing; someone who writes to the
    bot again can be reached again.

    ``claimed``: a transaction of this process recorded the update already (most updates
    that matter), so nothing is read back; only whether the sender was unreachable, and
    then there is usually nothing to write.

    The note waits for the transaction that ends the update (``storage.batch``), which it
    usually shares with the conversation's step: a crash then keeps both or neither.
    """
    if claimed and (user_id is None or not await db.reader().outbox.is_unreachable(user_id)):
        return

    async def write(store: Store) -> None:
        if not claimed:
            await store.updates.mark(update_id, now)
        if user_id is not None:
            await store.outbox.reachable_again(user_id)

    def failed(exc: BaseException) -> None:
        log.warning("update %s not noted as handled: %s", update_id, type(exc).__name__)

    db.batch.later(write, failed)
