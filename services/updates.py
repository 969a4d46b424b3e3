"""Every update is recorded once handled, whatever its handler did."""

from datetime import datetime

from storage.db import Database


async def record_handled(db: Database, update_id: int, user_id: int | None, now: datetime) -> None:
    """For updates whose handler wrote (and so claimed) nothing; someone who writes to the
    bot again can be reached again.

    Two reads first: most updates that matter were claimed by their own transaction and come
    from someone reachable, and then there is nothing to write (the write lock is the one
    thing every update waits for in turn).
    """
    store = db.reader()
    claimed = await store.updates.seen(update_id)
    unreachable = user_id is not None and await store.outbox.is_unreachable(user_id)
    if claimed and not unreachable:
        return
    async with db.transaction() as tx:
        await tx.updates.mark(update_id, now)
        if user_id is not None and unreachable:
            await tx.outbox.reachable_again(user_id)
