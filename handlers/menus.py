"""Per-person command menus (``setMyCommands`` with a chat scope) and the public menu."""

import logging

from telegram import Bot, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from domain.actor import Actor
from handlers.registry import PUBLIC_MENU, bot_commands, commands_for
from texts import Html, Texts, join_lines

log = logging.getLogger(__name__)


async def set_public_menu(bot: Bot) -> None:
    """Everyone sees /start and /bantuan; English clients see /start and /help."""
    await bot.set_my_commands(
        bot_commands(PUBLIC_MENU, Texts("id")), scope=BotCommandScopeDefault()
    )
    await bot.set_my_commands(
        bot_commands(PUBLIC_MENU, Texts("en")), scope=BotCommandScopeDefault(), language_code="en"
    )


async def set_personal_menu(bot: Bot, chat_id: int, actor: Actor, texts: Texts) -> None:
    """Show this person the commands of their roles; back to the public menu when none are left."""
    scope = BotCommandScopeChat(chat_id)
    try:
        if actor.registered:
            await bot.set_my_commands(bot_commands(commands_for(actor), texts), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as exc:
        # The menu is a convenience; /bantuan still lists the commands.
        log.warning("could not set the command menu for a chat: %s", type(exc).__name__)


def command_list(actor: Actor, texts: Texts) -> Html:
    lines = [texts("commands.header")]
    for spec in commands_for(actor):
        lines.append(
            texts(
                "commands.line",
                command=spec.name_for(texts.lang),
                description=texts.plain(spec.description_key),
            )
        )
    return join_lines(lines)
