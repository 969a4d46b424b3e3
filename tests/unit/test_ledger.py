"""The hours ledger: folding attendance events and crediting them under KUHP Pasal 85."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import law
from domain.ledger import (
    AttendanceEvent,
    AttendanceRecord,
    EventKind,
    Ledger,
    compute_ledger,
    credit_for,
    fold,
)

WITA = ZoneInfo("Asia/Makassar")
ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
DAY = date(2026, 2, 2)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """A local WITA wall-clock time, as the UTC instant storage holds."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=WITA).astimezone(UTC)


def rec(
    rid: int,
    start: datetime,
    end: datetime | None,
    break_minutes: int = 0,
    *,
    void: bool = False,
) -> AttendanceRecord:
    return AttendanceRecord(rid, start, end, break_minutes, False, False, void)


def ledger_of(*records: AttendanceRecord, hours_total: int = 100, hours_per_day: int = 8) -> Ledger:
    return compute_ledger(
        records, hours_total=hours_total, hours_per_day=hours_per_day, zone="Asia/Makassar"
    )


def ev(seq: int, aid: int, kind: EventKind, **fields: object) -> AttendanceEvent:
    return AttendanceEvent(seq, aid, kind, **fields)  # type: ignore[arg-type]


# --- crediting ---------------------------------------------------------------------------------


def test_a_two_hour_session_credits_120_minutes() -> None:
    ledger = ledger_of(rec(1, at(8), at(10)))
    assert credit_for(ledger, 1) == 120
    assert ledger.credits[0].capped_by is None
    assert ledger.credited_minutes == 120
    assert ledger.remaining_minutes == 100 * 60 - 120
    assert ledger.minutes_on(DAY) == 120


def test_a_ten_hour_day_is_capped_at_eight_hours() -> None:
    ledger = ledger_of(rec(1, at(7), at(17)))
    (credit,) = ledger.credits
    assert (credit.raw_minutes, credit.credited_minutes, credit.capped_by) == (600, 480, "daily")


def test_the_decisions_hours_per_day_cap_all_sessions_of_the_day_together() -> None:
    ledger = ledger_of(rec(1, at(8), at(11)), rec(2, at(13), at(15)), hours_per_day=4)
    assert [c.credited_minutes for c in ledger.credits] == [180, 60]
    assert ledger.credits[1].capped_by == "daily"
    assert ledger.minutes_on(DAY) == 240
    assert credit_for(ledger, 2) == 60


def test_the_next_day_has_a_fresh_cap() -> None:
    ledger = ledger_of(rec(1, at(8), at(12)), rec(2, at(8, day=DAY + timedelta(1)), at(12)))
    assert ledger.minutes_on(DAY) == 240
    # record 2's end is before its start (wrong day on purpose): it earns nothing
    assert credit_for(ledger, 2) == 0


def test_a_session_over_local_midnight_is_split_across_the_two_local_days() -> None:
    # 23:00-01:00 WITA is 15:00-17:00 UTC: one UTC day, but two local days
    start, end = at(23), at(1, day=DAY + timedelta(1))
    assert start.date() == end.date()
    ledger = ledger_of(rec(1, start, end))
    assert [(c.day, c.raw_minutes, c.credited_minutes) for c in ledger.credits] == [
        (DAY, 60, 60),
        (DAY + timedelta(1), 60, 60),
    ]
    assert credit_for(ledger, 1) == 120


def test_each_part_of_a_split_session_is_capped_on_its_own_day() -> None:
    earlier = rec(1, at(14), at(17))  # 3 h on DAY
    late = rec(2, at(22), at(2, day=DAY + timedelta(1)))  # 2 h on DAY, 2 h on the next day
    ledger = ledger_of(earlier, late, hours_per_day=4)
    assert [(c.day, c.credited_minutes, c.capped_by) for c in ledger.credits[1:]] == [
        (DAY, 60, "daily"),
        (DAY + timedelta(1), 120, None),
    ]


def test_the_case_total_caps_the_last_session_and_completes_the_case() -> None:
    ledger = ledger_of(
        rec(1, at(8), at(12)),
        rec(2, at(8, day=DAY + timedelta(1)), at(15, day=DAY + timedelta(1))),
        hours_total=8,
    )
    assert [(c.credited_minutes, c.capped_by) for c in ledger.credits] == [
        (240, None),
        (240, "total"),
    ]
    assert ledger.completed
    assert ledger.remaining_minutes == 0


