"""Check-in and check-out as use cases: the rules hold without a chat in between."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.actor import Actor
from domain.session_life import Life
from services import attendance, corrections
from services.attendance import Message, Outcome, Photo
from services.origin import Origin
from storage.db import Database
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, seed_site_with_cases

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


async def test_a_check_out_is_refused_once_the_session_is_not_in_progress(
    db: Database, now: datetime
) -> None:
    """Two ways an open check-in stops being one: the jaksa's correction gave it its end, or
    the day's session was cancelled under it (a record left over). The check-out asks the
    session's life, and the refusal says what the session is now."""
    zone = ZoneInfo("Asia/Makassar")
    [first_code, second_code] = await seed_site_with_cases(
        db, now, cases=2, pengawas_telegram_id=PENGAWAS
    )
    corrected_case = await db.reader().cases.by_code(first_code)
    cancelled_case = await db.reader().cases.by_code(second_code)
    assert corrected_case is not None and cancelled_case is not None
    pengawas = Origin(db, await _pengawas(db), now)
    ins = [
        await attendance.check_in(
            pengawas, case_id=case.id, photo=_photo(n), message=Message(1, 10 + n, now)
        )
        for n, case in enumerate((corrected_case, cancelled_case))
    ]
    corrected_in, cancelled_in = ins
    assert corrected_in.attendance_id is not None and cancelled_in.attendance_id is not None
    later = now + timedelta(hours=2)
    start = now.astimezone(zone)
    fixed = await corrections.correct_attendance(
        Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), later),
        attendance_id=corrected_in.attendance_id,
        start=start.time(),
        end=(start + timedelta(hours=1)).time(),
        break_minutes=None,
        reason="jam pulang dari daftar kertas",
        message=Message(JAKSA_TELEGRAM_ID, 20, later),
    )
    assert fixed.outcome is corrections.Outcome.CORRECTED and fixed.credited_minutes == 60
    day = start.date()
    async with db.transaction() as store:
        if not await store.cases.case_sessions_on(cancelled_case.id, day):
            begins = start.replace(hour=8, minute=0, second=0, microsecond=0)
            await store.cases.add_sessions(
                case_id=cancelled_case.id,
                site_id=cancelled_case.site_id,
                sessions=[(day, begins, begins + timedelta(hours=2), 120)],
                now=now,
            )
        for session in await store.cases.case_sessions_on(cancelled_case.id, day):
            await store.cases.cancel_session(session.id)
    pengawas = Origin(db, pengawas.actor, later)

    after_correction = await attendance.check_out(
        pengawas,
        attendance_id=corrected_in.attendance_id,
        end=later,
        message=Message(1, 30, later),
        photo=_photo(30),
    )
    after_cancelling = await attendance.check_out(
        pengawas,
        attendance_id=cancelled_in.attendance_id,
        end=later,
        message=Message(1, 31, later),
        manual_reason="lupa check-out",
    )

    assert after_correction.outcome is Outcome.NOT_CHECKED_IN
    assert (after_cancelling.outcome, after_cancelling.life) == (
        Outcome.NOT_CHECKED_IN,
        Life.CANCELLED,
    )
    assert await db.reader().audit.count("attendance.check_out") == 0
    # The correction stands: its hour, not the two hours the check-out would have made.
    kinds = [e.kind.value for e in await db.reader().attendance.events_of_case(corrected_case.id)]
    assert kinds == ["check_in", "correction"]
    assert await db.reader().attendance.open_for_case(corrected_case.id) is None
    assert (
        await db.reader().attendance.open_for_case(cancelled_case.id) == cancelled_in.attendance_id
    )
