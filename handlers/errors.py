"""The last resort: log what went wrong without personal data, and apologise to the person.

Failures of the machine rather than of the code (Telegram unreachable, the database locked
by another program or the disk full) come in floods and need no traceback: they are logged
one line a minute per kind, and the person is told plainly what happened. Their change was
rolled back together with the record that their update was handled, and nothing after the
failed handler runs (in particular nothing records the update as handled), so sending it
again works once the cause is gone.

A 429 reaches this handler only when the sending budget has waited it out as long as it may
(``bot.rate_limit.REPLY_RETRY_WAIT``): a warning line too, and nobody is told, since a message
to them now would only meet the same limit.
"""

import logging
import sqlite3
from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from handlers.context import SERVICES_KEY, Services
from services import metrics
from services.log_throttle import LogThrottle
from services.origin import DuplicateUpdate
from texts import for_user

log = logging.getLogger(__name__)

#: What the person is told, by kind of failure.
_TEXT_KEYS = {"database locked": "error.busy", "disk full": "error.storage_full"}
_FALLBACK_THROTTLE = LogThrottle()


def failure_kind(error: object) -> str | None:
    """``"database locked"``, ``"disk full"``, ``"flood limit"`` or ``"Telegram unreachable"``;
    None for a bug."""
    if isinstance(error, sqlite3.OperationalError):
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return "database locked"
        if code == sqlite3.SQLITE_FULL:
            return "disk full"
    if isinstance(error, RetryAfter):
        return "flood limit"
    # PTB's BadRequest is a NetworkError too, but it is Telegram refusing a request: a bug.
    if isinstance(error, NetworkError) and not isinstance(error, BadRequest):
        return "Telegram unreachable"
    return None


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if isinstance(error, DuplicateUpdate):
        log.info("duplicate update %s dropped inside its transaction", error.args[0])
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, BadRequest) and "not modified" in error.message.lower():
        # A button tapped twice, or an old page button: the message already shows that.
        log.info("update %s asked for an edit that changes nothing", update_id)
        return
    metrics.error("handler", type(error).__name__)  # a 429 was counted by the rate limiter
    kind = failure_kind(error)
    if kind is not None:
        services = context.bot_data.get(SERVICES_KEY)
        throttle, now = (
            (services.failures, services.clock())
            if isinstance(services, Services)
            else (_FALLBACK_THROTTLE, datetime.now(UTC))
        )
        where = (
            f"handling update {update_id}"
            if update_id is not None
            else (f"running job {context.job.name}" if context.job else "polling for updates")
        )
        throttle.warning(log, kind, now, "%s while %s (%s)", kind, where, type(error).__name__)
    else:
        # The traceback names code, not people; message texts and names are never logged.
        log.error("error handling update %s: %s", update_id, type(error).__name__, exc_info=error)
    if not isinstance(update, Update):
        return
    if update.effective_chat is not None and kind != "flood limit":
        await _tell(update, context, _TEXT_KEYS.get(kind or "", "error"))
    raise ApplicationHandlerStop  # the later handler groups would record the update as handled


async def _tell(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> None:
    assert update.effective_chat is not None
    texts = for_user(update.effective_user.language_code if update.effective_user else None)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.plain(key), show_alert=True)
        else:
            await context.bot.send_message(
                update.effective_chat.id, texts(key), parse_mode=ParseMode.HTML
            )
    except TelegramError:
        log.warning("could not tell the user about the error")
