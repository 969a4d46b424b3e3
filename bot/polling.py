"""Polling that loses no update to a crash.

PTB's Updater confirms updates to Telegram (the ``offset`` of its next getUpdates) as soon as
it has queued them, before any of them is handled, and Telegram never delivers a confirmed
update again: a crash would lose every update still in the queue. So each fetched batch is
written to the ``inbox`` table before getUpdates returns it, and what the inbox still holds
when the bot starts is handed to the handlers again. Updates that were handled already are
then dropped by the record of handled updates (written with each change), so nothing is
lost and nothing is handled twice, and no update waits for a slow one fetched before it.
"""

import asyncio
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from telegram import Update
from telegram._utils.types import JSONDict
from telegram.ext import ExtBot

from bot.http import AiohttpRequest
from bot.ordering import MAX_CONCURRENT_UPDATES
from services.log_throttle import LogThrottle
from storage.db import Database
from storage.repositories import Store

#: One connection per update in hand, and a job or two; polling has its own.
CONNECTION_POOL_SIZE = MAX_CONCURRENT_UPDATES + 2

log = logging.getLogger(__name__)
_THROTTLE = LogThrottle()


class UnfinishedUpdates:
    """Ids of the updates fetched and not yet handled."""

    def __init__(self) -> None:
        self._ids: set[int] = set()
        self._none_left = asyncio.Event()
        self._none_left.set()

    def fetched(self, ids: Iterable[int]) -> None:
        self._ids.update(ids)
        if self._ids:
            self._none_left.clear()

    def finished(self, update_id: int) -> None:
        self._ids.discard(update_id)
        if not self._ids:
            self._none_left.set()

    def lowest(self) -> int | None:
        return min(self._ids, default=None)

    async def all_finished(self) -> None:
        await self._none_left.wait()


class InboxPollingBot(ExtBot[None]):
    __slots__ = (
        "_clock",
        "_db",
        "_fetched",
        "_forgotten_below",
        "_highest",
        "_replayed",
        "_unfinished",
        "_unwritten",
    )

    def __init__(self, token: str, api_url: str, unfinished: UnfinishedUpdates) -> None:
        super().__init__(
            token,
            base_url=f"{api_url}/bot",
            base_file_url=f"{api_url}/file/bot",
            request=AiohttpRequest(connection_pool_size=CONNECTION_POOL_SIZE),
            get_updates_request=AiohttpRequest(),
        )
        self._unfinished = unfinished
        self._db: Database | None = None
        self._clock: Callable[[], datetime] | None = None
        self._replayed: set[int] = set()
        self._forgotten_below = 0
        self._highest = 0
        self._unwritten = False
        # The last batch as Telegram sent it: written down as it came, not re-serialised.
        self._fetched: dict[int, Any] = {}

    async def replay_inbox(
        self, db: Database, clock: Callable[[], datetime], put: Callable[[Update], Any]
    ) -> int:
        """Keep fetched updates in ``db`` from now on, and hand ``put`` those the last run
        left unfinished; returns how many."""
        self._db, self._clock = db, clock
        waiting = await db.reader().inbox.waiting()
        for update_id, body in waiting:
            self._replayed.add(update_id)
            self._unfinished.fetched([update_id])
            await put(Update.de_json(json.loads(body), self))
        return len(waiting)

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        if self._unwritten:
            # The last batch could not be written down: confirm it only once it is handled.
            await self._unfinished.all_finished()
            self._unwritten = False
        answer = await super().get_updates(*args, **kwargs)
        # Telegram sends again what it had sent unconfirmed before a crash: replayed already.
        new = tuple(u for u in answer if u.update_id not in self._replayed)
        try:
            await self._keep(new)
        except sqlite3.OperationalError as exc:
            # Locked by another program, or the disk full: the handlers will meet the same
            # and tell the people so; a crash meanwhile can lose nothing, as confirming waits.
            self._unwritten = bool(new)
            if self._clock is not None:
                _THROTTLE.warning(
                    log, "inbox", self._clock(), "fetched updates not written down: %s", exc
                )
        self._unfinished.fetched(u.update_id for u in new)
        return new

    async def _post(self, endpoint: str, data: JSONDict | None = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            self._fetched = {u["update_id"]: u for u in result if isinstance(u, dict)}
        return result

    def _body(self, update: Update) -> str:
        """The update as JSON: as Telegram sent it, which costs a fraction of ``to_json``."""
        raw = self._fetched.get(update.update_id)
        return json.dumps(raw) if raw is not None else update.to_json()

    async def _keep(self, updates: tuple[Update, ...]) -> None:
        """Write the batch, and forget what lies below everything still unfinished."""
        if self._db is None or self._clock is None:
            return
        ids = [u.update_id for u in updates]
        self._highest = max([self._highest, *ids])
        unfinished = [
            i for i in (self._unfinished.lowest(), min(ids, default=None)) if i is not None
        ]
        below = min(unfinished) if unfinished else self._highest + 1
        if not updates and below <= self._forgotten_below:
            return
        rows, now = [(u.update_id, self._body(u)) for u in updates], self._clock()

        async def write(tx: Store) -> None:
            await tx.inbox.forget_below(below)
            await tx.inbox.keep(rows, now)

        await self._db.batch.write(write)
        self._forgotten_below = below
