"""Telling someone other than the person who acted: in their own language, best effort.

The change that prompted the message is already committed; a person who blocked the bot
must not undo it, so a refused send is logged (without personal data) and passed over.
"""

import logging
from collections.abc import Callable

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from domain.models import Person
from texts import Html, Texts, for_user

log = logging.getLogger(__name__)


async def notify(
    bot: Bot,
    person: Person,
    render: Callable[[Texts], Html],
    markup: Callable[[Texts], InlineKeyboardMarkup] | None = None,
) -> bool:
    texts = for_user(person.language_code)
    try:
        await bot.send_message(
            person.telegram_user_id,
            render(texts),
            parse_mode=ParseMode.HTML,
            reply_markup=markup(texts) if markup else None,
        )
    except TelegramError as exc:
        log.warning("could not notify person %s: %s", person.id, type(exc).__name__)
        return False
    return True
