"""The planner: examples a jaksa would recognise, then the rules it must hold for any case."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import law
from domain.cases import CaseTerms
from domain.holiday_calendar import national_days_off
from domain.schedule import (
    Plan,
    PlannedSession,
    at_risk,
    capacity_minutes,
    minutes_to_midnight,
    plan_case,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
MON_WED_FRI = frozenset({MON, WED, FRI})
EVERY_DAY = frozenset(range(7))
MONDAY_5_JAN_2026 = date(2026, 1, 5)
DAYS_OFF_2026 = national_days_off([2026])
NO_DAYS_OFF: frozenset[date] = frozenset()
ROOMY = 10  # a site capacity that nothing in the examples reaches


def terms(
    hours_total: int = 40,
    hours_per_day: int = 2,
    weekdays: frozenset[int] = MON_WED_FRI,
    start: date = MONDAY_5_JAN_2026,
    deadline: date | None = None,
    session_start: time = time(8, 0),
) -> CaseTerms:
    return CaseTerms(
        hours_total=hours_total,
        hours_per_day=hours_per_day,
        weekdays=weekdays,
        start_date=start,
        deadline=law.latest_deadline(start) if deadline is None else deadline,
        session_start=session_start,
    )


def days(plan: Plan) -> list[date]:
    return [s.day for s in plan.sessions]


# Examples ---------------------------------------------------------------------------------


def test_40_hours_at_2_a_day_on_mon_wed_fri() -> None:
    plan = plan_case(terms(), days_off=DAYS_OFF_2026, site_capacity=ROOMY)
    assert len(plan.sessions) == 20
    assert all(s.minutes == 120 for s in plan.sessions)
    assert all(s.start == time(8, 0) and s.end == time(10, 0) for s in plan.sessions)
    assert {d.weekday() for d in days(plan)} == {MON, WED, FRI}
    assert days(plan) == sorted(days(plan))
    assert plan.sessions[0].day == MONDAY_5_JAN_2026
    # Fri 16 Jan (Isra Mikraj) and Mon 16 Feb (cuti bersama Imlek) are skipped.
    assert date(2026, 1, 16) not in days(plan)
    assert date(2026, 2, 16) not in days(plan)
    assert plan.sessions[-1].day == date(2026, 2, 23)
    assert plan.minutes_needed == plan.planned_minutes == 40 * 60
    assert plan.shortfall_minutes == 0
    assert plan.complete


def test_without_days_off_the_same_case_ends_earlier() -> None:
    plan = plan_case(terms(), days_off=NO_DAYS_OFF, site_capacity=ROOMY)
    assert len(plan.sessions) == 20
    assert date(2026, 1, 16) in days(plan)
    assert plan.sessions[-1].day == date(2026, 2, 18)


def test_holidays_are_skipped() -> None:
    # Every day of the week from Monday 12 January: 120 sessions of 2 hours run past Lebaran.
    case = terms(hours_total=240, hours_per_day=2, weekdays=EVERY_DAY, start=date(2026, 1, 12))
    plan = plan_case(case, days_off=DAYS_OFF_2026, site_capacity=ROOMY)
    planned = set(days(plan))
    assert date(2026, 1, 16) not in planned  # Isra Mikraj
    eid_block = {date(2026, 3, d) for d in range(18, 25)}  # Nyepi, Idul Fitri, cuti bersama
    assert not eid_block & planned
    assert {date(2026, 1, 15), date(2026, 1, 17), date(2026, 3, 17), date(2026, 3, 25)} <= planned
    assert not planned & set(DAYS_OFF_2026)
    assert plan.complete


def test_cuti_bersama_days_are_worked_when_the_setting_is_off() -> None:
    case = terms(hours_total=240, hours_per_day=2, weekdays=EVERY_DAY, start=date(2026, 1, 12))
    public_only = national_days_off([2026], include_cuti_bersama=False)
    planned = set(days(plan_case(case, days_off=public_only, site_capacity=ROOMY)))
    assert date(2026, 3, 20) in planned  # cuti bersama Idul Fitri
    assert date(2026, 3, 21) not in planned  # Idul Fitri itself


def test_the_last_session_is_shorter_when_the_hours_do_not_divide() -> None:
    plan = plan_case(terms(hours_total=9), days_off=NO_DAYS_OFF, site_capacity=ROOMY)
    assert [s.minutes for s in plan.sessions] == [120, 120, 120, 120, 60]
    assert plan.sessions[-1].end == time(9, 0)
    assert plan.complete


def test_a_case_whose_days_cannot_hold_the_hours_reports_the_exact_shortfall() -> None:
    # 20 hours at 1 h/day on Mondays, 5 Jan to 2 Feb: five Mondays, 5 hours.
    case = terms(
        hours_total=20, hours_per_day=1, weekdays=frozenset({MON}), deadline=date(2026, 2, 2)
    )
    plan = plan_case(case, days_off=NO_DAYS_OFF, site_capacity=ROOMY)
    assert days(plan) == [date(2026, 1, 5) + timedelta(weeks=w) for w in range(5)]
    assert plan.planned_minutes == 300
    assert plan.shortfall_minutes == 900
    assert plan.shortfall_hours == 15
    assert not plan.complete


def test_the_shortfall_in_whole_hours_rounds_up() -> None:
    plan = Plan(sessions=(), minutes_needed=90, planned_minutes=0)
    assert plan.shortfall_hours == 1.5
    assert plan.shortfall_whole_hours == 2
    assert Plan((), 60, 60).shortfall_whole_hours == 0


def test_the_deadline_day_itself_is_used() -> None:
    case = terms(hours_total=8, hours_per_day=8, weekdays=EVERY_DAY, deadline=date(2026, 1, 6))
    plan = plan_case(case, days_off=NO_DAYS_OFF, site_capacity=ROOMY, minutes_needed=16 * 60)
    assert days(plan) == [date(2026, 1, 5), date(2026, 1, 6)]


def test_a_full_site_is_skipped() -> None:
    bookings = {date(2026, 1, 5): 2, date(2026, 1, 7): 3, date(2026, 1, 9): 1}
    plan = plan_case(
        terms(hours_total=8), days_off=NO_DAYS_OFF, site_capacity=2, site_bookings=bookings
    )
    assert days(plan) == [date(2026, 1, 9), date(2026, 1, 12), date(2026, 1, 14), date(2026, 1, 16)]


def test_a_site_without_capacity_gets_nothing() -> None:
    plan = plan_case(terms(), days_off=NO_DAYS_OFF, site_capacity=0)
    assert plan.sessions == ()
    assert plan.shortfall_minutes == 40 * 60


def test_minutes_already_booked_for_the_offender_shorten_that_day() -> None:
    booked = {date(2026, 1, 5): 60, date(2026, 1, 7): 120, date(2026, 1, 9): 500}
    plan = plan_case(
        terms(hours_total=8),
        days_off=NO_DAYS_OFF,
        site_capacity=ROOMY,
        offender_minutes_booked=booked,
    )
    assert plan.sessions[0] == PlannedSession(date(2026, 1, 5), time(8, 0), time(9, 0), 60)
    # 7 Jan is already full (2 h of 2 h), 9 Jan over it: both skipped.
    assert days(plan) == [date(2026, 1, d) for d in (5, 12, 14, 16, 19)]
    assert [s.minutes for s in plan.sessions] == [60, 120, 120, 120, 60]


def test_a_late_start_is_cut_at_midnight() -> None:
    case = terms(hours_total=8, hours_per_day=4, session_start=time(22, 0))
    plan = plan_case(case, days_off=NO_DAYS_OFF, site_capacity=ROOMY)
    assert [s.minutes for s in plan.sessions] == [120] * 4
    first = plan.sessions[0]
    assert (first.start, first.end) == (time(22, 0), time(0, 0))
    assert first.end_at == datetime(2026, 1, 6, 0, 0)
    assert all(
        s.end_at <= datetime.combine(s.day + timedelta(days=1), time()) for s in plan.sessions
    )


def test_minutes_to_midnight() -> None:
    assert minutes_to_midnight(time(0, 0)) == 24 * 60
    assert minutes_to_midnight(time(22, 0)) == 120
    assert minutes_to_midnight(time(23, 59, 30)) == 0


def test_re_planning_what_remains_from_a_later_day() -> None:
    # 30 of the 40 hours were done; re-plan the remaining 10 from Wednesday 4 March.
    plan = plan_case(
        terms(),
        days_off=DAYS_OFF_2026,
        site_capacity=ROOMY,
        minutes_needed=10 * 60,
        from_day=date(2026, 3, 4),
    )
    assert days(plan) == [date(2026, 3, d) for d in (4, 6, 9, 11, 13)]
    assert plan.minutes_needed == plan.planned_minutes == 600


def test_re_planning_never_starts_before_the_start_date() -> None:
    plan = plan_case(terms(), days_off=NO_DAYS_OFF, site_capacity=ROOMY, from_day=date(2025, 12, 1))
    assert plan.sessions[0].day == MONDAY_5_JAN_2026


def test_re_planning_after_the_deadline_is_all_shortfall() -> None:
    case = terms()
    plan = plan_case(
        case,
        days_off=NO_DAYS_OFF,
        site_capacity=ROOMY,
        minutes_needed=90,
        from_day=case.deadline + timedelta(days=1),
    )
    assert plan.sessions == ()
    assert plan.shortfall_minutes == 90


def test_nothing_needed_plans_nothing() -> None:
    plan = plan_case(terms(), days_off=NO_DAYS_OFF, site_capacity=ROOMY, minutes_needed=0)
    assert plan == Plan((), 0, 0)


def test_a_negative_need_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        plan_case(terms(), days_off=NO_DAYS_OFF, site_capacity=ROOMY, minutes_needed=-1)


def test_the_daily_cap_comes_from_the_law_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(law, "daily_cap_minutes", lambda hours_per_day: 45)
    plan = plan_case(terms(hours_total=8), days_off=NO_DAYS_OFF, site_capacity=ROOMY)
    assert {s.minutes for s in plan.sessions[:-1]} == {45}
    assert capacity_minutes(terms(), days_off=NO_DAYS_OFF) % 45 == 0


def test_capacity_of_the_remaining_days() -> None:
    # Mondays 5 Jan to 2 Feb at 1 h/day: five hours; one of them a day off.
    case = terms(
        hours_total=20, hours_per_day=1, weekdays=frozenset({MON}), deadline=date(2026, 2, 2)
    )
    assert capacity_minutes(case, days_off=NO_DAYS_OFF) == 300
    assert capacity_minutes(case, days_off={date(2026, 1, 12)}) == 240
    assert capacity_minutes(case, days_off=NO_DAYS_OFF, from_day=date(2026, 1, 20)) == 120
    late = terms(hours_per_day=4, session_start=time(22, 30), deadline=date(2026, 1, 9))
    assert capacity_minutes(late, days_off=NO_DAYS_OFF) == 3 * 90


def test_at_risk_when_the_remaining_hours_exceed_the_remaining_sessions() -> None:
    assert at_risk(remaining_minutes=600, remaining_planned_minutes=480)
    assert not at_risk(remaining_minutes=480, remaining_planned_minutes=480)
    assert not at_risk(remaining_minutes=0, remaining_planned_minutes=0)
    assert at_risk(remaining_minutes=60, remaining_planned_minutes=0)


# Properties -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One call to the planner: a lawful case and whatever the site and the offender hold."""

    terms: CaseTerms
    days_off: frozenset[date]
    site_capacity: int
    site_bookings: dict[date, int]
    offender_minutes_booked: dict[date, int]
    minutes_needed: int | None
    from_day: date | None

    def plan(self) -> Plan:
        return plan_case(
            self.terms,
            days_off=self.days_off,
            site_capacity=self.site_capacity,
            site_bookings=self.site_bookings,
            offender_minutes_booked=self.offender_minutes_booked,
            minutes_needed=self.minutes_needed,
            from_day=self.from_day,
        )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    start = draw(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)))
    span = (law.latest_deadline(start) - start).days
    case = CaseTerms(
        hours_total=draw(st.integers(law.TOTAL_HOURS_MIN, law.TOTAL_HOURS_MAX)),
        hours_per_day=draw(st.integers(1, law.DAILY_HOURS_MAX)),
        weekdays=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        start_date=start,
        deadline=start + timedelta(days=draw(st.integers(1, span))),
        session_start=draw(st.sampled_from([time(8, 0), time(21, 30), time(23, 0)]) | st.times()),
    )
    dates = st.integers(0, span).map(lambda offset: start + timedelta(days=offset))
    from_day = st.integers(-5, span + 5).map(lambda offset: start + timedelta(days=offset))
    return Scenario(
        terms=case,
        days_off=draw(st.frozensets(dates, max_size=60)),
        site_capacity=draw(st.integers(1, 5)),
        site_bookings=draw(st.dictionaries(dates, st.integers(0, 6))),
        offender_minutes_booked=draw(st.dictionaries(dates, st.integers(0, 600))),
        minutes_needed=draw(st.none() | st.integers(0, case.hours_total * 60)),
        from_day=draw(st.none() | from_day),
    )


