"""Moving and cancelling a session as use cases: the limits, the record, the offender's notice."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.models import Case
from services import rescheduling
from services.origin import DuplicateUpdate, Origin
from services.rescheduling import Outcome
from services.scheduling import days_off_between
from storage.db import Database
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, other_kejari_jaksa, seed_site_with_cases

PENGAWAS, OFFENDER, OTHER_JAKSA = 777, 888, 556
REASON = "Lokasi dipakai acara kelurahan"
ZONE = ZoneInfo("Asia/Makassar")  # the seeded site's


async def _case_with_offender(db: Database, now: datetime) -> Case:
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    async with db.transaction() as store:
        case = await store.cases.by_code(code)
        assert case is not None
        offender = await store.people.ensure(
            telegram_user_id=OFFENDER, full_name="Peserta 0", language_code="id", now=now
        )
        await store.cases.link_offender(case.id, offender.id)
    found = await db.reader().cases.by_code(code)
    assert found is not None
    return found


async def _free_day(db: Database, case: Case) -> date:
    """The first working day after the case's last session that the calendar allows."""
    sessions = await db.reader().cases.sessions_of(case.id)
    day = sessions[-1].day + timedelta(days=1)
    off = await days_off_between(db.reader(), day, case.deadline)
    while day in off:
        day += timedelta(days=1)
    assert day <= case.deadline
    return day


async def _outbox(db: Database) -> list[dict[str, object]]:
    async with db.reader().conn.execute("SELECT chat_id, kind, payload FROM outbox") as cur:
        return [dict(r) for r in await cur.fetchall()]


async def _events(db: Database) -> list[tuple[object, ...]]:
    async with db.reader().conn.execute(
        "SELECT session_id, kind, reason, notified_at IS NOT NULL FROM session_events"
    ) as cur:
        return [tuple(r) for r in await cur.fetchall()]


async def test_a_move_is_recorded_and_told_once_to_the_offender_and_the_pengawas(
    db: Database, now: datetime
) -> None:
    case = await _case_with_offender(db, now)
    first = (await db.reader().cases.sessions_of(case.id))[0]
    day = await _free_day(db, case)
    origin = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)

    moved = await rescheduling.move_session(origin, session_id=first.id, day=day, reason=REASON)

    assert moved.outcome is Outcome.MOVED and moved.session is not None
    assert moved.session.day == day
    assert (
        moved.session.starts_at.astimezone(ZONE).time() == first.starts_at.astimezone(ZONE).time()
    )
    assert moved.session.ends_at - moved.session.starts_at == first.ends_at - first.starts_at
    assert await _events(db) == [(first.id, "moved", REASON, 1)]
    assert await db.reader().audit.count("session.moved") == 1
    notices = {n["chat_id"]: n for n in await _outbox(db)}
    # The seeded case has no PK: the offender and the site's pengawas are told, once each.
    assert sorted(notices) == sorted([OFFENDER, PENGAWAS])
    for notice in notices.values():
        assert notice["kind"] == rescheduling.NOTICE_KIND
        text = json.loads(str(notice["payload"]))["text"]
        assert "dipindahkan" in text and REASON in text and case.code in text
    # The pengawas works with the offender by name; the offender is told of their own session.
    assert case.offender_name in json.loads(str(notices[PENGAWAS]["payload"]))["text"]
    # Announced with the move: the scheduler's sweep finds nothing left to tell.
    assert await db.reader().reminders.unannounced_changes() == []


async def test_a_move_is_held_to_the_limits_of_planning(db: Database, now: datetime) -> None:
    case = await _case_with_offender(db, now)
    first, second = (await db.reader().cases.sessions_of(case.id))[:2]
    origin = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)

    for day, expected in [
        (second.day, Outcome.ALREADY_THAT_DAY),
        (case.deadline + timedelta(days=1), Outcome.OUTSIDE_PERIOD),
        (now.astimezone(ZONE).date() - timedelta(days=1), Outcome.OUTSIDE_PERIOD),  # yesterday
    ]:
        result = await rescheduling.move_session(
            origin, session_id=first.id, day=day, reason=REASON
        )
        assert result.outcome is expected, day
    short = await rescheduling.move_session(
        origin, session_id=first.id, day=await _free_day(db, case), reason="ok"
    )
    assert short.outcome is Outcome.BAD_REASON
    assert await db.reader().cases.session(first.id) == first
    assert await _events(db) == [] and await _outbox(db) == []


