"""The floor for ``bench/inbound.py``: a bare python-telegram-bot that answers every message.

Polls exactly as ``kerjasosial run`` does (PTB's defaults, every update type) and replies to
each message with its text or caption, with no database, files or rules: whatever this
cannot beat is the cost of PTB, HTTP and the fake, not of kerjasosial.

Reads ``KERJASOSIAL_BOT_TOKEN`` and ``KERJASOSIAL_API_URL`` like the bot; stops on SIGTERM.
"""

import os

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    if message is not None:
        await message.reply_text(message.text or message.caption or "📷", do_quote=False)


def main() -> None:
    api_url = os.environ["KERJASOSIAL_API_URL"]
    app = (
        ApplicationBuilder()
        .token(os.environ["KERJASOSIAL_BOT_TOKEN"])
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)


if __name__ == "__main__":
    main()
