"""The domain's rules on the dates that catch calendar mistakes.

The eves of a national holiday and of cuti bersama days, the night before Idul Fitri in
Samarinda (WITA), New Year's Eve when WIB, WITA and WIT are on different days (and, a year
later, in different weeks), leap days, and six-month periods that end in February. Every
instant is written down here, with its offset: nothing reads the machine's clock.
"""

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import law
from domain.cases import CaseStatus, CaseTerms, Problem, check_dates
from domain.digest import (
    CaseStanding,
    Week,
    at_risk,
    build_digest,
    chart_weeks,
    reported_week,
    week_of,
)
from domain.figures import WHOLE_CASE, CreditedDays, case_figures
from domain.holiday_calendar import national_days_off
from domain.ledger import AttendanceRecord, compute_ledger
from domain.reminders import Due, Kind, Recipient, SessionFacts, plan_reminders
from domain.schedule import Plan, PlannedSession, capacity_minutes, plan_case
from domain.schedule import at_risk as plan_at_risk
from tests.unit.test_schedule import terms as schedule_terms

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
MON_TO_FRI = frozenset(range(5))
MON_WED_FRI = frozenset({MON, WED, FRI})
EVERY_DAY = frozenset(range(7))
WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
ZONES = (WIB, WITA, WIT)
ROOMY = 10  # a site capacity that nothing here reaches
NO_DAYS_OFF: frozenset[date] = frozenset()
DAYS_OFF = national_days_off(range(2026, 2029))  # public holidays and cuti bersama

OFFENDER = Recipient(person_id=1, chat_id=101, language_code="id")
SUPERVISOR = Recipient(person_id=2, chat_id=202, language_code="id")

#: New Year's Eve 2027 at 16.30 UTC: 23.30 WIB on the 31st, but 00.30 WITA, 01.30 WIT on 1 January.
NYE_2027 = datetime(2027, 12, 31, 16, 30, tzinfo=UTC)
#: A year later, 31 December 2028 is a Sunday: the zones are in different weeks too.
NYE_2028 = datetime(2028, 12, 31, 16, 30, tzinfo=UTC)


def terms(
    start: date,
    *,
    hours_total: int = 8,
    weekdays: frozenset[int] = MON_TO_FRI,
    deadline: date | None = None,
) -> CaseTerms:
    """test_schedule's terms, starting on ``start``, 8 hours on weekdays by default."""
    return schedule_terms(
        hours_total=hours_total, weekdays=weekdays, start=start, deadline=deadline
    )


def days(plan: Plan) -> list[date]:
    return [s.day for s in plan.sessions]


def local(zone: str, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone))


def local_today(instant: datetime, zone: str) -> date:
    """The local day ("today") at a site or agency, as the handlers turn ``now`` into one."""
    return instant.astimezone(ZoneInfo(zone)).date()


def facts(planned: PlannedSession, zone: str, session_id: int) -> SessionFacts:
    """A planned session as the reminder planner sees it, stored as the scheduler stores it."""
    starts = datetime.combine(planned.day, planned.start, tzinfo=ZoneInfo(zone))
    return SessionFacts(
        session_id=session_id,
        case_id=1,
        case_code="KS-2026-0001",
        site_id=3,
        site_name="Taman",
        timezone=zone,
        day=planned.day,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=planned.minutes),
        offender=OFFENDER,
        offender_name="Budi",
        supervisors=(SUPERVISOR,),
    )


def reminders(
    sessions: list[PlannedSession], zone: str, now: datetime, days_off: Collection[date] = DAYS_OFF
) -> set[tuple[str, date, datetime]]:
    """(kind, the session's day, when it is due in local time) of every reminder planned."""
    planned: list[Due] = plan_reminders(
        [facts(s, zone, i) for i, s in enumerate(sessions, start=1)],
        now=now,
        days_off=days_off,
    )
    return {(d.kind, d.sessions[0].day, d.due_at.astimezone(ZoneInfo(zone))) for d in planned}


def expected_reminders(zone: str, day: date) -> set[tuple[str, date, datetime]]:
    """The three reminders of an 08.00 session: 19.00 the evening before, 06.00, 06.30."""
    return {
        (Kind.OFFENDER_EVENING, day, local(zone, day - timedelta(days=1), time(19, 0))),
        (Kind.OFFENDER_BEFORE, day, local(zone, day, time(6, 0))),
        (Kind.SUPERVISOR_DAY, day, local(zone, day, time(6, 30))),
    }


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def rec(rid: int, start: datetime, end: datetime) -> AttendanceRecord:
    return AttendanceRecord(rid, start.astimezone(UTC), end.astimezone(UTC), 0, False, False, False)


