"""Turning a case into planned sessions, with the national calendar and the site's load."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.agencies import with_descendants
from domain.holiday_calendar import days_off, for_site, national
from domain.models import Case, Site
from domain.reminders import SessionFacts
from domain.schedule import Plan, plan_case
from storage.repositories import Store


async def days_off_between(
    store: Store, first: date, last: date, site: Site | None = None
) -> dict[date, str]:
    """National holidays (and cuti bersama unless turned off) with the admins' corrections;
    for a ``site``, with the regional days off of its host agency and those above it too.
    Without a site: the national calendar only."""
    years = range(first.year, last.year + 1)
    overrides = await store.holidays.overrides()
    if site is None:
        chosen = national(overrides)
    elif any(o.agency_id is not None for o in overrides):
        parents = {a.id: a.parent_id for a in await store.agencies.all()}
        chosen = for_site(overrides, site.host_agency_id, parents)
    else:
        chosen = overrides
    calendar = days_off(years, chosen, include_cuti_bersama=await store.holidays.cuti_bersama())
    return {d: name for d, name in calendar.items() if first <= d <= last}


async def regional_days_off(store: Store, sessions: Sequence[SessionFacts]) -> dict[int, set[date]]:
    """For each site of ``sessions``, the regional days off that reach it among the
    sessions' days (the national ones are the caller's): the reminders planner's question."""
    overrides = [o for o in await store.holidays.overrides() if o.agency_id is not None]
    if not overrides or not sessions:
        return {}
    first, last = min(s.day for s in sessions), max(s.day for s in sessions)
    national_days = days_off(
        range(first.year, last.year + 1),
        national(await store.holidays.overrides()),
        include_cuti_bersama=await store.holidays.cuti_bersama(),
    )
    result: dict[int, set[date]] = {}
    for site_id in {s.site_id for s in sessions}:
        site = await store.sites.get(site_id)
        if site is None:
            continue
        everything = await days_off_between(store, first, last, site)
        result[site_id] = {d for d in everything if d not in national_days}
    return result


async def sites_reached(store: Store, agency_id: int | None) -> set[int] | None:
    """The sites a day off of ``agency_id`` reaches: those hosted by it or an agency under
    it; None (every site) for a national one."""
    if agency_id is None:
        return None
    parents = {a.id: a.parent_id for a in await store.agencies.all()}
    reached = with_descendants(parents, [agency_id])
    return {s.id for s in await store.sites.all() if s.host_agency_id in reached}


async def plan_and_store(
    store: Store,
    case: Case,
    site: Site,
    *,
    now: datetime,
    from_day: date | None = None,
    minutes_needed: int | None = None,
    offender_minutes_booked: Mapping[date, int] | None = None,
) -> Plan:
    """Plan the case's sessions and store them; the plan says any shortfall.

    ``offender_minutes_booked``: what the offender already has on a day (their sessions
    kept when the lost hours are planned again), counted against the daily cap."""
    first = max(case.start_date, from_day or case.start_date)
    plan = plan_case(
        case.terms,
        days_off=await days_off_between(store, first, case.deadline, site),
        site_capacity=site.capacity,
        site_bookings=await store.cases.site_bookings(
            site.id, first, case.deadline, excluding_case=case.id
        ),
        offender_minutes_booked=offender_minutes_booked or {},
        minutes_needed=minutes_needed,
        from_day=from_day,
    )
    zone = ZoneInfo(site.timezone)
    rows = []
    for session in plan.sessions:
        starts = datetime.combine(session.day, session.start, tzinfo=zone)
        rows.append(
            (session.day, starts, starts + timedelta(minutes=session.minutes), session.minutes)
        )
    await store.cases.add_sessions(case_id=case.id, site_id=site.id, sessions=rows, now=now)
    return plan
