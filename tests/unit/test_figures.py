"""A case's figures (``domain.figures``): the one computation every report's numbers come
from, and the one rounding of hours in tables."""

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.figures import (
    WHOLE_CASE,
    CaseFigures,
    CreditedDays,
    Period,
    PlannedSession,
    StandingAbsence,
    case_figures,
    combined,
)
from texts.formatting import format_duration, format_hours, hour_tenths, progress_bar

ROOT = Path(__file__).resolve().parents[2]
JUNE = Period(date(2027, 6, 1), date(2027, 7, 1))
#: Noon UTC on 15 June 2027.
NOW = datetime(2027, 6, 15, 12, 0, tzinfo=UTC)


def figures(
    credited: dict[date, int] | None = None,
    *,
    sessions: tuple[PlannedSession, ...] = (),
    absences: tuple[StandingAbsence, ...] = (),
    period: Period = JUNE,
    total_hours: int = 40,
    now: datetime = NOW,
) -> CaseFigures:
    return case_figures(
        total_minutes=total_hours * 60,
        credited=CreditedDays.of(credited or {}),
        sessions=sessions,
        absences=absences,
        period=period,
        now=now,
    )


def session(day: date, ends_at: datetime) -> PlannedSession:
    return PlannedSession(day=day, ends_at=ends_at)


def test_the_period_holds_its_first_day_and_not_its_end() -> None:
    credited = {
        date(2027, 5, 31): 60,  # the day before: in the total only
        date(2027, 6, 1): 120,  # the first day
        date(2027, 6, 30): 123,  # the last day
        date(2027, 7, 1): 45,  # the end: the next month's
    }
    june = figures(credited)
    assert june.credited_minutes == 60 + 120 + 123 + 45
    assert june.credited_minutes_in_period == 120 + 123
    assert june.days_held == 2
    over = datetime(2027, 5, 1, tzinfo=UTC)  # long over
    planned = tuple(session(day, over) for day in credited)
    assert figures(sessions=planned).sessions_planned == 2
    absent = figures(absences=tuple(StandingAbsence(day, "tidak_sah") for day in credited))
    assert (absent.absences, absent.absences_invalid) == (2, 2)


def test_remaining_is_never_negative_and_adds_up_to_the_total() -> None:
    # More credit than the sentence (stale or hand-edited sums): capped at the total.
    over = figures({date(2027, 6, 2): 8 * 60, date(2027, 6, 3): 8 * 60}, total_hours=10)
    assert (over.credited_minutes, over.remaining_minutes) == (600, 0)
    assert over.credited_minutes_in_period == 600
    assert over.completed and over.percent_done == 100
    part = figures({date(2027, 6, 2): 123})
    assert part.credited_minutes + part.remaining_minutes == part.total_minutes == 2400
    assert not part.completed and part.percent_done == 5  # 5.125 %, never rounded up


def test_a_session_counts_once_it_is_over() -> None:
    day = date(2027, 6, 15)
    morning = session(day, NOW - timedelta(hours=1))
    ends_now = session(day, NOW)
    under_way = session(day, NOW + timedelta(minutes=30))
    later_this_week = session(date(2027, 6, 17), NOW + timedelta(days=2))
    result = figures(sessions=(morning, ends_now, under_way, later_this_week))
    assert result.sessions_planned == 2
    # Read again once everything is over, the same sessions all count.
    assert figures(sessions=(morning, under_way, later_this_week), now=NOW + timedelta(days=3)) == (
        CaseFigures(
            period=JUNE,
            total_minutes=2400,
            credited_minutes=0,
            credited_minutes_in_period=0,
            remaining_minutes=2400,
            days_held=0,
            sessions_planned=3,
            absences=0,
            absences_invalid=0,
        )
    )


def test_the_total_to_date_may_come_without_its_days() -> None:
    """A province's digest reads only its week's days, with each case's total."""
    week = Period(date(2027, 6, 7), date(2027, 6, 14))
    result = case_figures(
        total_minutes=2400,
        credited=CreditedDays(to_date=300, by_day={date(2027, 6, 8): 125}),
        sessions=(),
        absences=(),
        period=week,
        now=NOW,
    )
    assert (result.credited_minutes, result.credited_minutes_in_period) == (300, 125)
    assert (result.remaining_minutes, result.days_held) == (2100, 1)
    assert CreditedDays.of({date(2027, 6, 8): 125, date(2027, 6, 9): 0}).to_date == 125