# 1. The eve of a national holiday and of cuti bersama -------------------------------------

EVES = [
    # (eve, the day off after it, the next working day Monday to Friday)
    pytest.param(date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 6), id="isra-mikraj-2027"),
    pytest.param(date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 28), id="cuti-natal-2026"),
    pytest.param(date(2027, 2, 4), date(2027, 2, 5), date(2027, 2, 8), id="cuti-imlek-2027"),
]


@pytest.mark.parametrize(("eve", "day_off", "next_day"), EVES)
def test_the_eve_of_a_day_off_is_worked_and_the_day_off_is_not(
    eve: date, day_off: date, next_day: date
) -> None:
    assert eve not in DAYS_OFF and day_off in DAYS_OFF  # the calendar the bot plans with
    plan = plan_case(terms(eve), days_off=DAYS_OFF, site_capacity=ROOMY)
    assert days(plan)[:2] == [eve, next_day]
    assert day_off not in days(plan)
    assert not set(days(plan)) & set(DAYS_OFF)
    assert plan.complete


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(("eve", "day_off", "next_day"), EVES)
def test_no_reminder_for_the_day_off_and_the_next_session_hears_the_evening_before_it(
    eve: date, day_off: date, next_day: date, zone: str
) -> None:
    plan = plan_case(terms(eve), days_off=DAYS_OFF, site_capacity=ROOMY)
    # A session left on the day off (planned before the decree named it) gets nothing either.
    stale = PlannedSession(day_off, time(8, 0), time(10, 0), 120)
    upcoming = [s for s in plan.sessions if s.day <= next_day] + [stale]
    # Noon on the eve: its own session has started, the "tomorrow" reminder is still ahead.
    due = reminders(upcoming, zone, local(zone, eve, time(12, 0)))
    assert due == expected_reminders(zone, next_day)
    assert not any(when.date() == eve for _, _, when in due)  # no "besok" on the eve


# 2. The night before Idul Fitri in Samarinda (WITA) ---------------------------------------

NIGHT_BEFORE_IDUL_FITRI = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # Fri 20.00 WITA


@pytest.mark.parametrize("weekdays", [EVERY_DAY, MON_TO_FRI, MON_WED_FRI])
def test_a_case_planned_the_night_before_idul_fitri_starts_on_25_march(
    weekdays: frozenset[int],
) -> None:
    today = local_today(NIGHT_BEFORE_IDUL_FITRI, WITA)
    assert today == date(2026, 3, 20)
    eid = [date(2026, 3, d) for d in range(20, 25)]  # cuti, Idul Fitri ×2, cuti ×2
    assert all(day in DAYS_OFF for day in eid)
    case = terms(today, hours_total=40, weekdays=weekdays)
    assert check_dates(date(2026, 3, 16), case.start_date, case.deadline, today) == []

    plan = plan_case(case, days_off=DAYS_OFF, site_capacity=ROOMY)
    assert days(plan)[0] == date(2026, 3, 25)
    assert not set(days(plan)) & set(eid)

    due = reminders(list(plan.sessions[:2]), WITA, NIGHT_BEFORE_IDUL_FITRI)
    first = min(when for _, _, when in due)
    # Nothing tonight, nothing over Lebaran: the first message is Tuesday 24 March, 19.00 WITA.
    assert first == local(WITA, date(2026, 3, 24), time(19, 0))
    assert first.astimezone(UTC) == datetime(2026, 3, 24, 11, 0, tzinfo=UTC)
    assert expected_reminders(WITA, date(2026, 3, 25)) <= due


def test_the_night_before_idul_fitri_a_leftover_session_on_lebaran_gets_no_reminder() -> None:
    lebaran = [PlannedSession(date(2026, 3, d), time(8, 0), time(10, 0), 120) for d in (21, 23)]
    after = PlannedSession(date(2026, 3, 25), time(8, 0), time(10, 0), 120)
    due = reminders([*lebaran, after], WITA, NIGHT_BEFORE_IDUL_FITRI)
    assert due == expected_reminders(WITA, date(2026, 3, 25))


# 3. New Year's Eve across the UTC / WIB / WITA / WIT day boundary -------------------------

NYE_LOCAL = [
    pytest.param(WIB, date(2027, 12, 31), time(23, 30), id="WIB"),
    pytest.param(WITA, date(2028, 1, 1), time(0, 30), id="WITA"),
    pytest.param(WIT, date(2028, 1, 1), time(1, 30), id="WIT"),
]


