"""Computing an agency's weekly digest from its cases, and writing it for a group."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.agencies import with_descendants
from domain.authority import CaseFilter
from domain.cases import CaseStatus
from domain.digest import (
    CaseStanding,
    Digest,
    Week,
    build_digest,
    chart_weeks,
    counted,
    week_of,
)
from domain.models import Case, Site
from services.figures import figures_by_case
from storage.repositories import Store
from texts import Html, Texts, join_lines
from texts.formatting import format_day, format_duration


async def agency_scope(store: Store, agency_id: int) -> set[int]:
    """The agency and every agency under it: a Kejati or Pemprov group gets the roll-up."""
    agencies = await store.agencies.all()
    return with_descendants({a.id: a.parent_id for a in agencies}, [agency_id])


async def cases_in_scope(store: Store, scope: set[int] | frozenset[int] | None) -> list[Case]:
    """Cases executed by these agencies or worked at sites they host (all if None), found as
    ``/jadwal`` finds an office's cases, finished ones included."""
    if scope is None:
        return await store.cases.visible(CaseFilter(everything=True), active_only=False)
    hosted = frozenset(s.id for s in await store.sites.all(set(scope)))
    return await store.cases.visible(
        CaseFilter(agency_ids=frozenset(scope), site_ids=hosted), active_only=False
    )


async def compute(
    store: Store, cases: list[Case], *, week_start: date, today: date, now: datetime
) -> Digest:
    """The week's figures of every counted case (``services.figures``: a few queries whatever
    the number of cases), then the pure digest. Its rate counts only the sessions over by
    ``now``; the chart's earlier weeks are the same per-day sums, week by week."""
    sites = {s.id: s for s in await store.sites.all()}
    reported = [case for case in cases if counted(case.status)]
    ids = [case.id for case in reported]
    week = week_of(week_start)
    figures = await figures_by_case(store, reported, week, now=now)
    ahead = await store.cases.planned_minutes_from(ids, today)
    violations = await store.consequences.violations_by_case(ids)
    standings = [
        CaseStanding(
            code=case.code,
            offender_name=case.offender_name,
            status=case.status,
            completed_on=_completed_on(case, sites[case.site_id]),
            deadline=case.deadline,
            figures=figures[case.id],
            planned_minutes_ahead=ahead.get(case.id, 0),
            violations=violations.get(case.id, 0),
        )
        for case in reported
    ]
    earlier = chart_weeks(week_start)[:-1]
    weeks = [
        Week(start=start, credited_minutes=minutes, days_held=held)
        for start, (minutes, held) in zip(
            earlier, await store.ledger_days.weekly(ids, earlier), strict=True
        )
    ]
    return build_digest(standings, weeks, week=week, today=today)


def _completed_on(case: Case, site: Site) -> date | None:
    if case.status is not CaseStatus.COMPLETED or case.closed_at is None:
        return None
    return case.closed_at.astimezone(ZoneInfo(site.timezone)).date()


def risk_words(texts: Texts, digest: Digest, code: str) -> str:
    """ "jadwal tersisa tidak cukup, 2 pelanggaran atau lebih": why a case is at risk."""
    return ", ".join(texts.plain(f"risk.{r}") for r in digest.risk_reasons.get(code, ()))


def render(texts: Texts, title: str, digest: Digest) -> Html:
    rate = digest.attendance_rate
    lines = [
        texts(
            "digest.header",
            title=title,
            first=format_day(digest.week_start, texts.lang),
            last=format_day(digest.week_start + timedelta(days=6), texts.lang),
        ),
        texts(
            "digest.body",
            active=digest.active_cases,
            held=digest.sessions_held,
            planned=digest.sessions_planned,
            rate="—" if rate is None else f"{round(rate * 100)}%",
            # A chat message: hours exact, as /progres shows them ("2 jam 3 menit").
            week_hours=format_duration(digest.credited_minutes_week, texts.lang),
            total_hours=format_duration(digest.credited_minutes_total, texts.lang),
            completions=digest.completions,
            invalid=digest.absences_invalid,
        ),
    ]
    if digest.at_risk:
        lines.append(texts("digest.at_risk_header", count=len(digest.at_risk)))
        lines += [
            texts("digest.at_risk_line", code=c, initials=i, reasons=risk_words(texts, digest, c))
            for c, i in digest.at_risk
        ]
    else:
        lines.append(texts("digest.no_risk"))
    return join_lines(lines)
