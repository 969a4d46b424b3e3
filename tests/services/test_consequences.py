"""KUHP Pasal 85 ayat (7) as use cases: a *tidak sah* is deliberate and can be changed with a
reason; a warning, the lost hours again, the replaced sentence for the hours outstanding; and
the Berita Acara that closes the case, the same file every time it is asked for."""

from datetime import datetime, timedelta
from pathlib import Path

from domain.actor import Actor
from domain.models import Case, Session
from domain.roles import Role
from services import absences, closing_record, consequences
from services.absences import Outcome as Ruling
from services.agencies import set_letterhead
from services.attendance import Message
from services.consequences import Outcome
from services.origin import Origin
from services.people import set_nip
from storage.db import Database
from tests.pdf_text import pdf_text
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, seed_site_with_cases

PENGAWAS, OFFENDER, PK = 777, 888, 999
ADMIN = 111


async def _staffed_case(db: Database, now: datetime) -> tuple[Case, Session]:
    """A 40-hour case of 2 hours a day (its decision replaced "1 bulan penjara"), with its
    offender and a PK on Telegram; and its first session."""
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    case = await db.reader().cases.by_code(code)
    assert case is not None
    async with db.transaction() as store:
        for telegram_id, name, role in (
            (OFFENDER, "Budi Santoso bin Slamet", Role.TERPIDANA),
            (PK, "Rina PK", Role.PK),
            (ADMIN, "Operator", Role.ADMIN),
        ):
            person = await store.people.ensure(
                telegram_user_id=telegram_id, full_name=name, language_code="id", now=now
            )
            await store.people.add_membership(
                person_id=person.id,
                agency_id=case.agency_id,
                role=role,
                invitation_id=None,
                now=now,
            )
            if role is Role.TERPIDANA:
                await store.cases.link_offender(case.id, person.id)
            if role is Role.PK:
                await store.conn.execute(
                    "UPDATE cases SET pk_person_id = ? WHERE id = ?", (person.id, case.id)
                )
    case = await db.reader().cases.get(case.id)
    assert case is not None
    first = (await db.reader().cases.sessions_of(case.id))[0]
    return case, first


async def _flagged(
    db: Database, case: Case, at: datetime, category: str = "tanpa_keterangan"
) -> int:
    """The pengawas reports the day's absence; its id."""
    flagged = await absences.flag_absence(
        Origin(db, await actor_of(db, PENGAWAS), at),
        case_id=case.id,
        category=category,
        reason="demam" if category == "sakit" else "",
        message=Message(1, int(at.timestamp()), at),
    )
    assert flagged.outcome is Ruling.DONE and flagged.absence_id is not None
    return flagged.absence_id


async def _absent_and_ruled(db: Database, case: Case, at: datetime) -> int:
    """The pengawas reports the day's absence; the jaksa rules it *tidak sah*."""
    absence_id = await _flagged(db, case, at)
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), at)
    ruled = await absences.rule_absence(
        jaksa, absence_id=absence_id, valid=False, reason="tidak ada kabar"
    )
    assert ruled.outcome is Ruling.DONE
    return absence_id


async def _texts_to(db: Database, telegram_id: int) -> list[str]:
    async with db.reader().conn.execute(
        "SELECT payload FROM outbox WHERE chat_id = ? ORDER BY id", (telegram_id,)
    ) as cur:
        return [str(r[0]) for r in await cur.fetchall()]


async def _jaksa(db: Database, at: datetime) -> Origin:
    return Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), at)


async def test_tidak_sah_needs_a_reason_and_tells_the_offender_and_the_pk(
    db: Database, now: datetime
) -> None:
    case, first = await _staffed_case(db, now)
    at = first.starts_at + timedelta(minutes=30)
    absence_id = await _flagged(db, case, at)
    jaksa = await _jaksa(db, at)
    bare = await absences.rule_absence(jaksa, absence_id=absence_id, valid=False)
    assert bare.outcome is Ruling.BAD_REASON
    assert (await db.reader().attendance.absence(absence_id) or {})["ruling"] is None
    ruled = await absences.rule_absence(
        jaksa, absence_id=absence_id, valid=False, reason="tidak ada kabar"
    )
    assert ruled.outcome is Ruling.DONE
    [told] = await _texts_to(db, OFFENDER)
    assert "tidak sah" in told and "tidak ada kabar" in told and "pelanggaran ke-1" in told
    assert "penjara" in told  # what the decision says follows
    pk = (await _texts_to(db, PK))[-1]  # after the absence alert itself
    assert case.code in pk and "tidak sah" in pk


