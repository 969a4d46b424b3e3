"""The national calendar of days off, and an admin's corrections to it."""

from datetime import date

from domain.holiday_calendar import HolidayOverride, days_off, national_days_off

SAMARINDA_ANNIVERSARY = date(2026, 1, 21)  # Hari Jadi Kota Samarinda: a local day, not national


def test_2026_has_17_holidays_and_8_cuti_bersama_days() -> None:
    with_cuti = national_days_off([2026])
    without_cuti = national_days_off([2026], include_cuti_bersama=False)
    assert len(with_cuti) == 25
    assert len(without_cuti) == 17
    assert set(without_cuti) < set(with_cuti)
    assert all(day.year == 2026 for day in with_cuti)


def test_cuti_bersama_is_on_by_default() -> None:
    assert national_days_off([2026]) == national_days_off([2026], include_cuti_bersama=True)
    cuti = set(national_days_off([2026])) - set(
        national_days_off([2026], include_cuti_bersama=False)
    )
    assert date(2026, 3, 20) in cuti  # Idul Fitri
    assert date(2026, 12, 24) in cuti  # Natal


def test_names_are_indonesian() -> None:
    days = national_days_off([2026])
    assert "Kemerdekaan" in days[date(2026, 8, 17)]
    assert "Isra" in days[date(2026, 1, 16)]
    assert "Cuti Bersama" in days[date(2026, 3, 23)]


def test_several_years_at_once() -> None:
    days = national_days_off(range(2026, 2028))
    assert date(2026, 8, 17) in days
    assert date(2027, 8, 17) in days
    assert {day.year for day in days} == {2026, 2027}


def test_the_result_is_a_plain_dict_that_does_not_grow_on_lookup() -> None:
    days = national_days_off([2026])
    assert type(days) is dict
    assert date(2030, 8, 17) not in days
    assert len(days) == 25


def test_an_override_adds_a_local_day_off() -> None:
    added = HolidayOverride(SAMARINDA_ANNIVERSARY, off=True, name="Hari Jadi Kota Samarinda")
    days = days_off([2026], [added])
    assert days[SAMARINDA_ANNIVERSARY] == "Hari Jadi Kota Samarinda"
    assert len(days) == 26


def test_an_override_removes_a_day_off() -> None:
    removed = HolidayOverride(date(2026, 12, 24), off=False, name="Kerja tetap berjalan")
    days = days_off([2026], [removed])
    assert date(2026, 12, 24) not in days
    assert len(days) == 24


def test_removing_a_day_that_was_never_off_changes_nothing() -> None:
    removed = HolidayOverride(date(2026, 1, 5), off=False, name="-")
    assert days_off([2026], [removed]) == national_days_off([2026])


def test_the_later_override_for_a_day_wins() -> None:
    day = SAMARINDA_ANNIVERSARY
    on = HolidayOverride(day, off=True, name="Hari Jadi Kota Samarinda")
    off = HolidayOverride(day, off=False, name="dibatalkan")
    assert day not in days_off([2026], [on, off])
    assert day in days_off([2026], [off, on])


def test_overrides_apply_without_cuti_bersama_too() -> None:
    # A region keeps one cuti bersama day off even though the setting is off.
    kept = HolidayOverride(date(2026, 3, 20), off=True, name="Cuti Bersama Hari Raya Idul Fitri")
    days = days_off([2026], [kept], include_cuti_bersama=False)
    assert len(days) == 18
    assert date(2026, 3, 20) in days
    assert date(2026, 3, 23) not in days


def test_no_overrides_is_the_national_calendar() -> None:
    assert days_off([2026], []) == national_days_off([2026])
