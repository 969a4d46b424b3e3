"""Absences as use cases: who may flag, ask leave and rule, and what each leaves behind."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from domain.actor import Actor
from domain.models import Case
from domain.roles import Role
from domain.session_life import Life
from services import absences, corrections
from services.absences import Outcome
from services.attendance import Message, Photo
from services.origin import Origin
from storage.db import Database
from storage.repositories.outbox import OutboxRow
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, other_kejari_jaksa, seed_site_with_cases

PENGAWAS = 777
OFFENDER = 888


async def _case(db: Database, now: datetime, *, cases: int = 1) -> list[Case]:
    codes = await seed_site_with_cases(db, now, cases=cases, pengawas_telegram_id=PENGAWAS)
    found = [await db.reader().cases.by_code(code) for code in codes]
    assert all(found)
    return [c for c in found if c is not None]


async def _offender_of(db: Database, now: datetime, case: Case) -> Actor:
    async with db.transaction() as store:
        person = await store.people.ensure(
            telegram_user_id=OFFENDER, full_name="Peserta", language_code="id", now=now
        )
        await store.people.add_membership(
            person_id=person.id,
            agency_id=case.agency_id,
            role=Role.TERPIDANA,
            invitation_id=None,
            now=now,
        )
        await store.cases.link_offender(case.id, person.id)
    return await actor_of(db, OFFENDER)


async def _outbox(db: Database, now: datetime) -> list[OutboxRow]:
    return await db.reader().outbox.due(now, limit=100)


def _message(now: datetime) -> Message:
    return Message(1, 10, now)


async def test_a_supervisor_flags_once_a_day_and_the_jaksa_is_asked_to_rule(
    db: Database, now: datetime
) -> None:
    [case] = await _case(db, now)
    origin = Origin(db, await actor_of(db, PENGAWAS), now)
    flagged = await absences.flag_absence(
        origin,
        case_id=case.id,
        category="sakit",
        reason="demam",
        message=_message(now),
        photo=Photo("letter", "letter-unique", 1000),
    )
    assert flagged.outcome is Outcome.DONE and flagged.absence_id is not None
    assert flagged.evidence_id is not None
    again = await absences.flag_absence(
        origin, case_id=case.id, category="tanpa_keterangan", reason="", message=_message(now)
    )
    assert again.outcome is Outcome.ALREADY
    [absence] = await db.reader().attendance.absences_of_case(case.id)
    assert (absence["category"], absence["source"], absence["ruling"]) == (
        "sakit",
        "pengawas",
        None,
    )
    assert await db.reader().audit.count("absence.reported") == 1
    # Only the jaksa hears of it (no PK on this case), with the two buttons to rule.
    [alert] = await _outbox(db, now)
    assert alert.chat_id == JAKSA_TELEGRAM_ID and alert.kind == absences.NOTICE_KIND
    assert "Sakit" in str(alert.payload["text"]) and "demam" in str(alert.payload["text"])
    assert alert.payload["buttons"] == [
        [
            ["✅ Sah", f"abs:v1:s:{flagged.absence_id}"],
            ["❌ Tidak sah", f"abs:v1:t:{flagged.absence_id}"],
        ]
    ]


async def test_only_the_sites_supervisor_flags_a_running_case(db: Database, now: datetime) -> None:
    [case, ended] = await _case(db, now, cases=2)
    async with db.transaction() as store:
        await store.cases.complete(ended.id, now=now)
    stranger = Origin(db, Actor(999), now)
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)
    for origin in (stranger, jaksa):
        result = await absences.flag_absence(
            origin, case_id=case.id, category="sakit", reason="", message=_message(now)
        )
        assert result.outcome is Outcome.NOT_YOURS
    pengawas = Origin(db, await actor_of(db, PENGAWAS), now)
    finished = await absences.flag_absence(
        pengawas, case_id=ended.id, category="sakit", reason="", message=_message(now)
    )
    assert finished.outcome is Outcome.CASE_FINISHED
    # "Other" needs a reason or a letter.
    vague = await absences.flag_absence(
        pengawas, case_id=case.id, category="lainnya", reason="", message=_message(now)
    )
    assert vague.outcome is Outcome.BAD_REASON
    assert [c.id for c in await absences.cases_to_flag(db.reader(), pengawas)] == [case.id]
    assert await absences.cases_to_flag(db.reader(), stranger) == []
    assert await db.reader().attendance.absences_of_case(case.id) == []
    assert await _outbox(db, now) == []


async def test_the_cases_own_jaksa_rules_once(db: Database, now: datetime) -> None:
    [case] = await _case(db, now)
    flagged = await absences.flag_absence(
        Origin(db, await actor_of(db, PENGAWAS), now),
        case_id=case.id,
        category="tanpa_keterangan",
        reason="",
        message=_message(now),
    )
    assert flagged.absence_id is not None
    other = Origin(db, await other_kejari_jaksa(db, now, 556), now)
    refused = await absences.rule_absence(other, absence_id=flagged.absence_id, valid=True)
    assert refused.outcome is Outcome.NOT_YOURS
    [absence] = await db.reader().attendance.absences_of_case(case.id)
    assert absence["ruling"] is None

    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)
    ruled = await absences.rule_absence(
        jaksa, absence_id=flagged.absence_id, valid=False, reason="tanpa alasan"
    )
    assert (ruled.outcome, ruled.ruling) == (Outcome.DONE, "tidak_sah")
    again = await absences.rule_absence(jaksa, absence_id=flagged.absence_id, valid=True)
    assert again.outcome is Outcome.ALREADY
    [absence] = await db.reader().attendance.absences_of_case(case.id)
    assert (absence["ruling"], absence["consequence"]) == ("tidak_sah", "penjara: 1 bulan penjara")
    assert await db.reader().audit.count("absence.ruled") == 1
    missing = await absences.rule_absence(jaksa, absence_id=flagged.absence_id + 99, valid=True)
    assert missing.outcome is Outcome.STALE


async def test_an_offender_asks_leave_for_their_own_case_only(db: Database, now: datetime) -> None:
    [case, other] = await _case(db, now, cases=2)
    offender = Origin(db, await _offender_of(db, now, case), now)
    found = await absences.next_leave_day(db.reader(), offender)
    assert found is not None and found[0].id == case.id
    day = found[1]
    not_mine = await absences.request_leave(
        offender, case_id=other.id, day=day, reason="sidang keluarga", message=_message(now)
    )
    assert not_mine.outcome is Outcome.NOT_YOURS
    no_reason = await absences.request_leave(
        offender, case_id=case.id, day=day, reason="x", message=_message(now)
    )
    assert no_reason.outcome is Outcome.BAD_REASON
    asked = await absences.request_leave(
        offender, case_id=case.id, day=day, reason="sidang keluarga", message=_message(now)
    )
    assert asked.outcome is Outcome.DONE
    [absence] = await db.reader().attendance.absences_of_case(case.id)
    assert (absence["source"], absence["category"], absence["day"]) == (
        "terpidana",
        "izin",
        day.isoformat(),
    )
    assert await db.reader().attendance.absences_of_case(other.id) == []
    # The jaksa rules; the site's supervisor is told, without buttons.
    alerts = {row.chat_id: row for row in await _outbox(db, now)}
    assert set(alerts) == {JAKSA_TELEGRAM_ID, PENGAWAS}
    assert "buttons" in alerts[JAKSA_TELEGRAM_ID].payload
    assert "buttons" not in alerts[PENGAWAS].payload


async def test_a_reminder_is_answered_by_its_own_offender(db: Database, now: datetime) -> None:
    [case, other] = await _case(db, now, cases=2)
    offender = Origin(db, await _offender_of(db, now, case), now)
    [mine, *_] = await db.reader().cases.sessions_of(case.id)
    [theirs, *_] = await db.reader().cases.sessions_of(other.id)
    stale = await absences.answer_reminder(offender, session_id=theirs.id, attending=False)
    assert stale.outcome is Outcome.STALE
    answered = await absences.answer_reminder(offender, session_id=mine.id, attending=False)
    assert (answered.outcome, answered.day) == (Outcome.DONE, mine.day)
    [row] = await db.reader().audit.rows_about([f"session:{mine.id}"])
    assert row["action"] == "reminder.answered" and '"n"' in str(row["detail"])


async def test_leave_is_asked_for_a_session_not_yet_begun(db: Database, now: datetime) -> None:
    """The seeded case's session today began at 08.00 (it is 09.00): it is not offered and
    cannot be asked for; tomorrow's can."""
    [case] = await _case(db, now, cases=1)
    offender = Origin(db, await _offender_of(db, now, case), now)
    [(_, first), *_] = await absences.leave_choices(db.reader(), offender)
    today = now.astimezone(ZoneInfo("Asia/Makassar")).date()
    assert first.day > today and first.starts_at > now
    late = await absences.request_leave(
        offender, case_id=case.id, day=today, reason="sidang keluarga", message=_message(now)
    )
    assert late.outcome is Outcome.STALE
    assert await db.reader().attendance.absences_of_case(case.id) == []


