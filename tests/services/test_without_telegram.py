"""Offenders without Telegram as use cases: the number, the PK's evening call list in place of
the offender's own reminders, the calls marked, the morning list, the roll-call, the paper
daftar hadir and its entry afterwards, and the purge."""

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.ledger import fold
from domain.models import Case
from domain.phones import parse_phone
from domain.roles import AgencyType, Role
from scheduler.planning import plan_outbox
from services import calls, paper_sheet, personal_data, roll_call
from services.attendance import Message, Outcome
from services.calls import PhoneOutcome
from services.origin import Origin
from storage.db import Database
from tests.pdf_text import pdf_text
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, seed_site_with_cases
from texts import Texts

PENGAWAS, PK, OFFENDER, OTHER = 777, 888, 999, 998
WITA = ZoneInfo("Asia/Makassar")


def test_indonesian_mobile_numbers() -> None:
    assert parse_phone("0812-3456-7890") == "081234567890"
    assert parse_phone("+62 812 3456 7890") == "+6281234567890"
    assert parse_phone("62 812.3456.789") == "+628123456789"
    assert parse_phone("(0812) 345 678") == "0812345678"
    for bad in ("12345", "0212345678", "+1 415 555 0100", "08123", "0812345678901234", "abc"):
        assert parse_phone(bad) is None, bad


async def _world(db: Database, now: datetime) -> tuple[list[Case], date]:
    """Two cases at one site; the first followed by a PK, both with an offender on Telegram
    (so that what stops for the first is visible). Returns them and the day of a session
    of theirs after today."""
    codes = await seed_site_with_cases(db, now, cases=2, pengawas_telegram_id=PENGAWAS)
    async with db.transaction() as tx:
        bapas = await tx.agencies.add(
            type=AgencyType.BAPAS,
            name="Bapas Samarinda",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
        pk = await tx.people.ensure(
            telegram_user_id=PK, full_name="Rina PK", language_code="id", now=now
        )
        await tx.people.add_membership(
            person_id=pk.id, agency_id=bapas.id, role=Role.PK, invitation_id=None, now=now
        )
        for code, telegram_id in zip(codes, (OFFENDER, OTHER), strict=True):
            person = await tx.people.ensure(
                telegram_user_id=telegram_id, full_name="Peserta", language_code="id", now=now
            )
            await tx.conn.execute(
                "UPDATE cases SET offender_person_id = ? WHERE code = ?", (person.id, code)
            )
        await tx.conn.execute("UPDATE cases SET pk_person_id = ? WHERE code = ?", (pk.id, codes[0]))
    store = db.reader()
    cases = [c for c in [await store.cases.by_code(code) for code in codes] if c]
    today = now.astimezone(WITA).date()
    sessions = await store.cases.sessions_of(cases[0].id)
    day = next(s.day for s in sessions if s.day > today)
    return cases, day


async def _outbox(db: Database) -> list[tuple[str, int, dict[str, object]]]:
    async with db.reader().conn.execute(
        "SELECT kind, chat_id, payload FROM outbox ORDER BY id"
    ) as cur:
        return [(str(r[0]), int(r[1]), json.loads(r[2])) for r in await cur.fetchall()]


async def test_the_pk_phones_instead_of_the_offenders_reminders(
    db: Database, now: datetime
) -> None:
    cases, day = await _world(db, now)
    first, second = cases
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)
    assert (await calls.set_phone(jaksa, code=first.code, phone_text="12345")).outcome is (
        PhoneOutcome.BAD_NUMBER
    )
    result = await calls.set_phone(jaksa, code=first.code, phone_text="0812 3456 7890")
    assert result.outcome is PhoneOutcome.SET and result.phone == "081234567890"
    # Only the case's managers: the PK may not set it.
    pk = Origin(db, await actor_of(db, PK), now)
    assert (await calls.set_phone(pk, code=first.code, phone_text="0812 3456 7890")).outcome is (
        PhoneOutcome.NOT_YOURS
    )
    async with db.reader().conn.execute("SELECT detail FROM audit_log") as cur:
        assert not any("7890" in str(r[0]) for r in await cur.fetchall())

    evening = datetime.combine(day - timedelta(days=1), time(19, 0), WITA).astimezone(UTC)
    await plan_outbox(db, evening - timedelta(hours=3))
    rows = await _outbox(db)
    # The second offender gets their Telegram reminders; the first none: no chat of theirs.
    assert {chat for kind, chat, _ in rows if kind.startswith("remind.offender")} == {OTHER}
    assert not any(kind == "remind.call_list" for kind, _, _ in rows)  # not yet: at 19.00

    assert await plan_outbox(db, evening) >= 1
    assert await plan_outbox(db, evening + timedelta(minutes=5)) == 0
    [(_, chat, payload)] = [r for r in await _outbox(db) if r[0] == "remind.call_list"]
    assert chat == PK
    text = str(payload["text"])
    assert first.offender_name in text and "081234567890" in text and "08.00–10.00 WITA" in text
    assert second.offender_name not in text
    buttons = payload["buttons"]
    assert isinstance(buttons, list)
    [[[label, data]]] = buttons
    assert isinstance(label, str) and isinstance(data, str)
    assert label.startswith("☎️ Sudah dihubungi") and data.startswith("tlp:v1:")
    session_id = int(data.split(":")[2])
    assert not any(
        chat == OFFENDER for kind, chat, _ in await _outbox(db) if kind.startswith("remind")
    )

    # The morning list marks them (each day's list: the horizon holds two days).
    morning = next(p for k, _, p in await _outbox(db) if k == "remind.supervisor.day")
    lines = str(morning["text"]).splitlines()
    assert [line for line in lines if "📵 tanpa Telegram" in line] == [
        line for line in lines if first.code in line
    ]

    # "Sudah dihubungi": the PK's list only; once; audited without the number.
    called_at = evening + timedelta(minutes=12)
    pk_later = Origin(db, pk.actor, called_at)
    marked = await calls.mark_called(pk_later, session_id)
    assert marked.outcome is calls.Outcome.MARKED
    assert [i.called_at for i in marked.items] == [called_at]
    again = await calls.mark_called(Origin(db, pk.actor, called_at), session_id)
    assert again.outcome is calls.Outcome.ALREADY
    jaksa_press = await calls.mark_called(Origin(db, jaksa.actor, called_at), session_id)
    assert jaksa_press.outcome is calls.Outcome.NOT_YOURS  # the case has a PK: not his list
    assert await db.reader().audit.count("call.made") == 1
    redrawn = calls.render_call_list(Texts("id"), list(marked.items), day)
    assert "sudah dihubungi, 19.12 WITA" in str(redrawn["text"]) and "buttons" not in redrawn

    # Back to Telegram: the number is gone, and so is the call list for later days.
    cleared = await calls.set_phone(jaksa, code=first.code, phone_text=None)
    assert cleared.outcome is PhoneOutcome.CLEARED
    assert await db.reader().phones.phone_of(first.id) is None