async def test_a_ruling_changes_with_a_reason_and_the_old_one_is_kept(
    db: Database, now: datetime
) -> None:
    case, first = await _staffed_case(db, now)
    at = first.starts_at + timedelta(minutes=30)
    absence_id = await _absent_and_ruled(db, case, at)
    jaksa = await _jaksa(db, at + timedelta(days=1))
    short = await consequences.change_ruling(jaksa, absence_id=absence_id, valid=True, reason="")
    assert short.outcome is Outcome.BAD_REASON
    changed = await consequences.change_ruling(
        jaksa, absence_id=absence_id, valid=True, reason="surat dokter diserahkan"
    )
    assert changed.outcome is Outcome.DONE
    absence = await db.reader().attendance.absence(absence_id)
    assert absence is not None and absence["ruling"] == "sah"
    [kept] = await db.reader().consequences.ruling_changes_of_case(case.id)
    assert (kept.old_ruling, kept.new_ruling, kept.reason) == (
        "tidak_sah",
        "sah",
        "surat dokter diserahkan",
    )
    assert await db.reader().audit.count("absence.ruling_changed") == 1
    again = await consequences.change_ruling(
        jaksa, absence_id=absence_id, valid=True, reason="sekali lagi"
    )
    assert again.outcome is Outcome.SAME
    assert any("diubah menjadi sah" in t for t in await _texts_to(db, OFFENDER))
    # Another Kejari's jaksa, or a pengawas, cannot.
    pengawas = Origin(db, await actor_of(db, PENGAWAS), at)
    refused = await consequences.change_ruling(
        pengawas, absence_id=absence_id, valid=False, reason="bukan wewenang"
    )
    assert refused.outcome is Outcome.NOT_YOURS


async def test_a_ruling_of_a_session_not_ruled_cannot_be_changed(
    db: Database, now: datetime
) -> None:
    case, first = await _staffed_case(db, now)
    at = first.starts_at + timedelta(minutes=30)
    absence_id = await _flagged(db, case, at, category="sakit")
    result = await consequences.change_ruling(
        await _jaksa(db, at), absence_id=absence_id, valid=False, reason="tidak sah"
    )
    assert result.outcome is Outcome.NOT_NOW


async def test_warnings_follow_a_violation_teguran_one_then_two_then_no_more(
    db: Database, now: datetime
) -> None:
    case, first = await _staffed_case(db, now)
    at = first.starts_at + timedelta(minutes=30)
    jaksa = await _jaksa(db, at)
    early = await consequences.warn(jaksa, case_id=case.id, text="Hadirlah tepat waktu.")
    assert early.outcome is Outcome.NO_VIOLATION
    await _absent_and_ruled(db, case, at)
    levels = [
        (await consequences.warn(jaksa, case_id=case.id, text=f"Teguran nomor {n}.")).level
        for n in (1, 2)
    ]
    assert levels == [1, 2]
    third = await consequences.warn(jaksa, case_id=case.id, text="Teguran ketiga.")
    assert third.outcome is Outcome.NO_MORE_WARNINGS
    given = await db.reader().consequences.warnings_of_case(case.id)
    assert [w.level for w in given] == [1, 2]
    told = await _texts_to(db, OFFENDER)
    assert any("Teguran II" in t for t in told)
    letter = await closing_record.warning_letter(db, case.id, 2)
    assert letter is not None and letter.startswith(b"%PDF")
    assert await closing_record.warning_letter(db, case.id, 2) == letter  # kept


async def test_the_lost_hours_are_planned_again_one_session_a_day_before_the_deadline(
    db: Database, now: datetime
) -> None:
    case, first = await _staffed_case(db, now)
    at = first.starts_at + timedelta(minutes=30)
    await _absent_and_ruled(db, case, at)
    site = await db.reader().sites.get(case.site_id)
    assert site is not None
    before = await consequences.standing_of(db.reader(), case, site, at)
    assert before.violations == 1 and before.shortfall_minutes == 120
    repeated = await consequences.repeat_lost(await _jaksa(db, at), case_id=case.id)
    assert repeated.outcome is Outcome.DONE and repeated.shortfall_minutes == 0
    [added] = repeated.added
    assert added.minutes == 120 and added.day <= case.deadline
    days = [s.day for s in await db.reader().cases.sessions_of(case.id)]
    assert len(days) == len(set(days))  # never two sessions a day
    after = await consequences.standing_of(db.reader(), case, site, at)
    assert after.shortfall_minutes == 0
    again = await consequences.repeat_lost(await _jaksa(db, at), case_id=case.id)
    assert again.outcome is Outcome.NOTHING_LOST


