"""Who asked, when, and through which update: what every use case is given with its arguments.

A use case runs its change in :meth:`Origin.transaction`. When the request came from
Telegram, the first transaction also records the update as processed, in the same commit as
the change, so an update delivered twice (a retry, a replay from the inbox after a crash)
can never apply it twice. The CLI passes no update id and is not deduplicated. A transaction
that queued a message wakes the outbox once it has committed; one that claimed the update
says so (``on_claimed``), so that recording the update as handled afterwards need not read
back what this process has just written.
"""

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.actor import Actor
from storage.db import Database
from storage.repositories import Store


class DuplicateUpdate(Exception):
    """Telegram delivered an update that has already been handled; it is dropped."""


@dataclass
class Origin:
    db: Database
    actor: Actor
    now: datetime
    update_id: int | None = None
    #: Sends what a transaction just wrote to the outbox, without waiting for the next tick.
    wake_outbox: Callable[[], None] = field(default=lambda: None, repr=False)
    #: Told the update id once a transaction that claimed it has committed.
    on_claimed: Callable[[int], None] = field(default=lambda _: None, repr=False)
    _claimed: bool = field(default=False, repr=False)

    @property
    def person_id(self) -> int | None:
        return self.actor.person.id if self.actor.person else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Store]:
        claiming = None if self._claimed else self.update_id
        async with self.db.transaction() as store:
            planned = store.outbox.planned
            if claiming is not None and not await store.updates.mark(claiming, self.now):
                raise DuplicateUpdate(claiming)
            yield store
        # Claimed only once committed: after a rollback, the next transaction claims.
        if claiming is not None:
            self._claimed = True
            self.on_claimed(claiming)
        if store.outbox.planned > planned:
            self.wake_outbox()

    def audit_fields(self) -> dict[str, Any]:
        """Who and which update, for an audit row written inside the use case's transaction."""
        return {
            "now": self.now,
            "actor_telegram_id": self.actor.telegram_user_id,
            "actor_person_id": self.person_id,
            "update_id": self.update_id,
        }

    async def audit(
        self,
        action: str,
        *,
        subject: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Record something that changed nothing else (a refusal, a failed attempt) on its own."""
        async with self.transaction() as store:
            await store.audit.append(
                action=action, subject=subject, detail=detail, **self.audit_fields()
            )
