"""The planner: which days, from when to when, an offender works off a case.

It is a single walk over the days from the start (or from where a re-plan begins) to the
deadline, taking each usable day in turn, as much of it as the rules allow, until the hours are
planned. A day is usable when

- its weekday is one the decision names,
- it is not a day off (national holiday, cuti bersama, or an admin's override),
- the site still has room that day (other cases' offenders booked there < capacity), and
- the offender still has minutes left that day under the daily cap (KUHP Pasal 85 ayat 5),
  after whatever is already planned or credited for them elsewhere.

A session starts at the case's ``session_start`` and never runs past midnight, so every session
belongs to exactly one local calendar day, which is the day the daily cap is counted on.

When the days run out first the plan holds what fits and reports the shortfall. The planner
never breaks a limit to make the hours fit: the jaksa decides what happens (another site, more
days per week, a request to the court).

Everything is local time at the site; turning it into instants is the caller's job.
"""

import math
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Protocol, TypeVar

from domain import law
from domain.cases import CaseTerms

ONE_DAY = timedelta(days=1)
MINUTES_PER_DAY = 24 * 60
_NOTHING_BOOKED: Mapping[date, int] = MappingProxyType({})


@dataclass(frozen=True)
class PlannedSession:
    """One sesi on one local calendar day at the site.

    ``end`` is ``time(0, 0)`` when the session runs exactly up to midnight: read it as the end
    of ``day``, not its start. ``end_at`` gives the unambiguous local datetime.
    """

    day: date
    start: time
    end: time
    minutes: int

    @property
    def start_at(self) -> datetime:
        """Naive local datetime of the start, in the site's zone."""
        return datetime.combine(self.day, self.start)

    @property
    def end_at(self) -> datetime:
        """Naive local datetime of the end; the next day's 00:00 for a session cut at midnight."""
        return self.start_at + timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Plan:
    """The sessions of a case (or of what remains of it) and how far they fall short."""

    sessions: tuple[PlannedSession, ...]
    minutes_needed: int
    planned_minutes: int

    @property
    def shortfall_minutes(self) -> int:
        return max(0, self.minutes_needed - self.planned_minutes)

    @property
    def shortfall_hours(self) -> float:
        return self.shortfall_minutes / 60

    @property
    def shortfall_whole_hours(self) -> int:
        """The shortfall rounded up to whole hours, for messages: 30 minutes short is 1 hour."""
        return math.ceil(self.shortfall_minutes / 60)

    @property
    def complete(self) -> bool:
        return self.shortfall_minutes == 0


class _Timed(Protocol):
    @property
    def day(self) -> date: ...
    @property
    def ends_at(self) -> datetime: ...


SessionLike = TypeVar("SessionLike", bound=_Timed)


def minutes_to_midnight(start: time) -> int:
    """Whole minutes from ``start`` until the end of the day: 22:00 leaves 120."""
    elapsed = timedelta(
        hours=start.hour, minutes=start.minute, seconds=start.second, microseconds=start.microsecond
    )
    return (timedelta(days=1) - elapsed) // timedelta(minutes=1)


def first_day(terms: CaseTerms, from_day: date | None = None) -> date:
    """Where a (re-)plan begins: never before the case's start date."""
    return terms.start_date if from_day is None else max(terms.start_date, from_day)


def _working_days(
    terms: CaseTerms, days_off: Collection[date] | Mapping[date, str], from_day: date | None
) -> Iterator[date]:
    """The decision's weekdays from ``first_day`` to the deadline, days off left out."""
    day = first_day(terms, from_day)
    while day <= terms.deadline:
        if day.weekday() in terms.weekdays and day not in days_off:
            yield day
        day += ONE_DAY


def plan_case(
    terms: CaseTerms,
    *,
    days_off: Collection[date] | Mapping[date, str],
    site_capacity: int,
    site_bookings: Mapping[date, int] = _NOTHING_BOOKED,
    offender_minutes_booked: Mapping[date, int] = _NOTHING_BOOKED,
    minutes_needed: int | None = None,
    from_day: date | None = None,
) -> Plan:
    """Plan the sessions of ``terms`` from ``from_day`` (default: the start) to the deadline.

    ``site_bookings`` counts the offenders of other cases already booked at the site per day;
    a day on which that reaches ``site_capacity`` is skipped. ``offender_minutes_booked`` is
    what this offender already has planned or credited on a day elsewhere; it counts against
    the daily cap. ``minutes_needed`` defaults to the whole sentence; pass what remains when
    re-planning.
    """
    needed = terms.hours_total * 60 if minutes_needed is None else minutes_needed
    if needed < 0:
        raise ValueError(f"minutes_needed must not be negative, got {needed}")
    daily_cap = law.daily_cap_minutes(terms.hours_per_day)
    longest = min(daily_cap, minutes_to_midnight(terms.session_start))
    sessions: list[PlannedSession] = []
    remaining = needed
    if remaining > 0 and longest > 0:
        for day in _working_days(terms, days_off, from_day):
            if site_bookings.get(day, 0) >= site_capacity:
                continue
            free = daily_cap - offender_minutes_booked.get(day, 0)
            minutes = min(free, longest, remaining)
            if minutes <= 0:
                continue
            start_at = datetime.combine(day, terms.session_start)
            end = (start_at + timedelta(minutes=minutes)).time()
            sessions.append(PlannedSession(day, terms.session_start, end, minutes))
            remaining -= minutes
            if remaining == 0:
                break
    return Plan(tuple(sessions), needed, needed - remaining)


def capacity_minutes(
    terms: CaseTerms,
    *,
    days_off: Collection[date] | Mapping[date, str],
    from_day: date | None = None,
) -> int:
    """The most the remaining working days could hold, ignoring site load and other bookings.

    If this is less than what remains of the sentence, no plan can finish in time.
    """
    per_day = min(
        law.daily_cap_minutes(terms.hours_per_day), minutes_to_midnight(terms.session_start)
    )
    if per_day <= 0:
        return 0
    return per_day * sum(1 for _ in _working_days(terms, days_off, from_day))


def at_risk(remaining_minutes: int, remaining_planned_minutes: int) -> bool:
    """A case is at risk when the hours still owed exceed what its remaining sessions hold.

    ``remaining_planned_minutes`` is the sum of the sessions still ahead (not yet held) before
    the deadline. Equal is not at risk: every remaining session must be attended, but it fits.
    """
    return remaining_minutes > remaining_planned_minutes


def still_ahead(
    sessions: Iterable[SessionLike], *, now: datetime, handled_days: Collection[date]
) -> list[SessionLike]:
    """The sessions yet to be held: not over by ``now``, and on a day nobody has checked in
    or been reported absent yet. "Next session" means the first of these, everywhere (the
    offender's progress, the schedule, the reminders' buttons, the PDF, leave requests)."""
    return [s for s in sessions if s.ends_at > now and s.day not in handled_days]