@pytest.mark.parametrize(("zone", "day", "clock"), NYE_LOCAL)
def test_the_same_instant_is_a_different_local_day_and_credits_that_day(
    zone: str, day: date, clock: time
) -> None:
    local_now = NYE_2027.astimezone(ZoneInfo(zone))
    assert (local_now.date(), local_now.time()) == (day, clock)
    assert local_today(NYE_2027, zone) == day
    # Ten minutes worked from that instant are credited on the zone's local day.
    ledger = compute_ledger(
        [rec(1, NYE_2027, NYE_2027 + timedelta(minutes=10))],
        hours_total=8,
        hours_per_day=8,
        zone=zone,
    )
    assert [(c.day, c.credited_minutes) for c in ledger.credits] == [(day, 10)]
    assert ledger.minutes_on(day) == 10


@pytest.mark.parametrize(("zone", "day", "clock"), NYE_LOCAL)
def test_a_decision_dated_new_years_day_is_not_in_the_future_where_it_is_already_1_january(
    zone: str, day: date, clock: time
) -> None:
    decided = date(2028, 1, 1)
    today = local_today(NYE_2027, zone)
    problems = check_dates(decided, decided, law.latest_deadline(decided), today)
    if day == decided:
        assert problems == []
    else:
        assert problems == [Problem("decision_date", "case.decision_in_future")]


@pytest.mark.parametrize(("zone", "day", "clock"), NYE_LOCAL)
def test_fourteen_days_to_the_deadline_counts_from_the_local_today(
    zone: str, day: date, clock: time
) -> None:
    case = CaseStanding(
        code="KS-2027-0001",
        offender_name="Budi Santoso",
        status=CaseStatus.ACTIVE,
        completed_on=None,
        deadline=date(2028, 1, 15),
        figures=case_figures(
            total_minutes=8 * 60,
            credited=CreditedDays(0, {}),
            sessions=(),
            absences=(),
            period=WHOLE_CASE,
            now=NYE_2027,
        ),
        planned_minutes_ahead=8 * 60,  # the hours fit: only the deadline can make it at risk
    )
    # 15 days to go on 31 December (WIB), 14 on 1 January (WITA, WIT).
    assert at_risk(case, local_today(NYE_2027, zone)) is (day == date(2028, 1, 1))


# One evening session 15.30-18.30 UTC and one before it, 10.00-14.00 UTC, in each zone, at
# 5 hours a day: (attendance, local day, minutes worked, minutes credited, capped by).
NYE_SPLITS = [
    pytest.param(
        WIB,  # 17.00-21.00 and 22.30-01.30: 90 minutes each side of midnight
        [
            (1, date(2027, 12, 31), 240, 240, None),
            (2, date(2027, 12, 31), 90, 60, "daily"),
            (2, date(2028, 1, 1), 90, 90, None),
        ],
        id="WIB",
    ),
    pytest.param(
        WITA,  # 18.00-22.00 and 23.30-02.30
        [
            (1, date(2027, 12, 31), 240, 240, None),
            (2, date(2027, 12, 31), 30, 30, None),
            (2, date(2028, 1, 1), 150, 150, None),
        ],
        id="WITA",
    ),
    pytest.param(
        WIT,  # 19.00-23.00 and 00.30-03.30: the second is wholly on New Year's Day
        [
            (1, date(2027, 12, 31), 240, 240, None),
            (2, date(2028, 1, 1), 180, 180, None),
        ],
        id="WIT",
    ),
]


@pytest.mark.parametrize(("zone", "credits"), NYE_SPLITS)
def test_the_same_nye_sessions_are_split_at_each_zones_midnight(
    zone: str, credits: list[tuple[int, date, int, int, str | None]]
) -> None:
    records = [
        rec(1, utc(2027, 12, 31, 10, 0), utc(2027, 12, 31, 14, 0)),
        rec(2, utc(2027, 12, 31, 15, 30), utc(2027, 12, 31, 18, 30)),
    ]
    ledger = compute_ledger(records, hours_total=100, hours_per_day=5, zone=zone)
    assert [
        (c.attendance_id, c.day, c.raw_minutes, c.credited_minutes, c.capped_by)
        for c in ledger.credits
    ] == credits
    assert ledger.credited_minutes == sum(c[3] for c in credits)


