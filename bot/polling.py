"""Confirm an update to Telegram only once the bot has handled it.

PTB's Updater confirms a batch of updates (the ``offset`` of its next getUpdates) as soon as
it has queued them, before any of them is handled. A crash then loses every update still in
the queue: Telegram never delivers a confirmed update again. This bot makes each getUpdates
wait until the application has handled everything fetched before. Every handled update is
recorded in the database together with its change, so after a crash Telegram can at most
deliver again updates that were handled but not yet confirmed, and those are dropped.
"""

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

from bot.http import AiohttpRequest
from bot.ordering import MAX_CONCURRENT_UPDATES

#: One connection per update in hand, and a job or two; polling has its own.
CONNECTION_POOL_SIZE = MAX_CONCURRENT_UPDATES + 2


class ConfirmAfterHandlingBot(ExtBot[None]):
    __slots__ = ("_handled",)

    def __init__(self, token: str, api_url: str) -> None:
        super().__init__(
            token,
            base_url=f"{api_url}/bot",
            base_file_url=f"{api_url}/file/bot",
            request=AiohttpRequest(connection_pool_size=CONNECTION_POOL_SIZE),
            get_updates_request=AiohttpRequest(),
        )
        self._handled: asyncio.Queue[object] | None = None

    def confirm_after(self, update_queue: "asyncio.Queue[object]") -> None:
        """The application's update queue: its ``join`` returns once all are handled."""
        self._handled = update_queue

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        if self._handled is not None:
            await self._handled.join()
        return await super().get_updates(*args, **kwargs)