async def test_the_roll_call_and_the_paper_sheet_treat_them_as_everyone(
    db: Database, now: datetime
) -> None:
    cases, day = await _world(db, now)
    first, _second = cases
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)
    await calls.set_phone(jaksa, code=first.code, phone_text="081234567890")
    pengawas = await actor_of(db, PENGAWAS)
    store = db.reader()
    [site] = await paper_sheet.my_sites(store, Origin(db, pengawas, now))

    # The day of the session, 08.30: on the session card like the others.
    during = datetime.combine(day, time(8, 30), WITA).astimezone(UTC)
    expected = await roll_call.today(store, Origin(db, pengawas, during))
    assert {e.case.code for e in expected} == {c.code for c in cases}

    # The sheet, printed the evening before, lists both, without the number.
    sheet = await paper_sheet.gather(store, Origin(db, pengawas, now), site, day)
    assert [r.case.code for r in sheet.rows] == [c.code for c in cases]
    assert [r.without_telegram for r in sheet.rows] == [True, False]
    pdf = await paper_sheet.sheet_pdf(sheet)
    words = pdf_text(pdf)
    assert "DAFTAR HADIR" in words and site.name in words
    assert all(c.offender_name in words and c.code in words for c in cases)
    assert "0812" not in words

    # That afternoon, the times from the paper: manual, with its reason, under the caps.
    later = Origin(db, pengawas, datetime.combine(day, time(15, 0), WITA).astimezone(UTC))
    typed = Message(PENGAWAS, 50, later.now)
    wrong = await paper_sheet.enter_from_paper(
        later, case_id=first.id, day=day, start=time(10, 0), end=time(8, 0), message=typed
    )
    assert wrong.outcome is Outcome.END_BEFORE_START
    assert await store.attendance.events_of_case(first.id) == []
    entered = await paper_sheet.enter_from_paper(
        later, case_id=first.id, day=day, start=time(8, 0), end=time(11, 30), message=typed
    )
    assert entered.outcome is Outcome.RECORDED
    assert entered.credited_minutes == 120  # the decision's 2 hours a day, not 3½
    events = await store.attendance.events_of_case(first.id)
    assert [(e.kind.value, e.manual, e.reason) for e in events] == [
        ("check_in", True, paper_sheet.PAPER_REASON),
        ("check_out", True, paper_sheet.PAPER_REASON),
    ]
    [record] = fold(events)
    assert record.manual and record.end is not None
    # Entered once: the day is attended now, and no longer offered.
    twice = await paper_sheet.enter_from_paper(
        Origin(db, pengawas, later.now),
        case_id=first.id,
        day=day,
        start=time(8, 0),
        end=time(10, 0),
        message=Message(PENGAWAS, 51, later.now),
    )
    assert twice.outcome is Outcome.ALREADY_IN
    left = await paper_sheet.to_enter(store, later, site, day)
    assert [r.case.code for r in left] == [cases[1].code]
    # Tomorrow's times cannot be typed today.
    future = await paper_sheet.enter_from_paper(
        later,
        case_id=cases[1].id,
        day=day,
        start=time(8, 0),
        end=time(23, 0),
        message=Message(PENGAWAS, 52, later.now),
    )
    assert future.outcome is Outcome.END_IN_FUTURE


async def test_the_number_is_purged_with_the_case(db: Database, now: datetime) -> None:
    cases, day = await _world(db, now)
    first = cases[0]
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)
    await calls.set_phone(jaksa, code=first.code, phone_text="081234567890")
    evening = datetime.combine(day - timedelta(days=1), time(19, 0), WITA).astimezone(UTC)
    await plan_outbox(db, evening)
    store = db.reader()
    exported = await personal_data.case_record(store, first)
    assert exported["offender_phone"] == "081234567890"
    async with db.transaction() as tx:
        await tx.conn.execute(
            "UPDATE cases SET status = 'ditutup', closed_at = ? WHERE id = ?",
            (now.isoformat(), first.id),
        )
    closed = await store.cases.get(first.id)
    assert closed is not None
    async with db.transaction() as tx:
        await personal_data.purge_case(tx, closed, retention=timedelta(0), now=now)
    assert await store.phones.phone_of(first.id) is None
    assert not any("081234567890" in str(p) for _, _, p in await _outbox(db))
