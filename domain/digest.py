"""The weekly digest: what an agency's group sees about its cases, with no full names.

Groups get counts and initials, never faces or names (UU PDP): a case at risk is shown by
its code and the offender's initials.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.cases import CaseStatus

AT_RISK_DAYS = 14
CHART_WEEKS = 8


@dataclass(frozen=True)
class CaseStanding:
    """One case as the digest needs it: where its ledger stands and what is planned ahead."""

    code: str
    offender_name: str
    status: CaseStatus
    completed_on: date | None  # the local day it was completed, if it was
    deadline: date
    credited_minutes: int
    total_minutes: int
    planned_minutes_ahead: int  # planned sessions from today on

    @property
    def active(self) -> bool:
        return self.status is CaseStatus.ACTIVE

    @property
    def remaining_minutes(self) -> int:
        return self.total_minutes - self.credited_minutes


@dataclass(frozen=True)
class Week:
    """What happened over the counted cases in one week."""

    start: date
    credited_minutes: int
    days_held: int  # (case, local day) pairs with minutes credited: a session held


def reported_week(today: date) -> date:
    """The first of the seven days that end with ``today`` (the agency's local day): the one
    period every digest reports, posted on schedule or asked for with ``/ringkasan``, so two
    digests a few minutes apart never disagree. Its rate counts the sessions already over."""
    return today - timedelta(days=6)


def chart_weeks(week_start: date) -> list[date]:
    """The Mondays (or week starts) the chart shows, oldest first, ending with this week."""
    return [week_start - timedelta(days=7 * back) for back in range(CHART_WEEKS - 1, -1, -1)]


def counted(status: CaseStatus) -> bool:
    """Active and completed cases are reported; cases closed otherwise are not."""
    return status in (CaseStatus.ACTIVE, CaseStatus.COMPLETED)


@dataclass(frozen=True)
class Digest:
    week_start: date
    active_cases: int
    sessions_planned: int
    sessions_held: int
    credited_minutes_week: int
    credited_minutes_total: int
    completions: int
    absences_invalid: int
    at_risk: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (code, initials)
    #: Minutes credited in each of the last weeks, oldest first, ending with this one.
    weekly_minutes: tuple[tuple[date, int], ...] = field(default_factory=tuple)
    #: (code, initials, credited minutes, total minutes) of each active case.
    progress: tuple[tuple[str, str, int, int], ...] = field(default_factory=tuple)

    @property
    def attendance_rate(self) -> float | None:
        """Sessions held out of sessions planned; None when nothing was planned."""
        if self.sessions_planned == 0:
            return None
        return min(1.0, self.sessions_held / self.sessions_planned)


def initials(full_name: str) -> str:
    """ "Budi Santoso" -> "B.S." — enough for the people who know the case, no more."""
    return "".join(f"{part[0].upper()}." for part in full_name.split() if part[:1].isalpha())


def at_risk(case: CaseStanding, today: date) -> bool:
    """The remaining hours exceed what the remaining planned sessions can hold, or the
    deadline is within 14 days with hours still to do."""
    remaining = case.remaining_minutes
    if remaining <= 0:
        return False
    return remaining > case.planned_minutes_ahead or case.deadline - today <= timedelta(
        days=AT_RISK_DAYS
    )


def build_digest(
    cases: Iterable[CaseStanding],
    weeks: Sequence[Week],
    *,
    sessions_planned: int,
    absences_invalid: int,
    today: date,
) -> Digest:
    """The digest of the last of ``weeks`` (the chart's weeks, oldest first); the sessions
    planned and the absences ruled *tidak sah* are that week's."""
    this_week = weeks[-1]
    week_end = this_week.start + timedelta(days=7)
    reported = [c for c in cases if counted(c.status)]
    active = [c for c in reported if c.active]
    return Digest(
        week_start=this_week.start,
        active_cases=len(active),
        sessions_planned=sessions_planned,
        sessions_held=this_week.days_held,
        credited_minutes_week=this_week.credited_minutes,
        credited_minutes_total=sum(c.credited_minutes for c in reported),
        completions=sum(
            1 for c in reported if c.completed_on and this_week.start <= c.completed_on < week_end
        ),
        absences_invalid=absences_invalid,
        at_risk=tuple(
            sorted((c.code, initials(c.offender_name)) for c in active if at_risk(c, today))
        ),
        weekly_minutes=tuple((w.start, w.credited_minutes) for w in weeks),
        progress=tuple(
            sorted(
                (c.code, initials(c.offender_name), c.credited_minutes, c.total_minutes)
                for c in active
            )
        ),
    )
