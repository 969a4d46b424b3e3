"""Turning a case into planned sessions, with the national calendar and the site's load."""

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.holiday_calendar import days_off
from domain.models import Case, Site
from domain.schedule import Plan, plan_case
from storage.repositories import Store


async def days_off_between(store: Store, first: date, last: date) -> dict[date, str]:
    """National holidays (and cuti bersama unless turned off) with the admins' corrections."""
    years = range(first.year, last.year + 1)
    calendar = days_off(
        years,
        await store.holidays.overrides(),
        include_cuti_bersama=await store.holidays.cuti_bersama(),
    )
    return {d: name for d, name in calendar.items() if first <= d <= last}


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
        days_off=await days_off_between(store, first, case.deadline),
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
