"""A case's figures: the one computation behind every number a report shows about it.

The weekly digest (posted or asked for with ``/ringkasan``), the month's .xlsx (its site
sheets and its summary), a case's PDF and ``/progres`` all take their numbers from
:func:`case_figures`, and sum them over cases with :func:`combined`, so two of them can never
disagree about the same case and period.

What is counted, and why:

- Credited minutes are the ledger's, summed per local day (``domain.ledger.minutes_by_day``,
  kept in ``ledger_days``). The total is never more than the sentence, so credited and
  remaining always add up to it exactly.
- A day held is a local day in the period with minutes credited: a session held.
- A session planned counts once it is over (its end at or before ``now``): one still to come,
  or under way, is not yet missed, so a report read in the middle of a month or a week
  never counts it against the offender.
- Absences are those standing on days in the period (one a correction withdrew is not
  passed in); *tidak sah* are those so ruled.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple, Protocol

RULED_INVALID = "tidak_sah"


@dataclass(frozen=True)
class Period:
    """The local days ``first`` up to, not including, ``end``."""

    first: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day < self.end


#: Every day there is: a case's whole record, as its PDF and ``/progres`` show it.
WHOLE_CASE = Period(date.min, date.max)


@dataclass(frozen=True)
class CreditedDays:
    """A case's credited minutes: summed over every day to date, and day by day for the
    days of the period asked about (others may be left out: a province's digest reads only
    its week's days)."""

    to_date: int
    by_day: Mapping[date, int]

    @classmethod
    def of(cls, by_day: Mapping[date, int]) -> "CreditedDays":
        """Every day's minutes, as ``domain.ledger.minutes_by_day`` gives them."""
        return cls(sum(m for m in by_day.values() if m > 0), by_day)


class PlannedSession(NamedTuple):
    """A session still planned (not cancelled): its local day and when it ends. (A tuple:
    a province's month is tens of thousands of them.)"""

    day: date
    ends_at: datetime


class StandingAbsence(NamedTuple):
    """An absence reported and not withdrawn: its local day and its ruling, if ruled."""

    day: date
    ruling: str | None


class Progress(Protocol):
    """What a progress bar needs: a case's figures, or its ledger just after a check-out."""

    @property
    def credited_minutes(self) -> int: ...

    @property
    def total_minutes(self) -> int: ...

    @property
    def remaining_minutes(self) -> int: ...


@dataclass(frozen=True)
class CaseFigures:
    """One case's (or, :func:`combined`, several cases') numbers over ``period``."""

    period: Period
    total_minutes: int  # the decision's hours
    credited_minutes: int  # credited to date, never more than the total
    credited_minutes_in_period: int
    remaining_minutes: int  # total - credited: never negative
    days_held: int  # local days in the period with minutes credited
    sessions_planned: int  # planned on days in the period and over by ``now``
    absences: int  # standing, on days in the period
    absences_invalid: int  # of which ruled tidak sah

    @property
    def completed(self) -> bool:
        return self.total_minutes > 0 and self.remaining_minutes == 0

    @property
    def percent_done(self) -> int:
        """Whole percent, never rounded up: 100 only when every minute is credited."""
        if self.total_minutes <= 0:
            return 0
        return self.credited_minutes * 100 // self.total_minutes


def case_figures(
    *,
    total_minutes: int,
    credited: CreditedDays,
    sessions: Iterable[PlannedSession],
    absences: Iterable[StandingAbsence],
    period: Period,
    now: datetime,
) -> CaseFigures:
    """The figures of one case over ``period``, as of ``now`` (an aware instant).

    ``credited`` holds at least the period's days; ``sessions`` and ``absences`` may hold
    days outside the period, which are not counted.
    """
    total = max(total_minutes, 0)
    in_period = held = 0
    for day, minutes in credited.by_day.items():
        if minutes > 0 and period.first <= day < period.end:
            in_period += minutes
            held += 1
    to_date = min(max(credited.to_date, 0), total)
    in_period = min(in_period, to_date)
    planned = sum(1 for s in sessions if s.day in period and s.ends_at <= now)
    standing = [a for a in absences if a.day in period]
    return CaseFigures(
        period=period,
        total_minutes=total,
        credited_minutes=to_date,
        credited_minutes_in_period=in_period,
        remaining_minutes=total - to_date,
        days_held=held,
        sessions_planned=planned,
        absences=len(standing),
        absences_invalid=sum(1 for a in standing if a.ruling == RULED_INVALID),
    )


def combined(figures: Iterable[CaseFigures], period: Period) -> CaseFigures:
    """Several cases' figures over the same ``period``, summed: a site's row in the month's
    summary sheet, an agency's digest."""
    rows = list(figures)
    if any(f.period != period for f in rows):
        raise ValueError("figures of different periods cannot be combined")
    return CaseFigures(
        period=period,
        total_minutes=sum(f.total_minutes for f in rows),
        credited_minutes=sum(f.credited_minutes for f in rows),
        credited_minutes_in_period=sum(f.credited_minutes_in_period for f in rows),
        remaining_minutes=sum(f.remaining_minutes for f in rows),
        days_held=sum(f.days_held for f in rows),
        sessions_planned=sum(f.sessions_planned for f in rows),
        absences=sum(f.absences for f in rows),
        absences_invalid=sum(f.absences_invalid for f in rows),
    )
