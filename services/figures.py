"""Cases' figures read from the database: what the digest, ``/ringkasan``, the month's .xlsx,
a case's PDF and ``/progres`` all show (``domain.figures`` says what each number counts).

Three queries whatever the number of cases, then the pure computation for each case.
"""

from collections.abc import Sequence
from datetime import datetime

from domain.figures import WHOLE_CASE, CaseFigures, CreditedDays, Period, case_figures
from domain.models import Case
from storage.repositories import Store

NOTHING_CREDITED = CreditedDays(0, {})


async def figures_by_case(
    store: Store, cases: Sequence[Case], period: Period, *, now: datetime
) -> dict[int, CaseFigures]:
    """Each case's figures over ``period`` as of ``now``, by case id."""
    ids = [case.id for case in cases]
    credited = await store.figures.credited(ids, period.first, period.end)
    sessions = await store.figures.planned_sessions(ids, period.first, period.end)
    absences = await store.figures.standing_absences(ids, period.first, period.end)
    return {
        case.id: case_figures(
            total_minutes=case.hours_total * 60,
            credited=credited.get(case.id, NOTHING_CREDITED),
            sessions=sessions.get(case.id, ()),
            absences=absences.get(case.id, ()),
            period=period,
            now=now,
        )
        for case in cases
    }


async def figures_of(
    store: Store, case: Case, *, now: datetime, period: Period = WHOLE_CASE
) -> CaseFigures:
    """One case's figures over its whole record, unless a period is given."""
    return (await figures_by_case(store, [case], period, now=now))[case.id]
