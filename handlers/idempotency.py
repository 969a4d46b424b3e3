"""Drop updates Telegram delivers twice, and record every update once handled."""

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from handlers.context import services_of

log = logging.getLogger(__name__)


async def skip_seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: an update handled before is not handled again."""
    services = services_of(context)
    if await services.db.reader().updates.seen(update.update_id):
        log.info("duplicate update %s dropped", update.update_id)
        raise ApplicationHandlerStop


async def mark_seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs after every handler, for updates whose handler wrote (and so claimed) nothing.

    Two reads first: most updates that matter were claimed by their own transaction and come
    from someone reachable, and then there is nothing to write (the write lock is the one
    thing every update waits for in turn).
    """
    services = services_of(context)
    store = services.db.reader()
    user = update.effective_user
    claimed = await store.updates.seen(update.update_id)
    # Someone who writes to the bot again can be reached again.
    unreachable = user is not None and await store.outbox.is_unreachable(user.id)
    if claimed and not unreachable:
        return
    async with services.db.transaction() as tx:
        await tx.updates.mark(update.update_id, services.clock())
        if user is not None and unreachable:
            await tx.outbox.reachable_again(user.id)
