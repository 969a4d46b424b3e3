"""Sliding-window lockouts: too many failures within a window close the door for a while.

One rule for every place that needs it: failed invitation redemptions and refused
commands. Only failures counted while the door was open matter, so a lockout ends at a
time that can be told to the person in advance.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Lockout:
    limit: int
    window: timedelta

    def recent(self, failures: Iterable[datetime], now: datetime) -> list[datetime]:
        """The failures still inside the window, oldest first."""
        return sorted(f for f in failures if now - f < self.window)

    def locked_until(self, failures: Iterable[datetime], now: datetime) -> datetime | None:
        """When someone with these failures may try again, or None if they may now."""
        recent = self.recent(failures, now)
        if len(recent) < self.limit:
            return None
        # The oldest failure that keeps the count at the limit must leave the window.
        return recent[-self.limit] + self.window
