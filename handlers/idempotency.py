"""Drop updates Telegram delivers twice, and record every update once handled."""

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from handlers.context import services_of
from services import updates

log = logging.getLogger(__name__)


async def skip_seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every handler: an update handled before is not handled again."""
    services = services_of(context)
    if await services.db.reader().updates.seen(update.update_id):
        log.info("duplicate update %s dropped", update.update_id)
        raise ApplicationHandlerStop


async def mark_seen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs after every handler: the update is recorded as handled (see ``services.updates``)."""
    services = services_of(context)
    user = update.effective_user
    await updates.record_handled(
        services.db,
        update.update_id,
        user.id if user else None,
        services.clock(),
        claimed=services.claimed.pop(update.update_id),
    )
