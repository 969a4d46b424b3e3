"""The suite's one "now": no test reads the machine's date or time, they all start from here.

``SUITE_NOW`` is an ordinary working morning in Samarinda, written down so that a failure can
be replayed on any day. ``KERJASOSIAL_TEST_NOW`` (an ISO 8601 instant with its offset) moves
the whole suite to another instant: ``tests/calendar_sweep`` uses it, together with the
machine's clock moved by libfaketime, to run the suite on the dates that catch calendar
mistakes. A test that needs a particular day sets it itself (``Clock.set_local``).

The fake Bot API stamps messages with the same clock, so a photo "sent now" carries the
instant the bot believes it is.
"""

import os
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.holiday_calendar import days_off

ENV = "KERJASOSIAL_TEST_NOW"
WITA = ZoneInfo("Asia/Makassar")

#: Wednesday 2 June 2027, 09.00 WITA: a working day with no day off around it.
SUITE_NOW = datetime(2027, 6, 2, 1, 0, tzinfo=UTC)


def suite_now() -> datetime:
    """The instant every test starts from: ``SUITE_NOW`` unless ``KERJASOSIAL_TEST_NOW`` says."""
    value = os.environ.get(ENV)
    if not value:
        return SUITE_NOW
    moved = datetime.fromisoformat(value)
    if moved.tzinfo is None:
        raise ValueError(f"{ENV} must carry its UTC offset, e.g. 2027-12-31T16:30:00+00:00")
    return moved.astimezone(UTC)


class Clock:
    """The application's one source of "now"; tests move it instead of sleeping."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = suite_now() if now is None else now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta

    def today(self, zone: ZoneInfo = WITA) -> date:
        return self.now.astimezone(zone).date()

    def set_local(self, day: date, at: time, zone: ZoneInfo = WITA) -> None:
        self.now = datetime.combine(day, at, zone).astimezone(UTC)


def is_day_off(day: date) -> bool:
    """Whether ``day`` is a national holiday or cuti bersama, as the bot's planner sees it."""
    return day in days_off([day.year], ())


def working_days(start: date, *, weekdays: Iterable[int] = range(5)) -> Iterator[date]:
    """The days from ``start`` on with one of ``weekdays`` (Monday is 0) that are not days off
    in the project's own calendar: what a test means by "a day the bot will plan"."""
    allowed = frozenset(weekdays)
    day = start
    while True:
        if day.weekday() in allowed and not is_day_off(day):
            yield day
        day += timedelta(days=1)
