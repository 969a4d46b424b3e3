"""How often a person is told "no": the per-user memory behind the refusal rate limit.

The limit itself is :data:`domain.permissions.REFUSALS_ANSWERED`. The memory lives in this
process only: a restart forgets it, which costs an attacker nothing they could not get by
waiting, and saves a database write per refusal on top of the audit row.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from domain.lockout import Lockout
from domain.permissions import REFUSALS_ANSWERED


class Answer(Enum):
    REPLY = "reply"  # the usual polite refusal
    NOTICE = "notice"  # the one message saying the bot stops answering until a time
    SILENT = "silent"  # nothing is sent; the refusal is still audited


@dataclass
class _Recent:
    counted: list[datetime] = field(default_factory=list)
    noticed_until: datetime | None = None


class RefusalThrottle:
    """Decides, per refusal, whether the person still gets an answer."""

    def __init__(self, rule: Lockout = REFUSALS_ANSWERED, max_people: int = 10_000) -> None:
        self.rule = rule
        self._max_people = max_people
        self._people: dict[int, _Recent] = {}

    def register(self, telegram_user_id: int, now: datetime) -> tuple[Answer, datetime | None]:
        """Count one refusal; returns how to answer it and, when locked, until when."""
        recent = self._people.setdefault(telegram_user_id, _Recent())
        recent.counted = self.rule.recent(recent.counted, now)
        until = self.rule.locked_until(recent.counted, now)
        if until is None:
            # Refusals while locked are not counted, so the lockout ends when it said.
            recent.counted.append(now)
            self._forget_quiet_people(now)
            return Answer.REPLY, None
        if recent.noticed_until == until:
            return Answer.SILENT, until
        recent.noticed_until = until
        return Answer.NOTICE, until

    def _forget_quiet_people(self, now: datetime) -> None:
        """Keep the memory bounded: drop people with nothing left in the window."""
        if len(self._people) <= self._max_people:
            return
        for user_id in [u for u, r in self._people.items() if not self.rule.recent(r.counted, now)]:
            del self._people[user_id]