def test_sessions_after_the_case_is_full_earn_nothing() -> None:
    ledger = ledger_of(
        rec(1, at(8), at(16)),
        rec(2, at(8, day=DAY + timedelta(1)), at(10, day=DAY + timedelta(1))),
        hours_total=8,
    )
    assert ledger.credits[1].credited_minutes == 0
    assert ledger.credits[1].capped_by == "total"


def test_an_open_record_credits_nothing_and_is_listed_as_open() -> None:
    ledger = ledger_of(rec(2, at(8), None), rec(1, at(7), at(9)))
    assert ledger.open_attendance_ids == (2,)
    assert credit_for(ledger, 2) == 0
    assert ledger.credited_minutes == 120
    assert not ledger.completed


def test_a_void_record_counts_for_nothing() -> None:
    ledger = ledger_of(rec(1, at(8), at(12), void=True), rec(2, at(13), None, void=True))
    assert ledger.credits == ()
    assert ledger.open_attendance_ids == ()
    assert ledger.credited_minutes == 0


def test_a_break_is_subtracted_and_never_makes_minutes_negative() -> None:
    assert credit_for(ledger_of(rec(1, at(8), at(12), 30)), 1) == 210
    assert credit_for(ledger_of(rec(1, at(8), at(9), 90)), 1) == 0
    assert ledger_of(rec(1, at(8), at(9), 90)).credits[0].raw_minutes == 0


def test_a_break_comes_out_of_the_first_day_of_a_split_session() -> None:
    ledger = ledger_of(rec(1, at(23), at(1, day=DAY + timedelta(1)), 30))
    assert [c.raw_minutes for c in ledger.credits] == [30, 60]


def test_an_end_at_or_before_the_start_earns_nothing() -> None:
    assert credit_for(ledger_of(rec(1, at(9), at(9))), 1) == 0
    assert credit_for(ledger_of(rec(1, at(9), at(8))), 1) == 0


def test_part_minutes_are_floored() -> None:
    ledger = ledger_of(rec(1, at(8), at(9) + timedelta(seconds=59)))
    assert credit_for(ledger, 1) == 60


def test_a_session_ending_at_local_midnight_stays_on_its_day() -> None:
    ledger = ledger_of(rec(1, at(22), at(0, day=DAY + timedelta(1))))
    assert [(c.day, c.credited_minutes) for c in ledger.credits] == [(DAY, 120)]


def test_records_given_twice_or_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        ledger_of(rec(1, at(8), at(9)), rec(1, at(10), at(11)))
    with pytest.raises(ValueError):
        ledger_of(rec(1, datetime(2026, 2, 2, 8), datetime(2026, 2, 2, 9)))


# --- folding -----------------------------------------------------------------------------------


def test_check_in_and_out_make_a_closed_record() -> None:
    events = [
        ev(1, 7, EventKind.CHECK_IN, start=at(8)),
        ev(2, 7, EventKind.BREAK, break_minutes=15),
        ev(3, 7, EventKind.BREAK, break_minutes=15),
        ev(4, 7, EventKind.CHECK_OUT, end=at(12)),
    ]
    assert fold(events) == [rec(7, at(8), at(12), 30)]


def test_folding_follows_seq_not_list_order() -> None:
    events = [
        ev(4, 7, EventKind.CHECK_OUT, end=at(12)),
        ev(1, 7, EventKind.CHECK_IN, start=at(8)),
    ]
    assert fold(events) == [rec(7, at(8), at(12))]


def test_folding_ignores_unknown_ids_and_a_second_check_in() -> None:
    events = [
        ev(1, 9, EventKind.CHECK_OUT, end=at(12)),  # no check-in yet: ignored
        ev(2, 7, EventKind.CHECK_IN, start=at(8)),
        ev(3, 7, EventKind.CHECK_IN, start=at(10)),  # second check-in: ignored
        ev(4, 8, EventKind.VOID, reason="salah orang"),  # never checked in: ignored
        ev(5, 9, EventKind.CHECK_IN, start=at(13)),
    ]
    assert fold(events) == [rec(7, at(8), None), rec(9, at(13), None)]


