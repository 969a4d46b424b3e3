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
    """Runs after every handler, for updates whose handler wrote (and so claimed) nothing."""
    services = services_of(context)
    async with services.db.transaction() as store:
        await store.updates.mark(update.update_id, services.clock())
        if update.effective_user is not None:
            # Someone who writes to the bot again can be reached again.
            await store.outbox.reachable_again(update.effective_user.id)
