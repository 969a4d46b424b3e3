"""The case PDF shows what the record holds beyond the hours: hand-typed check-outs,
corrections with their reason, geofence flags, an attendance still open."""

from datetime import datetime, timedelta

from domain.ledger import EventKind
from services import attendance, reports
from services.attendance import Message, Photo
from services.origin import Origin
from storage.db import Database
from tests.seeds import actor_of, seed_site_with_cases
from tests.sheets import pdf_text
from texts import Texts


async def test_the_pdf_lists_every_note_on_the_record(db: Database, now: datetime) -> None:
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=777)
    case = await db.reader().cases.by_code(code)
    assert case is not None
    [first, second, *_] = await db.reader().cases.sessions_of(case.id)
    origin = Origin(db, await actor_of(db, 777), second.ends_at + timedelta(hours=1))
    came = await attendance.check_in(
        origin,
        case_id=case.id,
        photo=Photo("a", "a", 1),
        message=Message(1, 1, first.starts_at),
        location=(-0.6, 117.2),  # kilometres from the seeded site
    )
    assert came.attendance_id is not None and came.outside_geofence
    await attendance.check_out(
        origin,
        attendance_id=came.attendance_id,
        end=first.ends_at,
        message=Message(1, 2, first.ends_at),
        manual_reason="lupa mencatat pulang",
    )
    async with db.transaction() as tx:
        await tx.attendance.add_event(
            attendance_id=came.attendance_id,
            kind=EventKind.CORRECTION,
            by=None,
            now=origin.now,
            end=first.ends_at - timedelta(minutes=30),
            reason="pulang lebih awal atas izin pengawas",
        )
    await attendance.check_in(
        origin, case_id=case.id, photo=Photo("b", "b", 1), message=Message(1, 3, second.starts_at)
    )
    text = pdf_text(await reports.case_pdf(db.reader(), case, Texts("id"), origin.now))
    for note in (
        "jam pulang diketik: lupa mencatat pulang",
        "dikoreksi jaksa: pulang lebih awal atas izin pengawas",
        "di luar batas lokasi (",
        "belum tercatat pulang",
    ):
        assert note in text, note
