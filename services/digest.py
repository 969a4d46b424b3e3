"""Computing an agency's weekly digest from its cases, and writing it for a group."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from domain.agencies import with_descendants
from domain.digest import CaseWeek, Digest, build_digest
from domain.ledger import compute_ledger, fold
from domain.models import Case
from storage.repositories import Store
from texts import Html, Texts, join_lines
from texts.formatting import format_day, format_hours


async def agency_scope(store: Store, agency_id: int) -> set[int]:
    """The agency and every agency under it: a Kejati or Pemprov group gets the roll-up."""
    agencies = await store.agencies.all()
    return with_descendants({a.id: a.parent_id for a in agencies}, [agency_id])


async def cases_in_scope(store: Store, scope: set[int] | None) -> list[Case]:
    """Cases executed by these agencies or worked at sites they host (all if None)."""
    cases = await store.cases.for_agencies(None, active_only=False)
    if scope is None:
        return cases
    hosted = {s.id for s in await store.sites.all(scope)}
    return [c for c in cases if c.agency_id in scope or c.site_id in hosted]


async def compute(store: Store, cases: list[Case], *, week_start: date, today: date) -> Digest:
    """One pass over the database for all the cases, then the pure digest."""
    week_end = week_start + timedelta(days=7)
    sites = {s.id: s for s in await store.sites.all()}
    ids = [c.id for c in cases]
    sessions = await store.cases.session_minutes_by_case(ids)
    events = await store.attendance.events_by_case(ids)
    invalid = await store.attendance.invalid_absence_days_by_case(ids)
    weeks = []
    for case in cases:
        site = sites[case.site_id]
        planned = sessions.get(case.id, [])
        closed_on = (
            case.closed_at.astimezone(ZoneInfo(site.timezone)).date() if case.closed_at else None
        )
        weeks.append(
            CaseWeek(
                code=case.code,
                offender_name=case.offender_name,
                active=case.status.value == "aktif",
                completed_on=closed_on if case.status.value == "selesai" else None,
                deadline=case.deadline,
                ledger=compute_ledger(
                    fold(events.get(case.id, [])),
                    hours_total=case.hours_total,
                    hours_per_day=case.hours_per_day,
                    zone=site.timezone,
                ),
                planned_minutes_ahead=sum(m for day, m in planned if day >= today),
                sessions_planned_in_week=sum(
                    1 for day, _ in planned if week_start <= day < week_end
                ),
                absences_invalid_in_week=sum(
                    1 for day in invalid.get(case.id, []) if week_start <= day < week_end
                ),
            )
        )
    return build_digest(weeks, week_start=week_start, today=today)


def render(texts: Texts, title: str, digest: Digest) -> Html:
    rate = digest.attendance_rate
    lines = [
        texts(
            "digest.header",
            title=title,
            week=format_day(digest.week_start, texts.lang),
        ),
        texts(
            "digest.body",
            active=digest.active_cases,
            held=digest.sessions_held,
            planned=digest.sessions_planned,
            rate="—" if rate is None else f"{round(rate * 100)}%",
            week_hours=format_hours(digest.credited_minutes_week),
            total_hours=format_hours(digest.credited_minutes_total),
            completions=digest.completions,
            invalid=digest.absences_invalid,
        ),
    ]
    if digest.at_risk:
        lines.append(texts("digest.at_risk_header", count=len(digest.at_risk)))
        lines += [texts("digest.at_risk_line", code=c, initials=i) for c, i in digest.at_risk]
    else:
        lines.append(texts("digest.no_risk"))
    return join_lines(lines)


def week_start_of(day: date) -> date:
    """The Monday of the week being reported: the week that ended before the digest day."""
    return day - timedelta(days=day.weekday())
