"""At most one log line per kind of failure a minute.

When Telegram or the disk is down, every request fails the same way: one line per request
would bury the log (and the operator's alerting) in thousands of copies. The first failure
of a kind is logged at once; later ones within the interval are only counted, and the next
line says how many were held back. ``now`` comes from the caller, so tests move time.
"""

import logging
from datetime import datetime, timedelta

INTERVAL = timedelta(minutes=1)


class LogThrottle:
    def __init__(self, interval: timedelta = INTERVAL) -> None:
        self.interval = interval
        self._last: dict[str, datetime] = {}
        self._held: dict[str, int] = {}

    def warning(
        self, logger: logging.Logger, kind: str, now: datetime, message: str, *args: object
    ) -> bool:
        """Log ``message`` unless a line of this ``kind`` went out within the interval."""
        last = self._last.get(kind)
        if last is not None and now - last < self.interval:
            self._held[kind] = self._held.get(kind, 0) + 1
            return False
        held = self._held.pop(kind, 0)
        if held:
            logger.warning(message + " (%d more since the last line)", *args, held)
        else:
            logger.warning(message, *args)
        self._last[kind] = now
        return True

    def recovered(self, logger: logging.Logger, kind: str, message: str, *args: object) -> None:
        """One line that a failure of this ``kind`` is over; nothing if none was logged."""
        if self._last.pop(kind, None) is None:
            return
        held = self._held.pop(kind, 0)
        logger.info(message + " (%d more failures since the last line)", *args, held)
