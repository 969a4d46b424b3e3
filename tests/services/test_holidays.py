"""An admin's corrections to the calendar as use cases: recorded, audited, admins only."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.actor import Actor
from domain.roles import AgencyType
from services import holidays
from services.holidays import NAME_MAX, Outcome
from services.origin import Origin
from services.scheduling import days_off_between, regional_days_off
from storage.db import Database
from tests.clock import working_days
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, seed_office, seed_site, seed_site_with_cases

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


async def _two_regions(db: Database, now: datetime) -> tuple[date, int, int]:
    """Site "Taman Uji" hosted by a dinas under Pemkot Samarinda, and "Pantai Manggar" in
    Balikpapan, each with one case planned every day from today; returns the next working
    day (a session at both sites), the Pemkot's id and the Balikpapan site's id."""
    await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=777)
    jaksa = await actor_of(db, JAKSA_TELEGRAM_ID)
    async with db.transaction() as store:
        pemkot = await store.agencies.add(
            type=AgencyType.PEMKOT,
            name="Pemerintah Kota Samarinda",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
        await store.conn.execute("UPDATE agencies SET parent_id = ? WHERE id = 2", (pemkot.id,))
        balikpapan = await store.agencies.add(
            type=AgencyType.PEMKOT,
            name="Pemerintah Kota Balikpapan",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
    await seed_site(
        db, now, jaksa, name="Pantai Manggar", cases=1, pengawas_telegram_id=778, first_offender=1
    )
    async with db.transaction() as store:
        site = await store.sites.by_name("Pantai Manggar")
        assert site is not None
        await store.conn.execute(
            "UPDATE sites SET host_agency_id = ? WHERE id = ?", (balikpapan.id, site.id)
        )
    today = now.astimezone(ZoneInfo("Asia/Makassar")).date()
    day = next(working_days(today + timedelta(days=1), weekdays=range(7)))
    return day, pemkot.id, site.id


async def test_a_regional_day_off_reaches_the_sites_under_its_agency_only(
    db: Database, now: datetime
) -> None:
    day, pemkot, balikpapan_site = await _two_regions(db, now)
    origin = Origin(db, ADMIN, now)
    store = db.reader()
    samarinda = await store.sites.by_name("Taman Uji")
    balikpapan = await store.sites.get(balikpapan_site)
    assert samarinda is not None and balikpapan is not None
    added = await holidays.correct_day(origin, day, off=True, name="Hari jadi", agency_id=pemkot)
    assert added.outcome is Outcome.SAVED and added.affected == 1  # not Balikpapan's session
    assert await store.cases.sessions_on(day) == 2
    assert day in await days_off_between(store, day, day, samarinda)
    assert day not in await days_off_between(store, day, day, balikpapan)
    assert day not in await days_off_between(store, day, day)  # the national calendar
    # The reminders planner skips the Samarinda session only.
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), ZoneInfo("Asia/Makassar"))
    upcoming = await store.reminders.upcoming(now, end)
    assert await regional_days_off(store, upcoming) == {samarinda.id: {day}, balikpapan.id: set()}

    assert added.override_id is not None
    moved = await holidays.move_off_day_off(origin, added.override_id, reason="hari jadi kota")
    [(code, to)] = moved.moved
    assert moved.stuck == () and to > day
    left = await store.cases.planned_on(day)
    assert [s.site_id for s in left] == [balikpapan.id]
    case = await store.cases.by_code(code)
    assert case is not None and case.site_id == samarinda.id
    assert day not in {s.day for s in await store.cases.sessions_of(case.id)}
    # Offered again, there is nothing left to move.
    again = await holidays.move_off_day_off(origin, added.override_id, reason="hari jadi kota")
    assert again.moved == () and again.stuck == ()


async def test_a_new_case_is_not_planned_on_its_regions_day_off(
    db: Database, now: datetime
) -> None:
    day, pemkot, balikpapan_site = await _two_regions(db, now)
    origin = Origin(db, ADMIN, now)
    await holidays.correct_day(origin, day, off=True, name="Pilkada", agency_id=pemkot)
    jaksa = await actor_of(db, JAKSA_TELEGRAM_ID)
    codes = await seed_site(
        db, now, jaksa, name="Taman Kedua", cases=1, pengawas_telegram_id=779, first_offender=5
    )
    store = db.reader()
    case = await store.cases.by_code(codes[0])
    assert case is not None
    days = {s.day for s in await store.cases.sessions_of(case.id)}
    assert days and day not in days
    # Balikpapan's session of that day was planned before and stays; a non-admin moves nothing.
    refused = await holidays.move_off_day_off(Origin(db, jaksa, now), 1, reason="hari jadi")
    assert refused.outcome is Outcome.REFUSED
    assert [s.site_id for s in await store.cases.planned_on(day)] == [1, balikpapan_site]
