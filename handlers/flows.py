"""What every multi-step flow shares: ``/batal`` (``/cancel``) ends it and forgets its draft."""

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, ConversationHandler

from handlers.context import Request
from handlers.filters import FOR_ME
from handlers.registry import CANCEL


def cancel_fallback(
    *draft_keys: str,
) -> list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]]:
    """The fallbacks of a ConversationHandler whose drafts live under ``draft_keys``."""

    async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        req = await Request.load(update, context)
        if context.user_data is not None:
            for key in draft_keys:
                context.user_data.pop(key, None)
        await req.reply(req.texts("cancelled"))
        return ConversationHandler.END

    return [CommandHandler(list(CANCEL.names), cancel, filters=FOR_ME)]
