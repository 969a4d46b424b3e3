"""The digest's numbers and its privacy: counts and initials only."""

from datetime import date, timedelta

import pytest

from domain.cases import CaseStatus
from domain.digest import (
    CaseStanding,
    Week,
    at_risk,
    build_digest,
    chart_weeks,
    initials,
    week_of,
)
from domain.figures import CaseFigures

MONDAY = date(2026, 3, 2)
WEEK = week_of(MONDAY)


def figures(
    *,
    credited_hours: int,
    week_hours: int = 0,
    held: int = 0,
    planned: int = 0,
    invalid: int = 0,
) -> CaseFigures:
    return CaseFigures(
        period=WEEK,
        total_minutes=40 * 60,
        credited_minutes=credited_hours * 60,
        credited_minutes_in_period=week_hours * 60,
        remaining_minutes=(40 - credited_hours) * 60,
        days_held=held,
        sessions_planned=planned,
        absences=invalid,
        absences_invalid=invalid,
    )


def case(
    code: str,
    name: str,
    *,
    credited_hours: int,
    ahead_hours: int,
    deadline_in: int = 60,
    status: CaseStatus = CaseStatus.ACTIVE,
    completed_on: date | None = None,
    **week: int,
) -> CaseStanding:
    return CaseStanding(
        code=code,
        offender_name=name,
        status=status,
        completed_on=completed_on,
        deadline=MONDAY + timedelta(days=deadline_in),
        figures=figures(credited_hours=credited_hours, **week),
        planned_minutes_ahead=ahead_hours * 60,
    )


def earlier_weeks() -> list[Week]:
    """The chart's seven weeks before this one, an hour on one day each."""
    return [Week(s, 60, 1) for s in chart_weeks(MONDAY)[:-1]]


def test_initials_keep_names_out() -> None:
    assert initials("Budi Santoso") == "B.S."
    # Two initials at most, whatever the spacing or the case.
    assert initials("siti  rahma dewi") == "S.R."
    assert initials("budi santoso") == "B.S."


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Budi Santoso bin Slamet", "B.S."),
        ("Siti Aminah binti Abdullah", "S.A."),
        ("Ahmad bin Yusuf", "A."),  # the father's name is not his
        ("Dewi BINTI Suharto", "D."),
        ("Sukarno", "S."),  # one name is one initial
        ("  sukarno  ", "S."),
        ("muhammad rizki pratama", "M.R."),
        ("'Aisyah Putri", "A.P."),
        ("Binsar Siregar", "B.S."),  # "bin" only as a word of its own
        ("", ""),
    ],
)
def test_initials_are_the_first_two_words_without_the_father(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_the_chart_covers_eight_weeks_ending_with_this_one() -> None:
    starts = chart_weeks(MONDAY)
    assert len(starts) == 8 and starts[-1] == MONDAY and starts[0] == MONDAY - timedelta(weeks=7)


def test_numbers_of_a_week() -> None:
    on_track = case(
        "KS-2026-0001",
        "Budi Santoso",
        credited_hours=4,
        ahead_hours=36,
        week_hours=4,
        held=2,
        planned=3,
    )
    behind = case(
        "KS-2026-0002",
        "Siti Rahma",
        credited_hours=2,
        ahead_hours=10,
        week_hours=2,
        held=1,
        planned=3,
        invalid=1,
    )
    done = case(
        "KS-2026-0003",
        "Andi Wijaya",
        credited_hours=40,
        ahead_hours=0,
        status=CaseStatus.COMPLETED,
        completed_on=MONDAY + timedelta(days=2),
    )
    closed = case(
        "KS-2026-0004",
        "Dewi Lestari",
        credited_hours=8,
        ahead_hours=0,
        status=CaseStatus.CLOSED,
        week_hours=5,
        held=2,
        planned=2,
        invalid=1,
    )
    digest = build_digest(
        [on_track, behind, done, closed],
        earlier_weeks(),
        week=WEEK,
        today=MONDAY + timedelta(days=6),
    )
    assert (digest.active_cases, digest.sessions_planned, digest.sessions_held) == (2, 6, 3)
    assert digest.attendance_rate == 0.5
    assert digest.credited_minutes_week == 6 * 60
    # Completed cases count in the total; a case closed otherwise does not.
    assert digest.credited_minutes_total == (4 + 2 + 40) * 60
    assert digest.completions == 1 and digest.absences_invalid == 1
    assert digest.at_risk == (("KS-2026-0002", "S.R."),)
    # The chart: this week last, and progress for the active cases only, by initials.
    assert digest.weekly_minutes[-1] == (MONDAY, 6 * 60)
    assert digest.weekly_minutes[0] == (MONDAY - timedelta(weeks=7), 60)
    assert [p[:2] for p in digest.progress] == [("KS-2026-0001", "B.S."), ("KS-2026-0002", "S.R.")]


def test_a_week_with_nothing_planned_has_no_attendance_rate() -> None:
    digest = build_digest([], earlier_weeks(), week=WEEK, today=MONDAY)
    assert digest.attendance_rate is None and digest.active_cases == 0


def test_a_near_deadline_with_hours_left_is_at_risk() -> None:
    soon = case("KS-2026-0003", "A B", credited_hours=0, ahead_hours=40, deadline_in=10)
    assert at_risk(soon, MONDAY)
    assert not at_risk(case("KS-2026-0004", "A B", credited_hours=0, ahead_hours=40), MONDAY)
    finished = case("KS-2026-0005", "A B", credited_hours=40, ahead_hours=0, deadline_in=3)
    assert not at_risk(finished, MONDAY)


def test_a_case_at_risk_says_why_and_two_violations_are_a_risk() -> None:
    """KUHP Pasal 85 ayat 7: two violations flag a case whatever its plan (issue #14)."""
    from dataclasses import replace

    from domain.digest import risk_reasons

    fine = case("KS-2026-0006", "A B", credited_hours=0, ahead_hours=40)
    assert risk_reasons(fine, MONDAY) == ()
    assert risk_reasons(replace(fine, violations=2), MONDAY) == ("violations",)
    short = case("KS-2026-0007", "A B", credited_hours=0, ahead_hours=38, deadline_in=10)
    assert risk_reasons(short, MONDAY) == ("cannot_reach", "deadline")
    digest = build_digest(
        [replace(fine, violations=2), short], earlier_weeks(), week=WEEK, today=MONDAY
    )
    assert digest.risk_reasons == {
        "KS-2026-0006": ("violations",),
        "KS-2026-0007": ("cannot_reach", "deadline"),
    }