def test_a_day_without_credit_is_not_a_day_held() -> None:
    result = figures({date(2027, 6, 2): 0, date(2027, 6, 3): 30})
    assert (result.days_held, result.credited_minutes) == (1, 30)


def test_only_absences_ruled_tidak_sah_are_invalid() -> None:
    day = date(2027, 6, 4)
    result = figures(
        absences=(
            StandingAbsence(day, "sah"),
            StandingAbsence(day + timedelta(days=1), None),
            StandingAbsence(day + timedelta(days=2), "tidak_sah"),
        )
    )
    assert (result.absences, result.absences_invalid) == (3, 1)


def test_the_whole_record_counts_every_day() -> None:
    result = figures(
        {date(2026, 1, 5): 60, date(2027, 6, 2): 60},
        sessions=(session(date(2026, 1, 5), NOW - timedelta(days=500)),),
        absences=(StandingAbsence(date(2027, 7, 20), None),),  # leave asked in advance
        period=WHOLE_CASE,
    )
    assert (result.credited_minutes_in_period, result.days_held) == (120, 2)
    assert (result.sessions_planned, result.absences) == (1, 1)


def test_combined_sums_cases_of_one_period() -> None:
    one = figures({date(2027, 6, 2): 125}, sessions=(session(date(2027, 6, 2), NOW),))
    two = figures(
        {date(2027, 6, 3): 60, date(2027, 5, 3): 60},
        absences=(StandingAbsence(date(2027, 6, 4), "tidak_sah"),),
        total_hours=8,
    )
    both = combined([one, two], JUNE)
    assert both.total_minutes == 48 * 60
    assert (both.credited_minutes, both.credited_minutes_in_period) == (245, 185)
    assert both.remaining_minutes == 48 * 60 - 245
    assert (both.days_held, both.sessions_planned) == (2, 1)
    assert (both.absences, both.absences_invalid) == (1, 1)
    assert combined([], JUNE).sessions_planned == 0
    with pytest.raises(ValueError):
        combined([one, figures(period=WHOLE_CASE)], JUNE)


@given(
    total_hours=st.integers(min_value=0, max_value=240),
    minutes=st.dictionaries(
        st.dates(date(2027, 5, 1), date(2027, 7, 31)), st.integers(-60, 8 * 60), max_size=60
    ),
)
def test_done_and_left_always_add_up(total_hours: int, minutes: dict[date, int]) -> None:
    result = figures(minutes, total_hours=total_hours)
    assert result.remaining_minutes >= 0
    assert result.credited_minutes + result.remaining_minutes == result.total_minutes
    assert 0 <= result.credited_minutes_in_period <= result.credited_minutes
    assert 0 <= result.percent_done <= 100
    bar = progress_bar(result.credited_minutes, result.total_minutes)
    assert len(bar) == 10 and (bar == "▓" * 10) == result.completed


def test_tables_show_one_decimal_never_rounded_up() -> None:
    assert [hour_tenths(m) for m in (0, 5, 6, 59, 60, 123, 125, 129, 5999, -30)] == [
        0,
        0,
        1,
        9,
        10,
        20,
        20,
        21,
        999,
        0,
    ]
    assert (format_hours(125), format_hours(90), format_hours(2400)) == ("2", "1,5", "40")
    assert (format_duration(125, "id"), format_duration(2275, "id")) == (
        "2 jam 5 menit",
        "37 jam 55 menit",
    )


#: The readers of cases' numbers, and the calls that mean they take them from the one home.
CONSUMERS = {
    "services/digest.py": "figures_by_case",
    "services/reports.py": "figures_by_case",
    "handlers/progress.py": "figures_of",
    "handlers/schedule.py": "figures_of",
}
#: Reads that each computed a figure their own way before ``services.figures``.
OWN_WAYS = {
    "credited_by_case",
    "planned_sessions_between",
    "invalid_absences_between",
    "session_minutes_by_case",
    "events_by_case",
    "ledger_of",
}


@pytest.mark.parametrize(("path", "call"), sorted(CONSUMERS.items()))
def test_every_reader_takes_its_numbers_from_the_figures(path: str, call: str) -> None:
    tree = ast.parse((ROOT / path).read_text())
    called = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    assert call in called, f"{path} does not call {call}"
    assert not called & OWN_WAYS, f"{path} computes figures its own way: {called & OWN_WAYS}"
