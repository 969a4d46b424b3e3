"""Updates from different people are handled at once; each person's and each chat's in order.

Handled one at a time, every update waits for the Bot API round trips (a photo download,
the reply) of every update before it: fifty supervisors on site would wait for each other.
Handled freely at once, one person's photo could overtake the ``/hadir`` it answers, and two
of their messages could race over the same form (``user_data``, conversation state). So an
update holds a lock for its sender and one for its chat for as long as it is handled: PTB
creates the tasks in the order Telegram sent the updates, and the locks are fair (first come,
first served), so what one person or one chat sends is handled in that order. An update
takes one of the few concurrent slots only once its turn has come, and lets go of it while
its answer waits for Telegram's flood limits (:func:`slot_let_go`): a slot is for work, and
a flood of people to answer must not keep a pengawas's tap from being handled.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

#: At most this many updates in hand at once; more wait (in order) for a free slot. Each one
#: makes one Bot API request at a time, so the HTTP pool is sized to match: a larger pool
#: costs every request a check of every idle connection, for no gain on two cores.
MAX_CONCURRENT_UPDATES = 8
#: Updates fetched and waiting for their sender's turn, at most (PTB's limit).
WAITING_UPDATES = 1024


class _Slot:
    """One update's claim on a concurrent slot, which it may give up and take again.

    Only its own task may: a task the handler starts (the outbox's wake-up) inherits the
    context, and with it this claim, which it must not spend."""

    def __init__(self, slots: asyncio.BoundedSemaphore) -> None:
        self._slots = slots
        self.owner = asyncio.current_task()
        self.held = False

    async def take(self) -> None:
        await self._slots.acquire()
        self.held = True

    def give(self) -> None:
        if self.held:
            self.held = False
            self._slots.release()


#: The slot of the update the current task is handling, if any.
_SLOT: ContextVar[_Slot | None] = ContextVar("update_slot", default=None)


@asynccontextmanager
async def slot_let_go() -> AsyncIterator[None]:
    """Give up the current update's slot for as long as the block waits, and take one again
    after it (in turn with the updates that came meanwhile). Nothing outside an update."""
    slot = _SLOT.get()
    if slot is None or not slot.held or slot.owner is not asyncio.current_task():
        yield
        return
    slot.give()
    try:
        yield
    finally:
        await slot.take()


def ordering_keys(update: object) -> list[tuple[str, int]]:
    """What an update must wait its turn for: its sender and its chat, in one global order
    (sorted), so that two updates never each hold a lock the other one wants."""
    if not isinstance(update, Update):
        return []
    keys = set()
    if update.effective_user is not None:
        keys.add(("user", update.effective_user.id))
    if update.effective_chat is not None and (
        update.effective_user is None or update.effective_chat.id != update.effective_user.id
    ):
        keys.add(("chat", update.effective_chat.id))
    return sorted(keys)


class InOrderPerPerson(BaseUpdateProcessor):
    """Concurrent updates, ordered per sender and per chat."""

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
        on_finished: list[Callable[[int], None]] | None = None,
    ) -> None:
        # PTB's own limit (taken before ``do_process_update``) only bounds the updates that
        # wait for their turn; the slots that matter are taken inside, once the turn has come.
        super().__init__(WAITING_UPDATES)
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        # key → (lock, how many updates hold or wait for it); dropped when nobody does.
        self._locks: dict[tuple[str, int], tuple[asyncio.Lock, int]] = {}
        #: Told each update id once its handling ended, however it ended.
        self.on_finished = on_finished if on_finished is not None else []
        #: Run after each update, still in its sender's turn: where conversations are saved
        #: (``bot.persistence``), with what the update left for later (``storage.batch``),
        #: so the next message from that person finds them written.
        self.after_each: Callable[[], Awaitable[None]] | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the sender's (and chat's) turn first, and only then for one of the
        ``max_concurrent_updates`` slots: a person who sends twelve messages at once waits
        for their own replies (paced a second apart in their chat) without holding the
        slots everyone else needs. ``on_finished`` hears of it however that ended."""
        try:
            async with AsyncExitStack() as held:
                for key in ordering_keys(update):
                    await held.enter_async_context(self._turn(key))
                slot = _Slot(self._slots)
                await slot.take()
                token = _SLOT.set(slot)
                try:
                    await coroutine
                finally:
                    try:
                        if self.after_each is not None:
                            await self.after_each()
                    finally:
                        _SLOT.reset(token)
                        slot.give()
        finally:
            if isinstance(update, Update):
                for listener in self.on_finished:
                    listener(update.update_id)

    @asynccontextmanager
    async def _turn(self, key: tuple[str, int]) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up: locks are made as updates arrive."""

    async def shutdown(self) -> None:
        """Nothing to release."""
