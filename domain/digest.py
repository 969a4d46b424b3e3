"""The weekly digest: what an agency's group sees about its cases, with no full names.

Groups get counts and initials, never faces or names (UU PDP): a case at risk is shown by
its code and the offender's initials.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.ledger import Ledger

AT_RISK_DAYS = 14
CHART_WEEKS = 8


@dataclass(frozen=True)
class CaseWeek:
    """One case as the digest needs it."""

    code: str
    offender_name: str
    active: bool
    completed_on: date | None
    deadline: date
    ledger: Ledger
    planned_minutes_ahead: int  # planned sessions from today on
    sessions_planned_in_week: int
    absences_invalid_in_week: int


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


def at_risk(case: CaseWeek, today: date) -> bool:
    """The remaining hours exceed what the remaining planned sessions can hold, or the
    deadline is within 14 days with hours still to do."""
    remaining = case.ledger.remaining_minutes
    if remaining <= 0:
        return False
    return remaining > case.planned_minutes_ahead or case.deadline - today <= timedelta(
        days=AT_RISK_DAYS
    )


def build_digest(cases: Iterable[CaseWeek], *, week_start: date, today: date) -> Digest:
    week_end = week_start + timedelta(days=7)
    active = [c for c in cases if c.active or c.completed_on is not None]
    held = credited_week = credited_total = 0
    for case in active:
        credited_total += case.ledger.credited_minutes
        days = {
            credit.day
            for credit in case.ledger.credits
            if week_start <= credit.day < week_end and credit.credited_minutes > 0
        }
        held += len(days)
        credited_week += sum(
            credit.credited_minutes
            for credit in case.ledger.credits
            if week_start <= credit.day < week_end
        )
    weeks = [week_start - timedelta(days=7 * back) for back in range(CHART_WEEKS - 1, -1, -1)]
    weekly = {start: 0 for start in weeks}
    for case in active:
        for credit in case.ledger.credits:
            start = credit.day - timedelta(days=(credit.day - week_start).days % 7)
            if start in weekly:
                weekly[start] += credit.credited_minutes
    risky = sorted(
        (c.code, initials(c.offender_name)) for c in active if c.active and at_risk(c, today)
    )
    return Digest(
        week_start=week_start,
        active_cases=sum(1 for c in active if c.active),
        sessions_planned=sum(c.sessions_planned_in_week for c in active),
        sessions_held=held,
        credited_minutes_week=credited_week,
        credited_minutes_total=credited_total,
        completions=sum(
            1 for c in active if c.completed_on and week_start <= c.completed_on < week_end
        ),
        absences_invalid=sum(c.absences_invalid_in_week for c in active),
        at_risk=tuple(risky),
        weekly_minutes=tuple(weekly.items()),
        progress=tuple(
            sorted(
                (
                    c.code,
                    initials(c.offender_name),
                    c.ledger.credited_minutes,
                    c.ledger.total_minutes,
                )
                for c in active
                if c.active
            )
        ),
    )
