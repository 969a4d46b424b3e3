"""The last resort: log what went wrong without personal data, and apologise to the person."""

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from handlers.context import DuplicateUpdate
from texts import for_user

log = logging.getLogger(__name__)


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
    # The traceback names code, not people; message texts and names are never logged.
    log.error("error handling update %s: %s", update_id, type(error).__name__, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    texts = for_user(update.effective_user.language_code if update.effective_user else None)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(texts.plain("error"), show_alert=True)
        else:
            await context.bot.send_message(
                update.effective_chat.id, texts("error"), parse_mode=ParseMode.HTML
            )
    except TelegramError:
        log.warning("could not tell the user about the error")
