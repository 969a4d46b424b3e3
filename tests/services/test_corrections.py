"""Correcting and voiding attendance, and correcting an absence into attendance, as use
cases: the ledger, the case's status, the record, the session's one state."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.cases import CaseDraft, CaseStatus, CaseTerms, Consequence
from domain.ledger import EventKind, fold
from domain.models import Case
from domain.session_life import Life
from services import absences, corrections, sessions
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


# -- an absence corrected into attendance -----------------------------------------------------

ABSENT_AFTER_ALL = "ternyata hadir, pengawas salah catat"


async def _absent_today(db: Database, now: datetime) -> tuple[Case, int, date]:
    """The seeded case (two hours a day at most) reported absent today by its supervisor:
    ``(case, absence id, day)``."""
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    case = await db.reader().cases.by_code(code)
    assert case is not None
    flagged = await absences.flag_absence(
        Origin(db, await actor_of(db, PENGAWAS), now),
        case_id=case.id,
        category="tanpa_keterangan",
        reason="",
        message=Message(PENGAWAS, 1, now),
    )
    assert flagged.absence_id is not None and flagged.day is not None
    return case, flagged.absence_id, flagged.day


def _evening_of(day: date, now: datetime) -> datetime:
    """When the jaksa corrects: that evening, so a morning's times are past (or now, if later)."""
    return max(now, datetime.combine(day, time(18, 0), tzinfo=ZONE))


async def _life(db: Database, case: Case, day: date) -> Life:
    site = await db.reader().sites.get(case.site_id)
    assert site is not None
    return await sessions.life_on(db.reader(), case, site, day)


async def _absence_to_attendance(
    origin: Origin,
    absence_id: int,
    *,
    start: time = time(8, 0),
    end: time = time(12, 30),
    reason: str = ABSENT_AFTER_ALL,
    n: int = 20,
) -> corrections.Corrected:
    return await corrections.absence_to_attendance(
        origin,
        absence_id=absence_id,
        start=start,
        end=end,
        break_minutes=None,
        reason=reason,
        message=_message(origin.now, n),
    )


async def test_an_absence_corrected_into_attendance_is_credited_and_kept(
    db: Database, now: datetime
) -> None:
    case, absence_id, day = await _absent_today(db, now)
    later = _evening_of(day, now)
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), later)
    ruled = await absences.rule_absence(
        jaksa, absence_id=absence_id, valid=False, reason="tanpa alasan"
    )
    assert ruled.outcome is absences.Outcome.DONE
    reader = db.reader().attendance
    assert await reader.invalid_absences_between([case.id], day, day + timedelta(days=1)) == 1
    assert await _life(db, case, day) is Life.ABSENT_INVALID
    found = await corrections.correctable(db.reader(), jaksa, case.code)
    assert found is not None and found.records == []
    assert [a["id"] for a in found.absences] == [absence_id]

    done = await _absence_to_attendance(jaksa, absence_id)

    # Four and a half hours worked, two credited: the case's daily limit.
    assert done.outcome is Outcome.ABSENCE_CORRECTED and done.ledger is not None
    assert done.credited_minutes == 120 and done.ledger.credited_minutes == 120
    assert await _life(db, case, day) is Life.ATTENDED
    # The absence counts nowhere any more, but its row is kept, marked, ruling and all.
    assert await reader.absences_of_case(case.id) == []
    assert await reader.invalid_absences_between([case.id], day, day + timedelta(days=1)) == 0
    [kept] = await reader.absences_of_case(case.id, withdrawn=True)
    assert (kept["id"], kept["category"], kept["ruling"]) == (
        absence_id,
        "tanpa_keterangan",
        "tidak_sah",
    )
    assert kept["withdrawn_reason"] == ABSENT_AFTER_ALL
    assert kept["withdrawn_at"] is not None
    assert kept["became_attendance_id"] == done.attendance_id
    # The attendance is on the absence's day, typed by hand with the reason.
    [record] = fold(await reader.events_of_case(case.id))
    assert record.id == done.attendance_id and record.manual and not record.void
    assert record.start == datetime.combine(day, time(8, 0), tzinfo=ZONE)
    assert record.end == datetime.combine(day, time(12, 30), tzinfo=ZONE)
    events = await reader.events_of_case(case.id)
    assert [(e.kind, e.reason) for e in events] == [
        (EventKind.CHECK_IN, None),
        (EventKind.CHECK_OUT, ABSENT_AFTER_ALL),
    ]
    assert await reader.open_for_case(case.id) is None
    [row] = [
        r
        for r in await db.reader().audit.rows_about([f"case:{case.id}"])
        if r["action"] == "absence.corrected"
    ]
    assert row["actor_telegram_id"] == JAKSA_TELEGRAM_ID
    assert str(absence_id) in str(row["detail"]) and str(done.attendance_id) in str(row["detail"])
    # The correction offers it no more; it is not corrected twice, nor ruled again.
    again = await corrections.correctable(db.reader(), jaksa, case.code)
    assert again is not None and again.absences == [] and len(again.records) == 1
    twice = await _absence_to_attendance(jaksa, absence_id, n=21)
    assert (twice.outcome, twice.life) == (Outcome.STALE, Life.ATTENDED)
    assert len(await reader.events_of_case(case.id)) == 2
    assert await db.reader().audit.count("absence.corrected") == 1