def test_a_manual_check_out_is_marked() -> None:
    events = [
        ev(1, 7, EventKind.CHECK_IN, start=at(8)),
        ev(2, 7, EventKind.CHECK_OUT, end=at(12), manual=True),
    ]
    (record,) = fold(events)
    assert record.manual and not record.corrected


def test_a_correction_changing_the_end_recomputes_the_ledger() -> None:
    events = [
        ev(1, 7, EventKind.CHECK_IN, start=at(8)),
        ev(2, 7, EventKind.CHECK_OUT, end=at(12)),
    ]
    assert credit_for(ledger_of(*fold(events)), 7) == 240
    events.append(ev(3, 7, EventKind.CORRECTION, end=at(10), reason="pulang pukul 10"))
    (record,) = fold(events)
    assert record.corrected and record.manual
    assert (record.start, record.end, record.break_minutes) == (at(8), at(10), 0)
    assert credit_for(ledger_of(record), 7) == 120


def test_a_correction_can_close_a_forgotten_record_and_set_the_break() -> None:
    events = [
        ev(1, 7, EventKind.CHECK_IN, start=at(8)),
        ev(2, 7, EventKind.BREAK, break_minutes=10),
        ev(3, 7, EventKind.CORRECTION, start=at(9), end=at(12), break_minutes=60, reason="x"),
    ]
    assert fold(events) == [AttendanceRecord(7, at(9), at(12), 60, True, True, False)]


def test_a_void_sticks_and_the_record_drops_out_of_the_ledger() -> None:
    events = [
        ev(1, 7, EventKind.CHECK_IN, start=at(8)),
        ev(2, 7, EventKind.CHECK_OUT, end=at(12)),
        ev(3, 7, EventKind.VOID, reason="salah orang"),
        ev(4, 7, EventKind.CORRECTION, end=at(11), reason="x"),
    ]
    (record,) = fold(events)
    assert record.void
    assert ledger_of(record).credited_minutes == 0


# --- properties --------------------------------------------------------------------------------

BASE = datetime(2026, 3, 2, tzinfo=UTC)
IDS = st.integers(1, 5)
# minutes after BASE, over about four days, with odd seconds now and then
INSTANTS = st.builds(
    lambda m, s: BASE + timedelta(minutes=m, seconds=s),
    st.integers(0, 4 * 24 * 60),
    st.sampled_from([0, 0, 0, 30]),
)
BREAKS = st.integers(0, 300)


@st.composite
def event_lists(draw: st.DrawFn) -> list[AttendanceEvent]:
    n = draw(st.integers(0, 25))
    events = []
    for seq in range(1, n + 1):
        aid = draw(IDS)
        kind = draw(st.sampled_from(list(EventKind)))
        if kind is EventKind.CHECK_IN:
            event = ev(seq, aid, kind, start=draw(INSTANTS))
        elif kind is EventKind.CHECK_OUT:
            event = ev(seq, aid, kind, end=draw(INSTANTS), manual=draw(st.booleans()))
        elif kind is EventKind.BREAK:
            event = ev(seq, aid, kind, break_minutes=draw(BREAKS))
        elif kind is EventKind.CORRECTION:
            event = ev(
                seq,
                aid,
                kind,
                start=draw(st.none() | INSTANTS),
                end=draw(st.none() | INSTANTS),
                break_minutes=draw(st.none() | BREAKS),
                reason="koreksi",
            )
        else:
            event = ev(seq, aid, kind, reason="batal")
        events.append(event)
    return events


HOURS_TOTAL = st.integers(law.TOTAL_HOURS_MIN, 16) | st.integers(
    law.TOTAL_HOURS_MIN, law.TOTAL_HOURS_MAX
)
HOURS_PER_DAY = st.integers(1, law.DAILY_HOURS_MAX)


@st.composite
def record_lists(draw: st.DrawFn) -> list[AttendanceRecord]:
    """Plausible sessions straight away, long enough that the daily and total caps bite."""
    records = []
    for rid in range(1, draw(st.integers(0, 12)) + 1):
        start = draw(INSTANTS)
        length = timedelta(minutes=draw(st.integers(-30, 14 * 60)))
        end = draw(st.sampled_from([start + length, start + length, start + length, None]))
        brk = draw(st.sampled_from([0, 0, 15, 60, 900]))
        records.append(
            AttendanceRecord(rid, start, end, brk, False, False, draw(st.booleans()) and rid > 9)
        )
    return records


