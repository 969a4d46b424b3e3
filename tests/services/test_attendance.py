"""Check-in and check-out as use cases: the rules hold without a chat in between."""

from datetime import datetime, timedelta

from domain.actor import Actor
from services import attendance
from services.attendance import Message, Outcome, Photo
from services.origin import Origin
from storage.db import Database
from tests.seeds import seed_site_with_cases

PENGAWAS = 777


async def _pengawas(db: Database) -> Actor:
    store = db.reader()
    person = await store.people.by_telegram_id(PENGAWAS)
    assert person is not None
    return Actor(PENGAWAS, person, tuple(await store.people.memberships_of(person.id)))


def _photo(n: int) -> Photo:
    return Photo(f"file-{n}", f"unique-{n}", 1000)


async def test_a_day_checked_in_and_out_is_credited_once_within_the_daily_limit(
    db: Database, now: datetime
) -> None:
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    case = await db.reader().cases.by_code(code)
    assert case is not None
    origin = Origin(db, await _pengawas(db), now)
    came = now - timedelta(hours=3)
    checked_in = await attendance.check_in(
        origin, case_id=case.id, photo=_photo(1), message=Message(1, 10, came)
    )
    assert checked_in.outcome is Outcome.RECORDED and checked_in.attendance_id is not None
    again = await attendance.check_in(
        origin, case_id=case.id, photo=_photo(2), message=Message(1, 11, came)
    )
    assert again.outcome is Outcome.ALREADY_IN

    out = await attendance.check_out(
        origin,
        attendance_id=checked_in.attendance_id,
        end=now - timedelta(minutes=30),
        message=Message(1, 12, now),
        photo=_photo(1),
    )
    assert out.outcome is Outcome.PHOTO_USED  # the check-in's own photo is no evidence of leaving
    out = await attendance.check_out(
        origin,
        attendance_id=checked_in.attendance_id,
        end=now - timedelta(minutes=30),
        message=Message(1, 12, now),
        photo=_photo(3),
    )
    assert out.outcome is Outcome.RECORDED
    # Two and a half hours worked, two credited: the case's daily limit.
    assert out.credited_minutes == 120 and out.ledger is not None
    assert out.ledger.credited_minutes == 120
    closed = await attendance.check_out(
        origin,
        attendance_id=checked_in.attendance_id,
        end=now,
        message=Message(1, 13, now),
        photo=_photo(4),
    )
    assert closed.outcome is Outcome.NOT_CHECKED_IN
    audit = db.reader().audit
    assert await audit.count("attendance.check_in") == 1
    assert await audit.count("attendance.check_out") == 1


async def test_another_sites_supervisor_records_nothing(db: Database, now: datetime) -> None:
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    case = await db.reader().cases.by_code(code)
    assert case is not None
    stranger = Origin(db, Actor(999), now)
    result = await attendance.check_in(
        stranger, case_id=case.id, photo=_photo(1), message=Message(1, 10, now)
    )
    assert result.outcome is Outcome.NOT_YOURS
    assert await db.reader().attendance.open_for_case(case.id) is None


async def test_a_check_out_later_than_now_is_refused(db: Database, now: datetime) -> None:
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    case = await db.reader().cases.by_code(code)
    assert case is not None
    origin = Origin(db, await _pengawas(db), now)
    came = await attendance.check_in(
        origin, case_id=case.id, photo=_photo(1), message=Message(1, 10, now - timedelta(hours=1))
    )
    assert came.attendance_id is not None
    result = await attendance.check_out(
        origin,
        attendance_id=came.attendance_id,
        end=now + attendance.FUTURE_TOLERANCE + timedelta(minutes=1),
        message=Message(1, 11, now),
        manual_reason="lupa check-out",
    )
    assert result.outcome is Outcome.END_IN_FUTURE
    assert await db.reader().attendance.open_for_case(case.id) == came.attendance_id