async def test_another_kejaris_jaksa_turns_no_absence_into_attendance(
    db: Database, now: datetime
) -> None:
    case, absence_id, day = await _absent_today(db, now)
    later = _evening_of(day, now)
    stranger = Origin(db, await other_kejari_jaksa(db, later, OTHER_JAKSA), later)

    refused = await _absence_to_attendance(stranger, absence_id)

    assert refused.outcome is Outcome.NOT_YOURS
    [absence] = await db.reader().attendance.absences_of_case(case.id)
    assert absence["id"] == absence_id
    assert await db.reader().attendance.events_of_case(case.id) == []
    assert await db.reader().audit.count("absence.corrected") == 0
    assert await _life(db, case, day) is Life.ABSENT


async def test_an_absence_correction_that_does_not_hold_writes_nothing(
    db: Database, now: datetime
) -> None:
    case, absence_id, day = await _absent_today(db, now)
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), _evening_of(day, now))

    short = await _absence_to_attendance(jaksa, absence_id, reason="lupa")
    backwards = await _absence_to_attendance(jaksa, absence_id, start=time(12), end=time(8))
    early = Origin(db, jaksa.actor, datetime.combine(day, time(10, 0), tzinfo=ZONE))
    ahead = await _absence_to_attendance(early, absence_id)  # 12.30 has not come yet
    missing = await _absence_to_attendance(jaksa, absence_id + 99)

    assert short.outcome is Outcome.REASON_TOO_SHORT
    assert backwards.outcome is Outcome.END_BEFORE_START
    assert ahead.outcome is Outcome.END_IN_FUTURE
    assert missing.outcome is Outcome.STALE
    [absence] = await db.reader().attendance.absences_of_case(case.id)
    assert absence["id"] == absence_id
    assert await db.reader().attendance.events_of_case(case.id) == []
    assert await db.reader().audit.count("absence.corrected") == 0
    assert await _life(db, case, day) is Life.ABSENT


async def test_a_record_is_corrected_only_while_its_session_allows(
    db: Database, now: datetime
) -> None:
    """A correction asks the session's life too: on a day since cancelled (an old record
    left over), it is refused and says what the session is now."""
    case, record = await _day_sentence_worked_an_hour(db, now)
    origin = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)
    yesterday = now.astimezone(ZONE).date() - timedelta(days=1)
    async with db.transaction() as store:
        if not await store.cases.case_sessions_on(case.id, yesterday):  # a day off: none
            await store.cases.add_sessions(
                case_id=case.id,
                site_id=case.site_id,
                sessions=[
                    (
                        yesterday,
                        datetime.combine(yesterday, time(8), tzinfo=ZONE),
                        datetime.combine(yesterday, time(16), tzinfo=ZONE),
                        480,
                    )
                ],
                now=now,
            )
        for session in await store.cases.case_sessions_on(case.id, yesterday):
            await store.cases.cancel_session(session.id)

    corrected = await corrections.correct_attendance(
        origin,
        attendance_id=record,
        start=time(8, 0),
        end=time(10, 0),
        break_minutes=None,
        reason=REASON,
        message=_message(now, 10),
    )
    voided = await corrections.void_attendance(
        origin, attendance_id=record, reason=REASON, message=_message(now, 11)
    )

    assert (corrected.outcome, corrected.life) == (Outcome.NOT_NOW, Life.CANCELLED)
    assert (voided.outcome, voided.life) == (Outcome.NOT_NOW, Life.CANCELLED)
    assert len(await db.reader().attendance.events_of_case(case.id)) == 2
    assert await db.reader().audit.count("attendance.corrected") == 0
