""" "Next session" means not yet held: one reading, used by every view of a case."""

from datetime import datetime, timedelta

from domain.actor import Actor
from domain.session_life import Life
from services import absences, attendance, sessions
from services.attendance import Message, Photo
from services.origin import Origin
from storage.db import Database
from tests.seeds import seed_site_with_cases

PENGAWAS = 777


async def test_a_session_checked_in_or_reported_absent_is_no_longer_ahead(
    db: Database, now: datetime
) -> None:
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    store = db.reader()
    case = await store.cases.by_code(code)
    assert case is not None
    site = await store.sites.get(case.site_id)
    assert site is not None
    planned = await store.cases.sessions_of(case.id)
    # The seeded case works every day from today, at 08.00 local: "now" is 09.00 WITA.
    first, second, third = planned[:3]
    before_it = first.starts_at - timedelta(hours=1)
    assert [s.id for s in (await sessions.ahead(store, case, site, before_it))[:2]] == [
        first.id,
        second.id,
    ]

    person = await store.people.by_telegram_id(PENGAWAS)
    assert person is not None
    origin = Origin(
        db, Actor(PENGAWAS, person, tuple(await store.people.memberships_of(person.id))), now
    )
    came = await attendance.check_in(
        origin,
        case_id=case.id,
        photo=Photo("f", "u", 10),
        message=Message(1, 1, first.starts_at),
    )
    assert came.attendance_id is not None
    async with db.transaction() as tx:
        await tx.attendance.add_absence(
            case_id=case.id,
            day=second.day,
            category="sakit",
            reason="demam",
            source="terpidana",
            by=None,
            now=now,
            chat_id=None,
            message_id=None,
        )
    # The session under way (checked in) and the excused one are not "next" any more, even
    # before the first has ended.
    ahead = await sessions.ahead(store, case, site, first.starts_at + timedelta(minutes=30))
    assert ahead[0].id == third.id


async def _day_one(db: Database, now: datetime) -> tuple[Origin, int]:
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    store = db.reader()
    case = await store.cases.by_code(code)
    person = await store.people.by_telegram_id(PENGAWAS)
    assert case is not None and person is not None
    actor = Actor(PENGAWAS, person, tuple(await store.people.memberships_of(person.id)))
    return Origin(db, actor, now), case.id


async def test_a_session_reported_absent_is_not_checked_in_over(
    db: Database, now: datetime
) -> None:
    """One state per session: the absence stands until the jaksa corrects it."""
    origin, case_id = await _day_one(db, now)
    flagged = await absences.flag_absence(
        origin,
        case_id=case_id,
        category="tanpa_keterangan",
        reason="tidak datang",
        message=Message(1, 1, now),
    )
    assert flagged.outcome is absences.Outcome.DONE
    late = await attendance.check_in(
        origin, case_id=case_id, photo=Photo("f", "u", 10), message=Message(1, 2, now)
    )
    assert late.outcome is attendance.Outcome.SESSION_ABSENT
    assert late.life is Life.ABSENT  # the refusal can say what the session is now
    assert await db.reader().attendance.open_for_case(case_id) is None
    assert await db.reader().audit.count("attendance.check_in") == 0


async def test_someone_checked_in_is_not_reported_absent(db: Database, now: datetime) -> None:
    origin, case_id = await _day_one(db, now)
    came = await attendance.check_in(
        origin, case_id=case_id, photo=Photo("f", "u", 10), message=Message(1, 1, now)
    )
    assert came.outcome is attendance.Outcome.RECORDED
    flagged = await absences.flag_absence(
        origin, case_id=case_id, category="sakit", reason="pulang sakit", message=Message(1, 2, now)
    )
    assert flagged.outcome is absences.Outcome.PRESENT
    case = await db.reader().cases.get(case_id)
    assert case is not None
    assert await db.reader().attendance.absences_of_case(case_id) == []


async def test_the_absence_list_leaves_out_who_is_already_there(
    db: Database, now: datetime
) -> None:
    origin, case_id = await _day_one(db, now)
    store = db.reader()
    assert [c.id for c in await absences.cases_to_flag(store, origin)] == [case_id]
    await attendance.check_in(
        origin, case_id=case_id, photo=Photo("f", "u", 10), message=Message(1, 1, now)
    )
    assert await absences.cases_to_flag(store, origin) == []
