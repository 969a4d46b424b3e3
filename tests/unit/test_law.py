"""KUHP Pasal 85's numbers."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import law


@pytest.mark.parametrize(("hours", "lawful"), [(7, False), (8, True), (240, True), (241, False)])
def test_total_hours_are_8_to_240(hours: int, lawful: bool) -> None:
    assert law.total_hours_lawful(hours) is lawful


@pytest.mark.parametrize(("hours", "lawful"), [(0, False), (1, True), (8, True), (9, False)])
def test_at_most_8_hours_a_day(hours: int, lawful: bool) -> None:
    assert law.hours_per_day_lawful(hours) is lawful


def test_the_daily_cap_is_the_decision_but_never_over_8_hours() -> None:
    assert law.daily_cap_minutes(2) == 120
    assert law.daily_cap_minutes(8) == 480
    assert law.daily_cap_minutes(12) == 480


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        (date(2026, 1, 5), date(2026, 7, 5)),
        (date(2026, 8, 31), date(2027, 2, 28)),
        (date(2027, 8, 31), date(2028, 2, 29)),
        (date(2026, 12, 1), date(2027, 6, 1)),
    ],
)
def test_six_months_later(start: date, deadline: date) -> None:
    assert law.latest_deadline(start) == deadline


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2100, 1, 1)))
def test_the_deadline_is_never_more_than_six_months_on(start: date) -> None:
    deadline = law.latest_deadline(start)
    assert 178 <= (deadline - start).days <= 184
