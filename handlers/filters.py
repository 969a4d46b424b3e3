"""Which messages the bot listens to: new private messages, and its own commands in groups."""

from telegram import Message, MessageEntity
from telegram.ext import filters


class _AddressedCommand(filters.MessageFilter):
    """A command that names this bot (``/bantuan@kerjasosial_bot``).

    In a group every bot sees every command; answering ``/start`` meant for another bot
    would be noise, so in groups the bot only answers commands addressed to it.
    """

    def filter(self, message: Message) -> bool:
        text = message.text or message.caption or ""
        entities = message.entities or message.caption_entities or ()
        first = next(iter(entities), None)
        if first is None or first.type != MessageEntity.BOT_COMMAND or first.offset != 0:
            return False
        command = text[: first.length]
        _, _, target = command.partition("@")
        username = message.get_bot().username or ""
        return bool(target) and target.lower() == username.lower()


#: New messages only: an edited "/undang pk" must not create a second invitation.
NEW = filters.UpdateType.MESSAGE
PRIVATE = NEW & filters.ChatType.PRIVATE
FOR_ME = NEW & (filters.ChatType.PRIVATE | _AddressedCommand())
