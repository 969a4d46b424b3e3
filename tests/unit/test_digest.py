"""The digest's numbers and its privacy: counts and initials only."""

from datetime import UTC, date, datetime, timedelta

from domain.digest import CaseWeek, at_risk, build_digest, initials
from domain.ledger import AttendanceEvent, EventKind, compute_ledger, fold

MONDAY = date(2026, 3, 2)


def ledger(*sessions: tuple[int, int, int]) -> object:
    """Sessions as (day offset from MONDAY, start hour UTC, hours)."""
    events = []
    for i, (offset, hour, hours) in enumerate(sessions, start=1):
        start = datetime(2026, 3, 2, hour, tzinfo=UTC) + timedelta(days=offset)
        events.append(AttendanceEvent(2 * i - 1, i, EventKind.CHECK_IN, start=start))
        events.append(
            AttendanceEvent(2 * i, i, EventKind.CHECK_OUT, end=start + timedelta(hours=hours))
        )
    return compute_ledger(fold(events), hours_total=40, hours_per_day=2, zone="Asia/Makassar")


def case(code: str, name: str, led: object, *, ahead: int, deadline_in: int = 60) -> CaseWeek:
    return CaseWeek(
        code=code,
        offender_name=name,
        active=True,
        completed_on=None,
        deadline=MONDAY + timedelta(days=deadline_in),
        ledger=led,  # type: ignore[arg-type]
        planned_minutes_ahead=ahead,
        sessions_planned_in_week=3,
        absences_invalid_in_week=0,
    )


def test_initials_keep_names_out() -> None:
    assert initials("Budi Santoso") == "B.S."
    assert initials("siti  rahma dewi") == "S.R.D."


def test_numbers_of_a_week() -> None:
    on_track = case("KS-2026-0001", "Budi Santoso", ledger((0, 0, 2), (2, 0, 3)), ahead=36 * 60)
    behind = case("KS-2026-0002", "Siti Rahma", ledger((1, 0, 2)), ahead=10 * 60)
    digest = build_digest([on_track, behind], week_start=MONDAY, today=MONDAY + timedelta(days=6))
    assert (digest.active_cases, digest.sessions_planned, digest.sessions_held) == (2, 6, 3)
    assert digest.credited_minutes_week == 6 * 60  # the 3-hour day credits only 2
    assert digest.attendance_rate == 0.5
    assert digest.at_risk == (("KS-2026-0002", "S.R."),)


def test_a_near_deadline_with_hours_left_is_at_risk() -> None:
    soon = case("KS-2026-0003", "A B", ledger(), ahead=40 * 60, deadline_in=10)
    assert at_risk(soon, MONDAY)
    assert not at_risk(case("KS-2026-0004", "A B", ledger(), ahead=40 * 60), MONDAY)
