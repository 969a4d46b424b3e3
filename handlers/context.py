"""What every handler needs for one update: the services, the actor, their language, ``now``."""

from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import (
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
    User,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from domain.actor import Actor
from handlers.refusals import RefusalThrottle
from services.log_throttle import LogThrottle
from services.origin import Origin
from services.updates import ClaimedUpdates
from storage.db import Database
from storage.repositories import Store
from texts import Html, Texts, for_user, split_message


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """Long-lived collaborators, stored once in ``application.bot_data``."""

    db: Database
    admin_ids: frozenset[int]
    default_timezone: str
    invitation_validity: timedelta
    evidence_dir: Path
    clock: Callable[[], datetime] = utc_now
    #: One log line a minute per kind of failure (Telegram unreachable, disk full...).
    failures: LogThrottle = field(default_factory=LogThrottle)
    refusals: RefusalThrottle = field(default_factory=RefusalThrottle)
    #: Updates this process's use cases claimed, so recording them as handled reads nothing.
    claimed: ClaimedUpdates = field(default_factory=ClaimedUpdates)
    #: Sends what a use case just wrote to the outbox without waiting for the next tick; set
    #: once the dispatcher job exists (tests without jobs dispatch themselves).
    wake_outbox: Callable[[], None] = lambda: None


SERVICES_KEY = "services"


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    services = context.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services


async def load_actor(services: Services, telegram_user_id: int) -> Actor:
    person, memberships = await services.db.reader().people.with_memberships(telegram_user_id)
    return Actor(
        telegram_user_id=telegram_user_id,
        person=person,
        memberships=tuple(memberships),
        is_config_admin=telegram_user_id in services.admin_ids,
    )


@dataclass
class Request:
    """One update, with the person behind it already looked up."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    services: Services
    actor: Actor
    texts: Texts
    now: datetime
    _origin: Origin | None = None

    @classmethod
    async def load(cls, update: Update, context: ContextTypes.DEFAULT_TYPE) -> "Request":
        services = services_of(context)
        user = update.effective_user
        assert user is not None, "handlers are registered for updates from users only"
        return cls(
            update=update,
            context=context,
            services=services,
            actor=await load_actor(services, user.id),
            texts=for_user(user.language_code),
            now=services.clock(),
        )

    @property
    def user(self) -> User:
        user = self.update.effective_user
        assert user is not None
        return user

    @property
    def chat_id(self) -> int:
        chat = self.update.effective_chat
        return chat.id if chat else self.user.id

    @property
    def db(self) -> Database:
        return self.services.db

    async def reply(
        self,
        text: Html,
        reply_markup: InlineKeyboardMarkup
        | ReplyKeyboardMarkup
        | ReplyKeyboardRemove
        | None = None,
    ) -> Message:
        """Send ``text`` to the chat, split at line breaks if it is too long for one message.

        The keyboard goes on the last part, under the text it belongs to.
        """
        parts = split_message(text)
        message: Message | None = None
        for i, part in enumerate(parts):
            message = await self.context.bot.send_message(
                self.chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=reply_markup if i == len(parts) - 1 else None,
                link_preview_options=None,
            )
        assert message is not None
        return message

    @property
    def origin(self) -> Origin:
        """This request as a use case sees it; one per update, so its claim is kept."""
        if self._origin is None:
            self._origin = Origin(
                db=self.db,
                actor=self.actor,
                now=self.now,
                update_id=self.update.update_id,
                wake_outbox=self.services.wake_outbox,
                on_claimed=self.services.claimed.add,
            )
        return self._origin

    def transaction(self) -> AbstractAsyncContextManager[Store]:
        """A transaction that also records this update as processed (see ``Origin``)."""
        return self.origin.transaction()

    async def audit(
        self,
        action: str,
        *,
        subject: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Record something that changed nothing else (a refusal, a failed attempt) on its own."""
        await self.origin.audit(action, subject=subject, detail=detail)

    def audit_fields(self) -> dict[str, Any]:
        return self.origin.audit_fields()