def assert_lawful(
    records: list[AttendanceRecord],
    zone: str,
    hours_total: int,
    hours_per_day: int,
    data: st.DataObject,
) -> None:
    ledger = compute_ledger(
        records, hours_total=hours_total, hours_per_day=hours_per_day, zone=zone
    )
    cap = law.daily_cap_minutes(hours_per_day)

    per_day: dict[date, int] = defaultdict(int)
    for credit in ledger.credits:
        per_day[credit.day] += credit.credited_minutes
        assert 0 <= credit.credited_minutes <= credit.raw_minutes
        assert (credit.capped_by is None) == (credit.credited_minutes == credit.raw_minutes)
    for day, minutes in per_day.items():
        assert minutes <= cap <= 480
        assert minutes == ledger.minutes_on(day)
    # a cap is only named when it was really reached: nothing is held back for no reason
    for credit in ledger.credits:
        if credit.capped_by == "daily":
            assert ledger.minutes_on(credit.day) == cap
        elif credit.capped_by == "total":
            assert ledger.completed

    assert ledger.credited_minutes == sum(per_day.values()) <= hours_total * 60
    assert ledger.total_minutes == hours_total * 60
    assert ledger.remaining_minutes == ledger.total_minutes - ledger.credited_minutes
    assert ledger.completed == (ledger.credited_minutes == ledger.total_minutes)

    for record in records:
        if record.void or record.end is None:
            assert credit_for(ledger, record.id) == 0
            assert all(c.attendance_id != record.id for c in ledger.credits)
        assert (record.id in ledger.open_attendance_ids) == (not record.void and record.end is None)
        if not record.void and record.end is not None:
            worked = record.end - record.start - timedelta(minutes=record.break_minutes)
            raw = sum(c.raw_minutes for c in ledger.credits if c.attendance_id == record.id)
            assert raw <= max(0, worked // timedelta(minutes=1))
            if record.break_minutes == 0 and record.start.second == record.end.second == 0:
                assert raw == max(0, worked // timedelta(minutes=1))

    shuffled = data.draw(st.permutations(records))
    again = compute_ledger(
        shuffled, hours_total=hours_total, hours_per_day=hours_per_day, zone=zone
    )
    assert again == ledger


@settings(deadline=None, max_examples=200)
@given(
    events=event_lists(),
    zone=st.sampled_from(ZONES),
    hours_total=HOURS_TOTAL,
    hours_per_day=HOURS_PER_DAY,
    data=st.data(),
)
def test_the_ledger_keeps_the_law_for_any_events(
    events: list[AttendanceEvent],
    zone: str,
    hours_total: int,
    hours_per_day: int,
    data: st.DataObject,
) -> None:
    records = fold(events)
    assert fold(data.draw(st.permutations(events))) == records
    assert_lawful(records, zone, hours_total, hours_per_day, data)


@settings(deadline=None, max_examples=200)
@given(
    records=record_lists(),
    zone=st.sampled_from(ZONES),
    hours_total=HOURS_TOTAL,
    hours_per_day=HOURS_PER_DAY,
    data=st.data(),
)
def test_the_ledger_keeps_the_law_for_busy_weeks(
    records: list[AttendanceRecord],
    zone: str,
    hours_total: int,
    hours_per_day: int,
    data: st.DataObject,
) -> None:
    assert_lawful(records, zone, hours_total, hours_per_day, data)


@settings(deadline=None, max_examples=100)
@given(
    start=INSTANTS,
    length=st.integers(0, 3 * 24 * 60),
    zone=st.sampled_from(ZONES),
)
def test_split_parts_lie_on_consecutive_local_days(start: datetime, length: int, zone: str) -> None:
    end = start + timedelta(minutes=length)
    ledger = compute_ledger([rec(1, start, end)], hours_total=240, hours_per_day=8, zone=zone)
    days = [c.day for c in ledger.credits]
    tz = ZoneInfo(zone)
    assert days[0] == start.astimezone(tz).date()
    assert days == [days[0] + timedelta(i) for i in range(len(days))]
    # each part is floored on its own: a session off the minute loses at most one per split
    raw = sum(c.raw_minutes for c in ledger.credits)
    assert length - (len(days) - 1) <= raw <= length
    if start.second == 0:
        assert raw == length
    assert all(c.raw_minutes <= 24 * 60 for c in ledger.credits)
