"""KUHP Pasal 85 ayat (7): "Jika terpidana tanpa alasan yang sah tidak melaksanakan seluruh
atau sebagian pidana kerja sosial ... terpidana wajib: a. mengulangi ...; b. menjalani
seluruh atau sebagian pidana penjara yang diganti ...; atau c. membayar seluruh atau
sebagian pidana denda yang diganti ..."."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import consequences as law7
from domain.cases import Consequence
from domain.consequences import Penalty, Risk, Unit


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("3 bulan penjara", 90, Unit.DAYS),
        ("pidana penjara 45 hari", 45, Unit.DAYS),
        ("2 bulan 15 hari", 75, Unit.DAYS),
        ("denda Rp5.000.000", 5_000_000, Unit.RUPIAH),
        ("Rp 2,5 juta", 2_500_000, Unit.RUPIAH),
        ("denda Rp 750 ribu", 750_000, Unit.RUPIAH),
    ],
)
def test_the_replaced_sentence_is_read_as_days_or_rupiah(
    text: str, amount: int, unit: Unit
) -> None:
    penalty = law7.parse_penalty(text)
    assert penalty is not None
    assert (penalty.amount, penalty.unit) == (amount, unit)


@pytest.mark.parametrize("text", ["", "penjara", "denda", "0 hari", "Rp 0"])
def test_a_sentence_without_a_number_is_not_guessed(text: str) -> None:
    assert law7.parse_penalty(text) is None


def test_part_of_the_prison_term_is_proportional_to_the_hours_outstanding() -> None:
    """ayat (7) b: "sebagian pidana penjara": 16 of 40 hours outstanding of 3 months (90
    days) is 36 days exactly."""
    part = law7.proportional_part(
        Penalty(90, Unit.DAYS, months=3), outstanding_minutes=16 * 60, total_minutes=40 * 60
    )
    assert part.exact == 36 and part.down == part.up == 36
    assert part.percent == 40


def test_a_part_that_is_not_whole_offers_both_roundings() -> None:
    """The jaksa confirms how it is rounded: 10 of 24 hours of 45 days is 18.75 days."""
    part = law7.proportional_part(
        Penalty(45, Unit.DAYS), outstanding_minutes=10 * 60, total_minutes=24 * 60
    )
    assert part.exact == Fraction(75, 4)
    assert (part.down, part.up) == (18, 19)


def test_nothing_credited_is_the_whole_fine_and_all_credited_is_none() -> None:
    """ayat (7) c: "seluruh atau sebagian pidana denda"."""
    fine = Penalty(5_000_000, Unit.RUPIAH)
    assert law7.proportional_part(fine, outstanding_minutes=2400, total_minutes=2400).exact == (
        5_000_000
    )
    assert law7.proportional_part(fine, outstanding_minutes=0, total_minutes=2400).exact == 0
    assert fine.consequence is Consequence.FINE


@given(
    amount=st.integers(1, 10_000_000),
    total=st.integers(8 * 60, 240 * 60),
    data=st.data(),
)
def test_the_part_never_exceeds_the_sentence(amount: int, total: int, data: st.DataObject) -> None:
    outstanding = data.draw(st.integers(-60, total + 60))
    part = law7.proportional_part(
        Penalty(amount, Unit.RUPIAH), outstanding_minutes=outstanding, total_minutes=total
    )
    assert 0 <= part.down <= part.exact <= part.up <= amount


def test_the_decision_says_which_consequence_may_follow() -> None:
    """ayat (7): the decision orders a, b or c; a warning may precede any of them."""
    assert law7.ordered_steps(Consequence.REPEAT) == ("teguran", "ulang")
    assert law7.ordered_steps(Consequence.PRISON) == ("teguran", "pengganti")
    assert law7.ordered_steps(Consequence.FINE) == ("teguran", "pengganti")


def test_two_warnings_then_no_third() -> None:
    assert [law7.next_warning_level(n) for n in (0, 1, 2)] == [1, 2, None]


def test_a_case_is_at_risk_when_its_plan_cannot_reach_the_hours_or_it_has_two_violations() -> None:
    assert law7.risks(remaining_minutes=600, planned_ahead_minutes=600, violation_count=1) == []
    assert law7.risks(remaining_minutes=601, planned_ahead_minutes=600, violation_count=0) == [
        Risk.CANNOT_REACH
    ]
    assert law7.risks(remaining_minutes=0, planned_ahead_minutes=0, violation_count=2) == [
        Risk.VIOLATIONS
    ]
    assert law7.violations(1, 1) == 2
    assert law7.shortfall_minutes(600, 420) == 180
    assert law7.shortfall_minutes(300, 420) == 0