async def _flagged(db: Database, now: datetime, case: Case) -> int:
    flagged = await absences.flag_absence(
        Origin(db, await actor_of(db, PENGAWAS), now),
        case_id=case.id,
        category="tanpa_keterangan",
        reason="",
        message=_message(now),
    )
    assert flagged.absence_id is not None
    return flagged.absence_id


async def test_a_ruled_absence_is_not_ruled_again_and_the_refusal_says_its_state(
    db: Database, now: datetime
) -> None:
    [case] = await _case(db, now)
    absence_id = await _flagged(db, now, case)
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)
    first = await absences.rule_absence(jaksa, absence_id=absence_id, valid=True)
    assert first.outcome is Outcome.DONE and first.life is None

    again = await absences.rule_absence(
        jaksa, absence_id=absence_id, valid=False, reason="tanpa alasan"
    )

    assert (again.outcome, again.life) == (Outcome.ALREADY, Life.ABSENT_VALID)
    [absence] = await db.reader().attendance.absences_of_case(case.id)
    assert (absence["ruling"], absence["consequence"]) == ("sah", None)
    assert await db.reader().audit.count("absence.ruled") == 1


async def test_an_absence_corrected_into_attendance_is_ruled_no_more(
    db: Database, now: datetime
) -> None:
    [case] = await _case(db, now)
    absence_id = await _flagged(db, now, case)
    day = now.astimezone(ZoneInfo("Asia/Makassar")).date()
    evening = max(now, datetime.combine(day, time(18), tzinfo=ZoneInfo("Asia/Makassar")))
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), evening)
    corrected = await corrections.absence_to_attendance(
        jaksa,
        absence_id=absence_id,
        start=time(8),
        end=time(10),
        break_minutes=None,
        reason="ternyata hadir, salah catat",
        message=Message(JAKSA_TELEGRAM_ID, 30, evening),
    )
    assert corrected.outcome is corrections.Outcome.ABSENCE_CORRECTED

    ruled = await absences.rule_absence(
        jaksa, absence_id=absence_id, valid=False, reason="tanpa alasan"
    )

    assert (ruled.outcome, ruled.life) == (Outcome.STALE, Life.ATTENDED)
    [kept] = await db.reader().attendance.absences_of_case(case.id, withdrawn=True)
    assert (kept["ruling"], kept["consequence"]) == (None, None)
    assert await db.reader().audit.count("absence.ruled") == 0