@pytest.mark.parametrize("zone", ZONES)
def test_a_nye_night_session_is_capped_at_8_hours_on_each_local_day(zone: str) -> None:
    nye, new_year = date(2027, 12, 31), date(2028, 1, 1)
    day_shift = rec(1, local(zone, nye, time(8, 0)), local(zone, nye, time(15, 0)))  # 7 h
    night = rec(2, local(zone, nye, time(22, 0)), local(zone, new_year, time(9, 0)))  # 2 h + 9 h
    ledger = compute_ledger([day_shift, night], hours_total=240, hours_per_day=8, zone=zone)
    assert [(c.day, c.raw_minutes, c.credited_minutes, c.capped_by) for c in ledger.credits] == [
        (nye, 420, 420, None),
        (nye, 120, 60, "daily"),
        (new_year, 540, 480, "daily"),
    ]
    assert ledger.minutes_on(nye) == ledger.minutes_on(new_year) == 8 * 60


# 4. Leap days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days_off", "expected"),
    [
        pytest.param(
            date(2028, 2, 26),
            DAYS_OFF,  # 27 and 28 February 2028: Idul Fitri (perkiraan)
            [date(2028, 2, 26), date(2028, 2, 29), date(2028, 3, 1), date(2028, 3, 2)],
            id="2028-idul-fitri-then-leap-day",
        ),
        pytest.param(
            date(2028, 2, 26),
            NO_DAYS_OFF,
            [date(2028, 2, 26), date(2028, 2, 27), date(2028, 2, 28), date(2028, 2, 29)],
            id="2028-no-days-off",
        ),
        pytest.param(
            date(2027, 2, 26),
            DAYS_OFF,
            [date(2027, 2, 26), date(2027, 2, 27), date(2027, 2, 28), date(2027, 3, 1)],
            id="2027-no-leap-day",
        ),
    ],
)
def test_planning_walks_through_the_end_of_february(
    start: date, days_off: frozenset[date] | dict[date, str], expected: list[date]
) -> None:
    plan = plan_case(terms(start, weekdays=EVERY_DAY), days_off=days_off, site_capacity=ROOMY)
    assert days(plan) == expected
    assert plan.complete


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(
    ("session_day", "evening_of"),
    [
        (date(2028, 3, 1), date(2028, 2, 29)),
        (date(2028, 2, 29), date(2028, 2, 28)),  # the evening before is a day off: still sent
        (date(2027, 3, 1), date(2027, 2, 28)),
    ],
)
def test_the_evening_reminder_falls_on_the_right_day_around_29_february(
    session_day: date, evening_of: date, zone: str
) -> None:
    session = PlannedSession(session_day, time(8, 0), time(10, 0), 120)
    now = local(zone, session_day - timedelta(days=3), time(9, 0))
    due = reminders([session], zone, now)
    assert due == expected_reminders(zone, session_day)
    assert (Kind.OFFENDER_EVENING, session_day, local(zone, evening_of, time(19, 0))) in due


# 5. Six months that end in a shorter month --------------------------------------------------


@pytest.mark.parametrize(
    ("start", "latest"),
    [
        (date(2028, 2, 29), date(2028, 8, 29)),  # starting on a leap day
        (date(2027, 2, 28), date(2027, 8, 28)),
        (date(2028, 2, 28), date(2028, 8, 28)),
        (date(2027, 8, 29), date(2028, 2, 29)),
        (date(2027, 8, 30), date(2028, 2, 29)),
        (date(2027, 8, 31), date(2028, 2, 29)),
        (date(2026, 8, 29), date(2027, 2, 28)),
        (date(2026, 8, 30), date(2027, 2, 28)),
        (date(2026, 8, 31), date(2027, 2, 28)),
        (date(2027, 9, 1), date(2028, 3, 1)),
    ],
)
def test_a_deadline_up_to_six_months_is_accepted_and_a_day_later_refused(
    start: date, latest: date
) -> None:
    assert law.latest_deadline(start) == latest
    assert check_dates(start, start, latest, start) == []
    # Never past six months: 29 August + 6 months is 28 February in 2027, not 1 March.
    assert check_dates(start, start, latest + timedelta(days=1), start) == [
        Problem("deadline", "case.deadline_too_late", {"latest": latest})
    ]


LAST_DAYS = [
    pytest.param(
        date(2027, 8, 31),  # a Tuesday; six months on is Tuesday 29 February 2028
        date(2028, 2, 29),
        frozenset({TUE, WED}),
        date(2028, 2, 21),
        [date(2028, 2, 22), date(2028, 2, 23), date(2028, 2, 29)],
        id="leap-2028",
    ),
    pytest.param(
        date(2026, 8, 31),  # a Monday; six months on is Sunday 28 February 2027
        date(2027, 2, 28),
        frozenset({FRI, SUN, MON}),
        date(2027, 2, 22),
        [date(2027, 2, 22), date(2027, 2, 26), date(2027, 2, 28)],
        id="2027",
    ),
]