async def test_another_kejaris_jaksa_changes_nothing(db: Database, now: datetime) -> None:
    case = await _case_with_offender(db, now)
    first = (await db.reader().cases.sessions_of(case.id))[0]
    stranger = Origin(db, await other_kejari_jaksa(db, now, OTHER_JAKSA), now)

    assert await rescheduling.upcoming(db.reader(), stranger, case.code) is None
    found = await rescheduling.session_to_change(db.reader(), stranger, first.id)
    assert found.outcome is Outcome.NOT_YOURS
    cancelled = await rescheduling.cancel_session(stranger, session_id=first.id, reason=REASON)
    assert cancelled.outcome is Outcome.NOT_YOURS
    moved = await rescheduling.move_session(
        stranger, session_id=first.id, day=await _free_day(db, case), reason=REASON
    )
    assert moved.outcome is Outcome.NOT_YOURS
    assert await db.reader().cases.session(first.id) == first
    assert await _events(db) == [] and await _outbox(db) == []
    assert await db.reader().audit.count("session.cancelled") == 0


async def test_a_cancelled_session_cannot_be_cancelled_or_moved_again(
    db: Database, now: datetime
) -> None:
    case = await _case_with_offender(db, now)
    first = (await db.reader().cases.sessions_of(case.id))[0]
    origin = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)

    done = await rescheduling.cancel_session(origin, session_id=first.id, reason=REASON)
    assert done.outcome is Outcome.CANCELLED
    assert done.session is not None and done.session.status == "cancelled"
    again = await rescheduling.cancel_session(origin, session_id=first.id, reason=REASON)
    assert again.outcome is Outcome.STALE
    moved = await rescheduling.move_session(
        origin, session_id=first.id, day=await _free_day(db, case), reason=REASON
    )
    assert moved.outcome is Outcome.STALE
    assert first.id not in {s.id for s in await db.reader().cases.sessions_of(case.id)}
    assert await _events(db) == [(first.id, "cancelled", REASON, 1)]
    assert await db.reader().audit.count("session.cancelled") == 1
    told = await _outbox(db)
    assert sorted(n["chat_id"] for n in told) == sorted([OFFENDER, PENGAWAS])
    assert all("dibatalkan" in json.loads(str(n["payload"]))["text"] for n in told)


async def test_an_update_delivered_twice_cancels_once(db: Database, now: datetime) -> None:
    case = await _case_with_offender(db, now)
    first, second = (await db.reader().cases.sessions_of(case.id))[:2]
    jaksa = await actor_of(db, JAKSA_TELEGRAM_ID)

    await rescheduling.cancel_session(
        Origin(db, jaksa, now, update_id=41), session_id=first.id, reason=REASON
    )
    with pytest.raises(DuplicateUpdate):
        await rescheduling.cancel_session(
            Origin(db, jaksa, now, update_id=41), session_id=second.id, reason=REASON
        )
    assert second.id in {s.id for s in await db.reader().cases.sessions_of(case.id)}
    assert len(await _outbox(db)) == 2  # one cancellation: the offender and the pengawas


async def test_an_offender_not_yet_linked_is_not_told_and_nothing_waits_for_them(
    db: Database, now: datetime
) -> None:
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    case = await db.reader().cases.by_code(code)
    assert case is not None and case.offender_person_id is None
    first = (await db.reader().cases.sessions_of(case.id))[0]
    origin = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)

    done = await rescheduling.cancel_session(origin, session_id=first.id, reason=REASON)
    assert done.outcome is Outcome.CANCELLED
    assert [n["chat_id"] for n in await _outbox(db)] == [PENGAWAS]  # the site still hears
    assert await _events(db) == [(first.id, "cancelled", REASON, 1)]
