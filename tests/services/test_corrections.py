"""Correcting and voiding attendance as use cases: the ledger, the case's status, the record."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.cases import CaseDraft, CaseStatus, CaseTerms, Consequence
from domain.ledger import EventKind
from domain.models import Case
from services import corrections
from services.attendance import Message
from services.cases import create_case
from services.corrections import Outcome
from services.origin import DuplicateUpdate, Origin
from storage.db import Database
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, other_kejari_jaksa, seed_site_with_cases

PENGAWAS, OTHER_JAKSA = 777, 556
ZONE = ZoneInfo("Asia/Makassar")  # the seeded site's
REASON = "jam pulang salah dicatat"


async def _day_sentence_worked_an_hour(db: Database, now: datetime) -> tuple[Case, int]:
    """An eight-hour sentence, one hour of it worked yesterday 08.00-09.00: ``(case, record)``."""
    await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    jaksa = await actor_of(db, JAKSA_TELEGRAM_ID)
    assert jaksa.person is not None
    yesterday = now.astimezone(ZONE).date() - timedelta(days=1)
    async with db.transaction() as store:
        created = await create_case(
            store,
            CaseDraft(
                offender_name="Peserta Singkat",
                decision_number="99/Uji",
                court="PN",
                decision_date=yesterday - timedelta(days=1),
                terms=CaseTerms(8, 8, frozenset(range(7)), yesterday, yesterday + timedelta(90)),
                site_id=1,
                consequence=Consequence.PRISON,
                replaced_penalty="1 bulan penjara",
                jaksa_person_id=jaksa.person.id,
            ),
            agency_id=1,
            created_by=None,
            now=now,
            invitation_validity=timedelta(days=7),
            audit={
                "now": now,
                "actor_telegram_id": None,
                "actor_person_id": None,
                "update_id": None,
            },
            invite_offender=False,
        )
        assert created is not None
        case = created.case
        start = datetime.combine(yesterday, time(8, 0), tzinfo=ZONE)
        attendance_id, _ = await store.attendance.check_in(
            case_id=case.id,
            session_id=None,
            site_id=case.site_id,
            by=None,
            start=start,
            chat_id=1,
            message_id=1,
            location=None,
            now=now,
        )
        await store.attendance.add_event(
            attendance_id=attendance_id,
            kind=EventKind.CHECK_OUT,
            by=None,
            now=now,
            end=start + timedelta(hours=1),
            chat_id=1,
            message_id=2,
        )
    return case, attendance_id


async def _status(db: Database, case: Case) -> CaseStatus:
    found = await db.reader().cases.get(case.id)
    assert found is not None
    return found.status


async def _completion_notices(db: Database) -> list[int]:
    async with db.reader().conn.execute(
        "SELECT chat_id FROM outbox WHERE kind = 'notice.case_completed'"
    ) as cur:
        return [int(r[0]) for r in await cur.fetchall()]


def _message(now: datetime, n: int) -> Message:
    return Message(JAKSA_TELEGRAM_ID, n, now)


async def test_a_correction_completes_the_case_and_a_void_reopens_it(
    db: Database, now: datetime
) -> None:
    case, record = await _day_sentence_worked_an_hour(db, now)
    origin = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)
    found = await corrections.correctable(db.reader(), origin, case.code)
    assert found is not None and [r.id for r in found.records] == [record]
    assert found.ledger.credited_minutes == 60

    done = await corrections.correct_attendance(
        origin,
        attendance_id=record,
        start=time(8, 0),
        end=time(16, 30),
        break_minutes=None,
        reason=REASON,
        message=_message(now, 10),
    )
    assert done.outcome is Outcome.CORRECTED and done.ledger is not None
    assert done.credited_minutes == 480 and done.ledger.completed  # the daily limit is 8 h
    assert await _status(db, case) is CaseStatus.COMPLETED
    assert await _completion_notices(db) == [JAKSA_TELEGRAM_ID]  # no PK, no offender yet
    row = (await db.reader().audit.rows_about([f"case:{case.id}"]))[-1]
    assert row["action"] == "attendance.corrected"
    assert row["actor_telegram_id"] == JAKSA_TELEGRAM_ID

    voided = await corrections.void_attendance(
        origin, attendance_id=record, reason="foto orang lain", message=_message(now, 11)
    )
    assert voided.outcome is Outcome.VOIDED and voided.credited_minutes == 0
    assert await _status(db, case) is CaseStatus.ACTIVE
    again = await corrections.correctable(db.reader(), origin, case.code)
    assert again is not None and again.records == []
    assert await db.reader().audit.count("attendance.corrected") == 2
    # The event trail keeps the original: check-in, check-out, correction, void.
    kinds = [e.kind for e in await db.reader().attendance.events_of_case(case.id)]
    assert kinds == [EventKind.CHECK_IN, EventKind.CHECK_OUT, EventKind.CORRECTION, EventKind.VOID]


async def test_another_kejaris_jaksa_corrects_nothing(db: Database, now: datetime) -> None:
    case, record = await _day_sentence_worked_an_hour(db, now)
    stranger = Origin(db, await other_kejari_jaksa(db, now, OTHER_JAKSA), now)

    assert await corrections.correctable(db.reader(), stranger, case.code) is None
    corrected = await corrections.correct_attendance(
        stranger,
        attendance_id=record,
        start=time(8, 0),
        end=time(10, 0),
        break_minutes=None,
        reason=REASON,
        message=_message(now, 10),
    )
    voided = await corrections.void_attendance(
        stranger, attendance_id=record, reason=REASON, message=_message(now, 11)
    )
    assert corrected.outcome is voided.outcome is Outcome.NOT_YOURS
    assert len(await db.reader().attendance.events_of_case(case.id)) == 2
    assert await db.reader().audit.count("attendance.corrected") == 0


async def test_a_correction_that_does_not_hold_changes_nothing(db: Database, now: datetime) -> None:
    case, record = await _day_sentence_worked_an_hour(db, now)
    origin = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)

    async def correct(start: time, end: time, reason: str = REASON) -> Outcome:
        result = await corrections.correct_attendance(
            origin,
            attendance_id=record,
            start=start,
            end=end,
            break_minutes=None,
            reason=reason,
            message=_message(now, 10),
        )
        return result.outcome

    assert await correct(time(10, 0), time(8, 0)) is Outcome.END_BEFORE_START
    assert await correct(time(8, 0), time(10, 0), reason="lupa") is Outcome.REASON_TOO_SHORT
    missing = await corrections.void_attendance(
        origin, attendance_id=record + 99, reason=REASON, message=_message(now, 11)
    )
    assert missing.outcome is Outcome.STALE
    assert len(await db.reader().attendance.events_of_case(case.id)) == 2
    assert await db.reader().audit.count("attendance.corrected") == 0

    # A record voided already is past correcting: there is no un-void.
    await corrections.void_attendance(
        origin, attendance_id=record, reason=REASON, message=_message(now, 12)
    )
    assert await correct(time(8, 0), time(10, 0)) is Outcome.STALE
    assert await db.reader().audit.count("attendance.corrected") == 1


async def test_an_update_delivered_twice_corrects_once(db: Database, now: datetime) -> None:
    case, record = await _day_sentence_worked_an_hour(db, now)
    jaksa = await actor_of(db, JAKSA_TELEGRAM_ID)

    async def void() -> None:
        await corrections.void_attendance(
            Origin(db, jaksa, now, update_id=73),
            attendance_id=record,
            reason=REASON,
            message=_message(now, 10),
        )

    await void()
    with pytest.raises(DuplicateUpdate):
        await void()
    assert len(await db.reader().attendance.events_of_case(case.id)) == 3
    assert await db.reader().audit.count("attendance.corrected") == 1
