"""A case: one court decision (putusan) ordering kerja sosial, and the rules for its terms.

The same checks serve the /kasus_baru conversation and the spreadsheet import, so a case
that one path refuses the other refuses too, with the same message.
"""

import dataclasses
from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from domain import law


class Consequence(StrEnum):
    """What the decision orders if the work is not done without a valid reason (ayat 7)."""

    REPEAT = "ulang"  # mengulang kerja sosial
    PRISON = "penjara"  # menjalani pidana penjara yang diganti
    FINE = "denda"  # membayar pidana denda yang diganti


class CaseStatus(StrEnum):
    ACTIVE = "aktif"
    COMPLETED = "selesai"
    CLOSED = "ditutup"  # ended otherwise: consequence applied, decision annulled...


NAME_MIN, NAME_MAX = 3, 120
TEXT_MIN, TEXT_MAX = 3, 200
DEFAULT_SESSION_START = time(8, 0)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an answer: which field, which message, and its values."""

    field: str
    key: str
    values: dict[str, object] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class CaseTerms:
    """What the planner needs from a case: the decision's terms and its dates."""

    hours_total: int
    hours_per_day: int
    weekdays: frozenset[int]  # 0 = Monday ... 6 = Sunday, as date.weekday()
    start_date: date
    deadline: date
    session_start: time = DEFAULT_SESSION_START


@dataclass(frozen=True)
class CaseDraft:
    """A case as entered, before it is stored. ``site_id`` and the people are ids."""

    offender_name: str
    decision_number: str
    court: str
    decision_date: date
    terms: CaseTerms
    site_id: int
    consequence: Consequence
    replaced_penalty: str
    jaksa_person_id: int
    pk_person_id: int | None = None
    #: The offender has no Telegram: the mobile number their PK (or the jaksa) phones, as
    #: ``domain.phones.parse_phone`` keeps it. None: they are reached in their own chat.
    phone: str | None = None


def case_code(year: int, sequence: int) -> str:
    """A short code people can say on the phone: KS-2026-0042."""
    return f"KS-{year}-{sequence:04d}"


def check_text(
    field_name: str, value: str, lo: int = TEXT_MIN, hi: int = TEXT_MAX
) -> Problem | None:
    if not lo <= len(value) <= hi:
        return Problem(field_name, "case.bad_text", {"min": lo, "max": hi})
    return None


def check_hours_total(hours: int) -> Problem | None:
    if not law.total_hours_lawful(hours):
        return Problem(
            "hours_total",
            "case.bad_hours_total",
            {"min": law.TOTAL_HOURS_MIN, "max": law.TOTAL_HOURS_MAX},
        )
    return None


def check_hours_per_day(hours: int) -> Problem | None:
    if not law.hours_per_day_lawful(hours):
        return Problem("hours_per_day", "case.bad_hours_per_day", {"max": law.DAILY_HOURS_MAX})
    return None


def check_dates(decision_date: date, start: date, deadline: date, today: date) -> list[Problem]:
    problems = []
    if decision_date > today:
        problems.append(Problem("decision_date", "case.decision_in_future"))
    if start < decision_date:
        problems.append(Problem("start_date", "case.start_before_decision"))
    latest = law.latest_deadline(start)
    if deadline <= start:
        problems.append(Problem("deadline", "case.deadline_before_start"))
    elif deadline > latest:
        problems.append(Problem("deadline", "case.deadline_too_late", {"latest": latest}))
    return problems


def check_draft(draft: CaseDraft, today: date) -> list[Problem]:
    """Every problem with a complete draft; an empty list means it may be stored."""
    problems = [
        p
        for p in (
            check_text("offender_name", draft.offender_name, NAME_MIN, NAME_MAX),
            check_text("decision_number", draft.decision_number),
            check_text("court", draft.court),
            check_text("replaced_penalty", draft.replaced_penalty),
            check_hours_total(draft.terms.hours_total),
            check_hours_per_day(draft.terms.hours_per_day),
        )
        if p is not None
    ]
    if not draft.terms.weekdays:
        problems.append(Problem("weekdays", "case.no_weekdays"))
    problems += check_dates(
        draft.decision_date, draft.terms.start_date, draft.terms.deadline, today
    )
    return problems
