"""An admin's corrections to the calendar as use cases: recorded, audited, admins only."""

from datetime import date, datetime

from domain.actor import Actor
from services import holidays
from services.holidays import NAME_MAX, Outcome
from services.origin import Origin
from storage.db import Database
from tests.seeds import seed_office

ADMIN = Actor(1, is_config_admin=True)


async def test_an_admin_adds_a_day_off_and_turns_cuti_bersama_off(
    db: Database, now: datetime
) -> None:
    origin = Origin(db, ADMIN, now)
    day = date(2026, 1, 7)
    added = await holidays.correct_day(origin, day, off=True, name="Hari jadi kota " * 20)
    assert added.outcome is Outcome.SAVED and len(added.name) == NAME_MAX
    [override] = await db.reader().holidays.overrides()
    assert (override.day, override.off, override.name) == (day, True, added.name)
    assert await holidays.set_cuti_bersama(origin, False) is Outcome.SAVED
    assert await db.reader().holidays.cuti_bersama() is False
    [row] = await db.reader().audit.rows_about([day.isoformat()])
    assert row["action"] == "holidays.override"
    assert await db.reader().audit.count("holidays.cuti_bersama") == 1


async def test_a_jaksa_changes_no_calendar(db: Database, now: datetime) -> None:
    jaksa = await seed_office(db, now)
    origin = Origin(db, jaksa, now)
    refused = await holidays.correct_day(origin, date(2026, 1, 7), off=True, name="Banjir")
    assert refused.outcome is Outcome.REFUSED
    assert await holidays.set_cuti_bersama(origin, False) is Outcome.REFUSED
    assert await db.reader().holidays.overrides() == []
    assert await db.reader().holidays.cuti_bersama() is True
    assert await db.reader().audit.count() == 0
