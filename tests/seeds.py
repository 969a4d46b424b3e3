"""A small office written straight to storage, for tests and benchmarks that skip the chat."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.actor import Actor
from domain.cases import CaseDraft, CaseTerms, Consequence
from domain.models import Person
from domain.roles import AgencyType, Role
from domain.sites import SiteDraft
from services.cases import create_case
from storage.db import Database
from storage.repositories import Store

JAKSA_TELEGRAM_ID = 555


async def _member(
    store: Store, telegram_user_id: int, full_name: str, agency_id: int, role: Role, now: datetime
) -> Person:
    person = await store.people.ensure(
        telegram_user_id=telegram_user_id, full_name=full_name, language_code="id", now=now
    )
    await store.people.add_membership(
        person_id=person.id, agency_id=agency_id, role=role, invitation_id=None, now=now
    )
    return person


async def seed_office(db: Database, now: datetime) -> Actor:
    """A Kejari with one jaksa (Telegram id 555) and a city office that hosts sites."""
    async with db.transaction() as store:
        kejari = await store.agencies.add(
            type=AgencyType.KEJARI,
            name="Kejaksaan Negeri Samarinda",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
        await store.agencies.add(
            type=AgencyType.DINAS,
            name="Dinas Lingkungan Hidup Kota Samarinda",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
        jaksa = await _member(store, JAKSA_TELEGRAM_ID, "Jaksa Konsol", kejari.id, Role.JAKSA, now)
        memberships = tuple(await store.people.memberships_of(jaksa.id))
    return Actor(JAKSA_TELEGRAM_ID, jaksa, memberships)


async def seed_site_with_cases(
    db: Database, now: datetime, *, cases: int, pengawas_telegram_id: int, hours_per_day: int = 2
) -> list[str]:
    """The office, one site with its pengawas and ``cases`` active cases of 40 hours working
    there every day from today, ``hours_per_day`` from 08.00; returns the case codes. Opens
    and closes nothing: ``db`` is the caller's."""
    jaksa = await seed_office(db, now)
    return await seed_site(
        db,
        now,
        jaksa,
        name="Taman Uji",
        cases=cases,
        pengawas_telegram_id=pengawas_telegram_id,
        hours_per_day=hours_per_day,
    )


async def seed_site(
    db: Database,
    now: datetime,
    jaksa: Actor,
    *,
    name: str,
    cases: int,
    pengawas_telegram_id: int,
    hours_per_day: int = 2,
    first_offender: int = 0,
) -> list[str]:
    """Another site of the seeded office, supervised by this pengawas (made one if need
    be), with ``cases`` cases as :func:`seed_site_with_cases` makes them."""
    assert jaksa.person is not None
    zone = "Asia/Makassar"
    today = now.astimezone(ZoneInfo(zone)).date()
    codes = []
    async with db.transaction() as store:
        site = await store.sites.add(
            SiteDraft(name, 2, "Jl. 1", -0.5, 117.1, 150, zone, ("menyapu",), cases, True),
            declared_by=None,
            now=now,
        )
        pengawas = await store.people.by_telegram_id(pengawas_telegram_id)
        if pengawas is None:
            # A pengawas works for the site's host (the Dinas), not for the Kejari.
            pengawas = await _member(
                store, pengawas_telegram_id, "Pengawas", site.host_agency_id, Role.PENGAWAS, now
            )
        await store.sites.add_supervisor(site.id, pengawas.id, now)
        for i in range(first_offender, first_offender + cases):
            created = await create_case(
                store,
                CaseDraft(
                    offender_name=f"Peserta {i}",
                    decision_number=f"{i}/Uji",
                    court="PN",
                    decision_date=today,
                    terms=CaseTerms(
                        40, hours_per_day, frozenset(range(7)), today, today + timedelta(days=90)
                    ),
                    site_id=site.id,
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
            codes.append(created.case.code)
    return codes


async def actor_of(db: Database, telegram_user_id: int) -> Actor:
    """The person with this Telegram id as a use case sees them: their active roles."""
    store = db.reader()
    person = await store.people.by_telegram_id(telegram_user_id)
    assert person is not None, telegram_user_id
    memberships = tuple(await store.people.memberships_of(person.id))
    return Actor(telegram_user_id, person, memberships)


async def other_kejari_jaksa(db: Database, now: datetime, telegram_user_id: int) -> Actor:
    """A jaksa of Kejari Balikpapan, who has no say over the seeded Samarinda office."""
    async with db.transaction() as store:
        kejari = await store.agencies.add(
            type=AgencyType.KEJARI,
            name="Kejaksaan Negeri Balikpapan",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
        await _member(store, telegram_user_id, "Jaksa Balikpapan", kejari.id, Role.JAKSA, now)
    return await actor_of(db, telegram_user_id)
