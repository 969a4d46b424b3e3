"""One week and one rate: every digest reports the seven days ending today, and its rate
counts only the sessions already over."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.digest import reported_week
from services import attendance, digest
from services.attendance import Message, Photo
from services.origin import Origin
from storage.db import Database
from tests.seeds import actor_of, seed_site_with_cases

PENGAWAS = 777


async def test_a_fully_attended_day_reads_as_full_attendance(db: Database, now: datetime) -> None:
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    store = db.reader()
    case = await store.cases.by_code(code)
    assert case is not None
    [first, *_] = await store.cases.sessions_of(case.id)
    # The digest is read on the first session's own day (today may be a day off).
    today = first.starts_at.astimezone(ZoneInfo("Asia/Makassar")).date()
    week = reported_week(today)

    async def digest_at(moment: datetime) -> digest.Digest:
        cases = await digest.cases_in_scope(store, None)
        return await digest.compute(store, cases, week_start=week, today=today, now=moment)

    # Today's session is under way: nothing is missed yet, so there is no rate to speak of
    # (the week's later sessions never count against it).
    during = await digest_at(first.starts_at + timedelta(minutes=30))
    assert during.sessions_planned == 0 and during.attendance_rate is None

    origin = Origin(db, await actor_of(db, PENGAWAS), first.ends_at + timedelta(minutes=5))
    came = await attendance.check_in(
        origin, case_id=case.id, photo=Photo("a", "a", 1), message=Message(1, 1, first.starts_at)
    )
    assert came.attendance_id is not None
    await attendance.check_out(
        origin,
        attendance_id=came.attendance_id,
        end=first.ends_at,
        message=Message(1, 2, first.ends_at),
        photo=Photo("b", "b", 1),
    )
    after = await digest_at(first.ends_at + timedelta(minutes=5))
    assert (after.sessions_held, after.sessions_planned) == (1, 1)
    assert after.attendance_rate == 1.0
    assert after.week_start == week and week + timedelta(days=6) == today
