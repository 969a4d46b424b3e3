"""The weekly digest: what an agency's group sees about its cases, with no full names.

Groups get counts and initials, never faces or names (UU PDP): a case at risk is shown by
its code and the offender's initials.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain import consequences as law7
from domain.cases import CaseStatus
from domain.figures import CaseFigures, Period, combined

AT_RISK_DAYS = 14
CHART_WEEKS = 8


@dataclass(frozen=True)
class CaseStanding:
    """One case as the digest needs it: its figures over the reported week
    (``domain.figures``) and what is planned ahead."""

    code: str
    offender_name: str
    status: CaseStatus
    completed_on: date | None  # the local day it was completed, if it was
    deadline: date
    figures: CaseFigures  # over the reported week, as of the digest's "now"
    planned_minutes_ahead: int  # planned sessions from today on
    violations: int = 0  # absences ruled tidak sah, days sent home for behaviour

    @property
    def active(self) -> bool:
        return self.status is CaseStatus.ACTIVE

    @property
    def credited_minutes(self) -> int:
        return self.figures.credited_minutes

    @property
    def total_minutes(self) -> int:
        return self.figures.total_minutes

    @property
    def remaining_minutes(self) -> int:
        return self.figures.remaining_minutes


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


def week_of(week_start: date) -> Period:
    """The seven days from ``week_start``: the period of a digest's figures."""
    return Period(week_start, week_start + timedelta(days=7))


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
    #: Why each case at risk is, by code: "cannot_reach", "deadline", "violations".
    risk_reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
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


#: Patronymic particles: "Budi Santoso bin Slamet" is B.S., the father's name is not his.
_PARTICLES = frozenset({"bin", "binti", "bt", "bte"})
INITIALS_WORDS = 2


def initials(full_name: str) -> str:
    """ "Budi Santoso bin Slamet" -> "B.S.": the first letters of the first two words of the
    name, "bin"/"binti" and what follows them left out. Enough for the people who know the
    case, no more: a third initial, or the father's, would narrow it down to one family."""
    letters: list[str] = []
    for word in full_name.split():
        if word.casefold().rstrip(".") in _PARTICLES:
            break
        first = next((c for c in word if c.isalpha()), "")
        if first:
            letters.append(f"{first.upper()}.")
        if len(letters) == INITIALS_WORDS:
            break
    return "".join(letters)


def risk_reasons(case: CaseStanding, today: date) -> tuple[str, ...]:
    """Why a case with hours still to do is at risk, if it is: the remaining planned
    sessions cannot hold them (``cannot_reach``), the deadline is within 14 days
    (``deadline``), or it has two violations (``violations``, ``domain.consequences``)."""
    remaining = case.remaining_minutes
    if remaining <= 0:
        return ()
    found = [
        str(risk)
        for risk in law7.risks(
            remaining_minutes=remaining,
            planned_ahead_minutes=case.planned_minutes_ahead,
            violation_count=case.violations,
        )
    ]
    if case.deadline - today <= timedelta(days=AT_RISK_DAYS):
        found.append("deadline")
    return tuple(found)


def at_risk(case: CaseStanding, today: date) -> bool:
    return bool(risk_reasons(case, today))


def build_digest(
    cases: Iterable[CaseStanding],
    earlier: Sequence[Week],
    *,
    week: Period,
    today: date,
) -> Digest:
    """The digest of ``week``: its numbers are the counted cases' figures over it, summed
    (``domain.figures.combined``); ``earlier`` are the chart's weeks before it, oldest
    first."""
    reported = [c for c in cases if counted(c.status)]
    active = [c for c in reported if c.active]
    this_week = combined((c.figures for c in reported), week)
    return Digest(
        week_start=week.first,
        active_cases=len(active),
        sessions_planned=this_week.sessions_planned,
        sessions_held=this_week.days_held,
        credited_minutes_week=this_week.credited_minutes_in_period,
        credited_minutes_total=this_week.credited_minutes,
        completions=sum(1 for c in reported if c.completed_on and c.completed_on in week),
        absences_invalid=this_week.absences_invalid,
        at_risk=tuple(
            sorted((c.code, initials(c.offender_name)) for c in active if at_risk(c, today))
        ),
        risk_reasons={c.code: reasons for c in active if (reasons := risk_reasons(c, today))},
        weekly_minutes=(
            *((w.start, w.credited_minutes) for w in earlier),
            (week.first, this_week.credited_minutes_in_period),
        ),
        progress=tuple(
            sorted(
                (c.code, initials(c.offender_name), c.credited_minutes, c.total_minutes)
                for c in active
            )
        ),
    )
