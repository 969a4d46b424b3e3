"""The reminder planner with fixed clocks, in WIB, WITA and WIT."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.reminders import Kind, Recipient, SessionFacts, plan_reminders

OFFENDER = Recipient(person_id=1, chat_id=101, language_code="id")
SUPERVISOR = Recipient(person_id=2, chat_id=202, language_code="id")


def session(
    zone: str, day: date, start: time = time(8, 0), session_id: int = 7, site_id: int = 3
) -> SessionFacts:
    starts = datetime.combine(day, start, tzinfo=ZoneInfo(zone))
    return SessionFacts(
        session_id=session_id,
        case_id=1,
        case_code="KS-2026-0001",
        site_id=site_id,
        site_name="Taman",
        timezone=zone,
        day=day,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        offender=OFFENDER,
        offender_name="Budi",
        supervisors=(SUPERVISOR,),
    )


def local(zone: str, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"])
def test_reminders_fall_at_the_sites_local_times(zone: str) -> None:
    day = date(2026, 3, 3)
    now = local(zone, day - timedelta(days=2), time(12, 0))
    due = {d.kind: d.due_at for d in plan_reminders([session(zone, day)], now=now, days_off=())}
    assert due[Kind.OFFENDER_EVENING] == local(zone, day - timedelta(days=1), time(19, 0))
    assert due[Kind.OFFENDER_BEFORE] == local(zone, day, time(6, 0))
    assert due[Kind.SUPERVISOR_DAY] == local(zone, day, time(6, 30))
    # The same local hour is a different UTC instant in each zone.
    offsets = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}
    assert due[Kind.OFFENDER_BEFORE].astimezone(UTC).hour == 6 - offsets[zone] + 24


def test_nothing_on_days_off_or_for_sessions_that_started() -> None:
    day = date(2026, 3, 3)
    zone = "Asia/Makassar"
    now = local(zone, day - timedelta(days=1), time(12, 0))
    assert plan_reminders([session(zone, day)], now=now, days_off={day}) == []
    started = local(zone, day, time(8, 1))
    assert plan_reminders([session(zone, day)], now=started, days_off=()) == []


def test_a_late_plan_sends_the_evening_reminder_at_once_and_never_a_useless_one() -> None:
    zone = "Asia/Makassar"
    day = date(2026, 3, 3)
    late = local(zone, day - timedelta(days=1), time(21, 0))
    due = {d.kind: d.due_at for d in plan_reminders([session(zone, day)], now=late, days_off=())}
    assert due[Kind.OFFENDER_EVENING] == late
    too_late = local(zone, day, time(6, 30))
    kinds = {d.kind for d in plan_reminders([session(zone, day)], now=too_late, days_off=())}
    assert Kind.OFFENDER_EVENING not in kinds and Kind.OFFENDER_BEFORE in kinds


def test_keys_are_stable_across_runs() -> None:
    zone = "Asia/Jakarta"
    day = date(2026, 3, 3)
    sessions = [session(zone, day), session(zone, day, session_id=8)]
    first = plan_reminders(
        sessions, now=local(zone, day - timedelta(days=3), time(9, 0)), days_off=()
    )
    again = plan_reminders(
        sessions, now=local(zone, day - timedelta(days=2), time(9, 0)), days_off=()
    )
    assert [d.dedupe_key for d in first] == [d.dedupe_key for d in again]
    assert len({d.dedupe_key for d in first}) == len(first)
    # One supervisor list per site and day, naming both sessions.
    [listing] = [d for d in first if d.kind == Kind.SUPERVISOR_DAY]
    assert [s.session_id for s in listing.sessions] == [7, 8]


def test_supervisors_hear_who_has_not_come_and_whose_check_out_is_open() -> None:
    from domain.reminders import FollowUp, plan_followups

    zone = "Asia/Makassar"
    day = date(2026, 3, 3)
    first = session(zone, day, session_id=1)
    second = SessionFacts(**{**first.__dict__, "session_id": 2, "case_id": 2})
    at_0830 = local(zone, day, time(8, 30))
    due = plan_followups([first, second], now=at_0830, checked_in={1}, still_open=set())
    assert [(d.kind, [s.case_id for s in d.sessions]) for d in due] == [
        (FollowUp.NOT_CHECKED_IN, [2])
    ]
    # Stable keys: the same moment a few minutes later is the same message.
    later = plan_followups(
        [first, second], now=at_0830 + timedelta(minutes=5), checked_in={1}, still_open=set()
    )
    assert [d.dedupe_key for d in later] == [d.dedupe_key for d in due]
    # 60 minutes after the planned end (10.00), the open check-out; never far too late.
    at_1100 = local(zone, day, time(11, 0))
    due = plan_followups([first, second], now=at_1100, checked_in={1, 2}, still_open={1})
    assert [(d.kind, [s.case_id for s in d.sessions]) for d in due] == [
        (FollowUp.OPEN_CHECKOUT, [1])
    ]
    assert (
        plan_followups([first], now=local(zone, day, time(13, 0)), checked_in=set(), still_open={1})
        == []
    )


def test_a_reminder_still_stands_only_while_its_sessions_are_as_it_says() -> None:
    from domain.reminders import SessionNow, still_stands

    at = datetime(2027, 6, 3, 0, 0, tzinfo=UTC)  # 08.00 WITA
    about = [(7, at)]
    planned = {7: SessionNow(starts_at=at)}
    assert still_stands(Kind.OFFENDER_BEFORE, about, planned)
    assert not still_stands(Kind.OFFENDER_BEFORE, about, {7: SessionNow(starts_at=None)})
    moved = {7: SessionNow(starts_at=at + timedelta(days=1))}
    assert not still_stands(Kind.OFFENDER_EVENING, about, moved)
    assert not still_stands(Kind.OFFENDER_BEFORE, about, {})  # gone altogether
    # Checked in, or absent already: the offender needs no reminder; the list still stands.
    for state in (SessionNow(at, attended=True), SessionNow(at, excused=True)):
        assert not still_stands(Kind.OFFENDER_BEFORE, about, {7: state})
        assert still_stands(Kind.SUPERVISOR_DAY, about, {7: state})
    # A supervisor's list naming two sessions falls when either moves.
    both = [(7, at), (8, at)]
    assert not still_stands(Kind.SUPERVISOR_DAY, both, {**planned, 8: SessionNow(None)})


def test_a_moved_session_is_a_new_subject_for_reminders() -> None:
    day = date(2027, 6, 3)
    before = plan_reminders(
        [session("Asia/Makassar", day)],
        now=local("Asia/Makassar", day, time(0, 0)) - timedelta(days=1),
        days_off=(),
    )
    after = plan_reminders(
        [session("Asia/Makassar", day, start=time(9, 0))],
        now=local("Asia/Makassar", day, time(0, 0)) - timedelta(days=1),
        days_off=(),
    )
    assert len(before) == len(after) == 3
    assert not {d.dedupe_key for d in before} & {d.dedupe_key for d in after}