@pytest.mark.parametrize(("start", "deadline", "weekdays", "from_day", "expected"), LAST_DAYS)
def test_the_last_days_use_the_deadline_itself_but_never_the_day_after(
    start: date, deadline: date, weekdays: frozenset[int], from_day: date, expected: list[date]
) -> None:
    case = terms(start, hours_total=40, weekdays=weekdays)
    assert case.deadline == deadline
    day_after = deadline + timedelta(days=1)
    assert day_after == date(deadline.year, 3, 1) and day_after.weekday() in weekdays
    # The whole week after the deadline would be free: the plan must stop at the deadline.
    plan = plan_case(
        case, days_off=DAYS_OFF, site_capacity=ROOMY, minutes_needed=6 * 60, from_day=from_day
    )
    assert days(plan) == expected
    assert plan.sessions[-1].day == deadline
    assert plan.complete
    assert not plan_at_risk(6 * 60, plan.planned_minutes)  # it fits, exactly


@pytest.mark.parametrize(("start", "deadline", "weekdays", "from_day", "expected"), LAST_DAYS)
def test_hours_that_do_not_fit_in_the_last_days_are_at_risk(
    start: date, deadline: date, weekdays: frozenset[int], from_day: date, expected: list[date]
) -> None:
    case = terms(start, hours_total=40, weekdays=weekdays)
    remaining = 10 * 60
    plan = plan_case(
        case, days_off=DAYS_OFF, site_capacity=ROOMY, minutes_needed=remaining, from_day=from_day
    )
    assert days(plan) == expected
    assert max(days(plan)) <= deadline
    assert plan.planned_minutes == capacity_minutes(case, days_off=DAYS_OFF, from_day=from_day)
    assert plan.shortfall_minutes == 4 * 60
    assert plan_at_risk(remaining, plan.planned_minutes)


# 6. The digest's week at New Year's Eve and across a year boundary -------------------------


@pytest.mark.parametrize(
    ("now", "zone", "week"),
    [
        # 16.30 UTC on 31 December 2027 is still the 31st in WIB, already 1 January in
        # WITA and WIT: the seven days reported end with each zone's today.
        pytest.param(NYE_2027, WIB, date(2027, 12, 25), id="2027-WIB"),
        pytest.param(NYE_2027, WITA, date(2027, 12, 26), id="2027-WITA"),
        pytest.param(NYE_2027, WIT, date(2027, 12, 26), id="2027-WIT"),
        pytest.param(NYE_2028, WIB, date(2028, 12, 25), id="2028-WIB"),
        pytest.param(NYE_2028, WITA, date(2028, 12, 26), id="2028-WITA"),
        pytest.param(NYE_2028, WIT, date(2028, 12, 26), id="2028-WIT"),
    ],
)
def test_the_week_reported_is_the_agency_zones_last_seven_days(
    now: datetime, zone: str, week: date
) -> None:
    today = local_today(now, zone)
    assert reported_week(today) == week
    assert week + timedelta(days=6) == today  # seven days, today the last of them


@pytest.mark.parametrize("zone", ZONES)
def test_a_case_completed_at_nye_counts_in_the_week_of_its_local_day(zone: str) -> None:
    completed_on = local_today(NYE_2028, zone)  # how a case's completion day is read

    def completions(week: date) -> int:
        standing = CaseStanding(
            code="KS-2028-0001",
            offender_name="Siti Rahma",
            status=CaseStatus.COMPLETED,
            completed_on=completed_on,
            deadline=date(2029, 3, 1),
            figures=case_figures(
                total_minutes=40 * 60,
                credited=CreditedDays.of({completed_on: 40 * 60}),
                sessions=(),
                absences=(),
                period=week_of(week),
                now=NYE_2028,
            ),
            planned_minutes_ahead=0,
        )
        earlier = [Week(start, 0, 0) for start in chart_weeks(week)[:-1]]
        return build_digest([standing], earlier, week=week_of(week), today=week).completions

    if zone == WIB:  # still Sunday 31 December 2028: the last week of 2028
        assert (completions(date(2028, 12, 25)), completions(date(2029, 1, 1))) == (1, 0)
    else:  # already Monday 1 January 2029: the first week of 2029
        assert (completions(date(2028, 12, 25)), completions(date(2029, 1, 1))) == (0, 1)