@settings(deadline=None, max_examples=200)
@given(scenarios())
def test_a_plan_never_breaks_a_rule(sc: Scenario) -> None:
    plan = sc.plan()
    case = sc.terms
    first = case.start_date if sc.from_day is None else max(case.start_date, sc.from_day)
    needed = case.hours_total * 60 if sc.minutes_needed is None else sc.minutes_needed
    cap = law.daily_cap_minutes(case.hours_per_day)

    planned_days = days(plan)
    assert len(set(planned_days)) == len(planned_days)
    assert planned_days == sorted(planned_days)
    for s in plan.sessions:
        assert first <= s.day <= case.deadline
        assert s.day.weekday() in case.weekdays
        assert s.day not in sc.days_off
        assert sc.site_bookings.get(s.day, 0) < sc.site_capacity
        assert s.minutes > 0
        assert sc.offender_minutes_booked.get(s.day, 0) + s.minutes <= cap <= 8 * 60
        assert s.start == case.session_start
        assert s.end == s.end_at.time()
        assert s.end_at <= datetime.combine(s.day + timedelta(days=1), time())

    assert plan.minutes_needed == needed
    assert plan.planned_minutes == sum(s.minutes for s in plan.sessions) <= needed
    assert plan.planned_minutes + plan.shortfall_minutes == needed
    assert plan.planned_minutes <= capacity_minutes(
        case, days_off=sc.days_off, from_day=sc.from_day
    )

    if plan.shortfall_minutes > 0:
        # Nothing was left on the table: every usable day got all it could hold.
        by_day = {s.day: s.minutes for s in plan.sessions}
        to_midnight = minutes_to_midnight(case.session_start)
        day = first
        while day <= case.deadline:
            room = min(cap - sc.offender_minutes_booked.get(day, 0), to_midnight)
            usable = (
                day.weekday() in case.weekdays
                and day not in sc.days_off
                and sc.site_bookings.get(day, 0) < sc.site_capacity
                and room > 0
            )
            assert by_day.get(day, 0) == (room if usable else 0), day
            day += timedelta(days=1)