async def test_closing_with_the_replaced_sentence_is_proportional_and_ends_the_case(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    case, first = await _staffed_case(db, now)
    at = first.starts_at + timedelta(minutes=30)
    jaksa = await _jaksa(db, at)
    no_violation = await consequences.close_case(
        jaksa, case_id=case.id, reason="mangkir", penalty_text="1 bulan"
    )
    assert no_violation.outcome is Outcome.NO_VIOLATION
    await _absent_and_ruled(db, case, at)
    wrong_kind = await consequences.close_case(
        jaksa, case_id=case.id, reason="mangkir", penalty_text="Rp 5.000.000"
    )
    assert wrong_kind.outcome is Outcome.BAD_PENALTY  # the decision replaced prison
    no_reason = await consequences.close_case(
        jaksa, case_id=case.id, reason="", penalty_text="1 bulan"
    )
    assert no_reason.outcome is Outcome.BAD_REASON
    assert (await db.reader().cases.get(case.id)).status.value == "aktif"  # type: ignore[union-attr]
    closed = await consequences.close_case(
        jaksa, case_id=case.id, reason="dua kali mangkir", penalty_text="1 bulan penjara"
    )
    assert closed.outcome is Outcome.DONE
    # Nothing was credited: the whole month, 30 days, for 40 of 40 hours outstanding.
    assert closed.part == "30 hari penjara"
    ended = await db.reader().cases.get(case.id)
    assert ended is not None and ended.status.value == "ditutup"
    closure = await db.reader().consequences.closure(case.id)
    assert closure is not None and closure.minutes_outstanding == 40 * 60
    assert closure.basis is not None and "30 hari" in closure.basis
    assert all(
        s.ends_at <= at
        for s in await db.reader().cases.sessions_of(case.id)  # planned ones only
    )
    again = await consequences.close_case(
        jaksa, case_id=case.id, reason="dua kali mangkir", penalty_text="1 bulan"
    )
    assert again.outcome is Outcome.CASE_FINISHED
    # The offender, the PK and the jaksa are told; the jaksa and the PK get the record.
    assert any("tidak selesai" in t for t in await _texts_to(db, OFFENDER))
    documents = [t for t in await _texts_to(db, PK) if "document" in t]
    assert len(documents) == 1


async def test_the_berita_acara_carries_the_letterhead_the_numbers_and_the_signatures(
    db: Database, now: datetime, tmp_path: Path
) -> None:
    case, first = await _staffed_case(db, now)
    at = first.starts_at + timedelta(minutes=30)
    admin: Actor = await actor_of(db, ADMIN)
    assert await set_letterhead(
        Origin(db, admin, at),
        agency_id=case.agency_id,
        address="Jl. M. Yamin No. 1, Samarinda 75123",
        logo=None,
    )
    assert await set_nip(await _jaksa(db, at), "198504122010121003")
    assert not await set_nip(await _jaksa(db, at), "12345")
    await _absent_and_ruled(db, case, at)
    assert (await consequences.warn(await _jaksa(db, at), case_id=case.id, text="Hadirlah.")).level
    await consequences.close_case(
        await _jaksa(db, at), case_id=case.id, reason="dua kali mangkir", penalty_text="1 bulan"
    )
    made = await closing_record.kept_or_made(db, case.id, now=at + timedelta(hours=1))
    assert made is not None and made.startswith(b"%PDF")
    later = await closing_record.kept_or_made(db, case.id, now=at + timedelta(days=30))
    assert later == made  # the same file, whenever it is asked for
    text = pdf_text(made)
    for expected in (
        "KEJAKSAAN NEGERI SAMARINDA",
        "Jl. M. Yamin No. 1",
        "BERITA ACARA PELAKSANAAN PIDANA KERJA SOSIAL",
        case.code,
        case.decision_number,
        case.offender_name,
        "TIDAK SELESAI",
        "30 hari penjara",
        "Teguran I",
        "tidak ada kabar",
        "Jaksa Konsol",
        "NIP. 198504122010121003",
        "Pembimbing Kemasyarakatan",
        "Rina PK",
        "Pengawas Lokasi",
        "Samarinda,",
    ):
        assert expected in text, expected


async def test_a_repeat_decision_does_not_close_with_a_replaced_sentence(
    db: Database, now: datetime
) -> None:
    case, first = await _staffed_case(db, now)
    async with db.transaction() as store:
        await store.conn.execute("UPDATE cases SET consequence = 'ulang' WHERE id = ?", (case.id,))
    at = first.starts_at + timedelta(minutes=30)
    await _absent_and_ruled(db, case, at)
    refused = await consequences.close_case(
        await _jaksa(db, at), case_id=case.id, reason="mangkir", penalty_text="1 bulan"
    )
    assert refused.outcome is Outcome.NOT_ORDERED
    other = await consequences.close_case(
        await _jaksa(db, at), case_id=case.id, reason="putusan dibatalkan pada tingkat banding"
    )
    assert other.outcome is Outcome.DONE and other.part is None
