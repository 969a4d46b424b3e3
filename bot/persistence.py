"""Conversations kept in SQLite: python-telegram-bot's persistence, over our own database.

Every multi-step flow (check-in, check-out, absences, corrections, rescheduling, the forms)
is a ``ConversationHandler`` whose step lives in PTB's memory, and whose draft (the case
chosen, the location shared, a form's answers) lives in ``user_data``. Both are written here
after every handled update (``bot.ordering``), so a restart, or an update handled again from
the inbox after a crash, finds the conversation where it was instead of at the start.

Only steps and drafts are kept: ``bot_data`` holds the running services and ``chat_data``
is unused. Drafts are pickled (they hold dates and tuples); they are the person's own
unfinished input, in the same owner-only file as the record, and dropped when empty.
"""

import asyncio
import json
import pickle
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from storage.batch import Write
from storage.db import Database
from storage.repositories import Store

UserData = dict[Any, Any]


class OpenOnce:
    """The process's one :class:`Database`, opened by whoever needs it first."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._db: Database | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> Database:
        async with self._lock:
            if self._db is None:
                self._db = await Database.open(self._path)
            return self._db


class SqlitePersistence(BasePersistence[UserData, dict[Any, Any], dict[Any, Any]]):
    def __init__(
        self, database: Callable[[], Awaitable[Database]], clock: Callable[[], datetime]
    ) -> None:
        # The periodic write is only a fallback: bot.ordering writes after every update.
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=60,
        )
        self._database = database
        self._clock = clock
        # What was last written, so an update that changed nothing writes nothing.
        self._drafts: dict[int, bytes | None] = {}
        self._states: dict[tuple[str, str], object] = {}

    # -- conversations ---------------------------------------------------------------------

    async def get_conversations(self, name: str) -> ConversationDict:
        states = await (await self._database()).reader().conversations.states(name)
        self._states.update({(name, key): state for key, state in states.items()})
        return {tuple(json.loads(key)): state for key, state in states.items()}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        row_key = json.dumps(list(key))
        if (name, row_key) in self._states and self._states[name, row_key] == new_state:
            return

        async def write(store: Store) -> None:
            await store.conversations.set_state(name, row_key, new_state, self._clock())

        await self._write(write)
        self._states[name, row_key] = new_state

    # -- drafts (user_data) ------------------------------------------------------------------

    async def get_user_data(self) -> dict[int, UserData]:
        drafts = await (await self._database()).reader().conversations.drafts()
        self._drafts.update(drafts)
        return {user_id: pickle.loads(data) for user_id, data in drafts.items()}

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        # PTB hands over a copy already, and pickling reads it at once: no copy of our own.
        blob = pickle.dumps(data) if any(data.values()) else None
        if user_id in self._drafts and self._drafts[user_id] == blob:
            return
        await self._set_draft(user_id, blob)

    async def drop_user_data(self, user_id: int) -> None:
        await self._set_draft(user_id, None)

    async def _set_draft(self, user_id: int, blob: bytes | None) -> None:
        async def write(store: Store) -> None:
            await store.conversations.set_draft(user_id, blob, self._clock())

        await self._write(write)
        self._drafts[user_id] = blob

    async def _write(self, write: Write) -> None:
        """Run ``write`` in the next shared transaction (``storage.batch``): PTB asks for the
        draft and each conversation's step at once (``asyncio.gather``), and they commit
        together, with what the update left for later. Each caller returns once its own
        write has committed, so the turn after it finds it written, as before."""
        await (await self._database()).batch.write(write)

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        """The draft in memory is the newest: nothing to read back."""

    # -- not kept ----------------------------------------------------------------------------

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """``bot_data`` holds the running services, which are made anew at each start."""

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """Nothing kept, nothing to refresh."""

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        """``chat_data`` is unused."""

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """``chat_data`` is unused."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """``chat_data`` is unused."""

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        """Buttons carry their own data (``domain.callback_data``); nothing is cached."""

    async def flush(self) -> None:
        """Every write has been committed when it was made."""
