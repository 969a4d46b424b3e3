"""Registering a work site as a use case: the declaration, the host and the name hold."""

from dataclasses import replace
from datetime import datetime

from domain.actor import Actor
from domain.sites import SiteDraft
from services import sites
from services.origin import Origin
from services.sites import Outcome
from storage.db import Database
from tests.seeds import seed_office, seed_site_with_cases

PENGAWAS = 777
KEJARI, DINAS = 1, 2  # as seed_office numbers them

PARK = SiteDraft(
    name="Taman Samarendah",
    host_agency_id=DINAS,
    address="Jl. Bhayangkara",
    latitude=-0.5,
    longitude=117.15,
    radius_m=150,
    timezone="Asia/Makassar",
    activities=("menyapu", "menyiram tanaman"),
    capacity=5,
    non_commercial_declared=True,
)


async def test_a_jaksa_registers_a_site_with_its_declaration_audited(
    db: Database, now: datetime
) -> None:
    jaksa = await seed_office(db, now)
    assert jaksa.person is not None
    result = await sites.create_site(Origin(db, jaksa, now, update_id=1), PARK)
    assert result.outcome is Outcome.SAVED and result.site is not None
    saved = await db.reader().sites.by_name("taman samarendah")
    assert saved is not None and saved.host_agency_id == DINAS
    assert saved.activities == ("menyapu", "menyiram tanaman")
    [row] = await db.reader().audit.rows_about([f"site:{saved.id}"])
    assert (row["action"], row["actor_person_id"], row["update_id"]) == (
        "site.created",
        jaksa.person.id,
        1,
    )


async def test_a_duplicate_name_an_office_as_host_or_no_declaration_saves_nothing(
    db: Database, now: datetime
) -> None:
    jaksa = await seed_office(db, now)
    origin = Origin(db, jaksa, now)
    assert (await sites.create_site(origin, PARK)).outcome is Outcome.SAVED
    again = await sites.create_site(origin, replace(PARK, name="TAMAN SAMARENDAH"))
    assert again.outcome is Outcome.NAME_TAKEN
    at_the_kejari = await sites.create_site(
        origin, replace(PARK, name="Halaman Kejari", host_agency_id=KEJARI)
    )
    assert at_the_kejari.outcome is Outcome.NOT_A_HOST
    undeclared = await sites.create_site(
        origin, replace(PARK, name="Pasar Pagi", non_commercial_declared=False)
    )
    assert undeclared.outcome is Outcome.INVALID
    assert [p.field for p in undeclared.problems] == ["declaration"]
    assert [s.name for s in await db.reader().sites.all()] == ["Taman Samarendah"]
    assert await db.reader().audit.count("site.created") == 1


async def test_a_stranger_registers_nothing(db: Database, now: datetime) -> None:
    await seed_office(db, now)
    result = await sites.create_site(Origin(db, Actor(999), now), PARK)
    assert result.outcome is Outcome.REFUSED
    assert await db.reader().sites.all() == []


async def test_staff_see_every_site_and_a_supervisor_their_own(db: Database, now: datetime) -> None:
    await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=PENGAWAS)
    store = db.reader()
    jaksa = await store.people.by_telegram_id(555)
    pengawas = await store.people.by_telegram_id(PENGAWAS)
    assert jaksa is not None and pengawas is not None
    jaksa_actor = Actor(555, jaksa, tuple(await store.people.memberships_of(jaksa.id)))
    await sites.create_site(Origin(db, jaksa_actor, now), PARK)
    pengawas_actor = Actor(
        PENGAWAS, pengawas, tuple(await store.people.memberships_of(pengawas.id))
    )
    assert [s.name for s in await sites.visible_sites(store, jaksa_actor)] == [
        "Taman Samarendah",
        "Taman Uji",
    ]
    assert [s.name for s in await sites.visible_sites(store, pengawas_actor)] == ["Taman Uji"]
    assert await sites.visible_sites(store, Actor(999)) == []
