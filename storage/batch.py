"""Small writes that share one transaction: those asked for at once, and those that can wait.

A transaction costs the event loop about 0.1–0.2 ms (the lock, ``BEGIN``, ``COMMIT``, a
checkpoint now and then), several times what the small writes inside it cost. An update
ends with up to three of its own: its conversation's step and draft (``bot.persistence``),
the note that it was handled (``services.updates``) and where its photo was kept
(``services.evidence``). No rule needs any of them committed before the others, so they
share one transaction, committed before the update counts as finished (``bot.ordering``).
Polling's batch of fetched updates (``bot.polling``) and an outbox row marked sent
(``scheduler.dispatcher``) join whichever transaction comes next, and wait for its commit.

A use case's own transaction never takes these writes along: its rollback (a refusal, a
duplicate) must not take them back with it. Nor may one wait for a batch (:meth:`write`,
:meth:`flush`): the batch needs the write lock that transaction holds.
"""

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from storage.repositories import Store

Write = Callable[[Store], Awaitable[None]]


@dataclass(frozen=True)
class _Later:
    write: Write
    failed: Callable[[BaseException], None]


class WriteBatch:
    """The next transaction of small writes, and the writes waiting for it."""

    def __init__(self, transaction: Callable[[], AbstractAsyncContextManager[Store]]) -> None:
        self._transaction = transaction
        self._waiting: list[Write | _Later] = []
        self._next: asyncio.Task[None] | None = None  # made, not yet begun
        self._last: asyncio.Task[None] | None = None  # begun most recently

    async def write(self, write: Write) -> None:
        """Run ``write`` in the next transaction, with everything asked for before it starts
        (on the next turn of the loop); return once it is committed, or raise its error."""
        self._waiting.append(write)
        await asyncio.shield(self._start())

    def later(self, write: Write, failed: Callable[[BaseException], None]) -> None:
        """Run ``write`` in the next transaction, whoever starts it (:meth:`flush` at the
        latest). Nobody waits for it: ``failed`` hears if that transaction fails, and then
        the write is lost; use it only for what is recorded again another way."""
        self._waiting.append(_Later(write, failed))

    async def flush(self) -> None:
        """Return once everything asked for so far is committed or has failed; failures
        are told to whoever asked (:meth:`write` raises, :meth:`later` is told)."""
        task = self._start() if self._waiting else self._last
        if task is not None:
            # Transactions take the write lock in turn: the last one begun ends last.
            await asyncio.wait([task])

    def _start(self) -> asyncio.Task[None]:
        if self._next is None:
            self._next = asyncio.ensure_future(self._run())
            # Its error is raised to the writers and told to the later ones; nobody else
            # need retrieve it.
            self._next.add_done_callback(lambda task: task.cancelled() or task.exception())
        return self._next

    async def _run(self) -> None:
        # Begun on the next turn of the loop: whoever asks at once is in by then.
        self._last, self._next = self._next, None
        batch, self._waiting = self._waiting, []
        try:
            async with self._transaction() as store:
                for item in batch:
                    await (item.write if isinstance(item, _Later) else item)(store)
        except BaseException as exc:
            for item in batch:
                if isinstance(item, _Later):
                    item.failed(exc)
            raise
