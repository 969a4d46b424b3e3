"""Which cases a person sees: the predicate and the SQL filter are one rule, for every role.

A small world: two Kejari, a city government whose dinas hosts one site while Kejari B
hosts the other, and four cases across them. For every (actor, case) pair
``authority.sees_case`` must equal membership in ``store.cases.visible(case_filter(...))``,
and the use cases that list and open cases must agree with both.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import authority
from domain.actor import Actor
from domain.cases import CaseDraft, CaseTerms, Consequence
from domain.models import Case
from domain.roles import AgencyType, Role
from domain.sites import SiteDraft
from services import cases as case_service
from services import digest
from services.cases import Sight, create_case
from services.origin import Origin
from services.scope import scope_of
from storage.db import Database
from storage.repositories import Store

ZONE = "Asia/Makassar"
ROLES = ("admin", "jaksa_a", "jaksa_b", "pejabat", "pk", "pengawas", "offender", "stranger")


@dataclass(frozen=True)
class World:
    actors: dict[str, Actor]
    cases: dict[str, Case]  # c1..c4


async def _actor(
    store: Store, telegram_id: int, role: Role, agency_id: int, now: datetime
) -> Actor:
    person = await store.people.ensure(
        telegram_user_id=telegram_id, full_name=f"Orang {telegram_id}", language_code="id", now=now
    )
    await store.people.add_membership(
        person_id=person.id, agency_id=agency_id, role=role, invitation_id=None, now=now
    )
    return Actor(telegram_id, person, tuple(await store.people.memberships_of(person.id)))


async def _agency(
    store: Store, kind: AgencyType, name: str, parent: int | None, now: datetime
) -> int:
    agency = await store.agencies.add(
        type=kind, name=name, parent_id=parent, timezone=ZONE, created_by=None, now=now
    )
    return agency.id


async def _site(store: Store, name: str, host: int, now: datetime) -> int:
    draft = SiteDraft(name, host, "Jl. 1", -0.5, 117.1, 150, ZONE, ("menyapu",), 5, True)
    return (await store.sites.add(draft, declared_by=None, now=now)).id


async def _case(
    store: Store, n: int, *, agency: int, site: int, jaksa: Actor, pk: int | None, now: datetime
) -> Case:
    today = now.astimezone(ZoneInfo(ZONE)).date()
    assert jaksa.person is not None
    created = await create_case(
        store,
        CaseDraft(
            offender_name=f"Peserta {n}",
            decision_number=f"{n}/Pid.B/Uji",
            court="PN Samarinda",
            decision_date=today,
            terms=CaseTerms(40, 2, frozenset(range(5)), today, today + timedelta(days=90)),
            site_id=site,
            consequence=Consequence.PRISON,
            replaced_penalty="1 bulan penjara",
            jaksa_person_id=jaksa.person.id,
            pk_person_id=pk,
        ),
        agency_id=agency,
        created_by=None,
        now=now,
        invitation_validity=timedelta(days=7),
        audit={"now": now, "actor_telegram_id": None, "actor_person_id": None, "update_id": None},
        invite_offender=False,
    )
    assert created is not None
    return created.case


async def _world(db: Database, now: datetime) -> World:
    async with db.transaction() as store:
        kejari_a = await _agency(store, AgencyType.KEJARI, "Kejari A", None, now)
        kejari_b = await _agency(store, AgencyType.KEJARI, "Kejari B", None, now)
        pemkot = await _agency(store, AgencyType.PEMKOT, "Pemkot", None, now)
        dinas = await _agency(store, AgencyType.DINAS, "Dinas LH", pemkot, now)
        bapas = await _agency(store, AgencyType.BAPAS, "Bapas", None, now)
        park = await _site(store, "Taman Kota", dinas, now)  # hosted under the Pemkot
        hall = await _site(store, "Aula Kejari B", kejari_b, now)  # hosted by Kejari B
        actors = {
            "admin": Actor(1, is_config_admin=True),
            "jaksa_a": await _actor(store, 10, Role.JAKSA, kejari_a, now),
            "jaksa_b": await _actor(store, 20, Role.JAKSA, kejari_b, now),
            "pejabat": await _actor(store, 30, Role.PEJABAT, pemkot, now),
            "pk": await _actor(store, 40, Role.PK, bapas, now),
            "pengawas": await _actor(store, 50, Role.PENGAWAS, kejari_b, now),
            "offender": await _actor(store, 60, Role.TERPIDANA, kejari_a, now),
            "stranger": Actor(70),
        }
        pengawas, offender, pk = (actors[r].person for r in ("pengawas", "offender", "pk"))
        assert pengawas is not None and offender is not None and pk is not None
        await store.sites.add_supervisor(hall, pengawas.id, now)
        ja, jb = actors["jaksa_a"], actors["jaksa_b"]
        cases = {
            "c1": await _case(store, 1, agency=kejari_a, site=park, jaksa=ja, pk=pk.id, now=now),
            "c2": await _case(store, 2, agency=kejari_a, site=hall, jaksa=ja, pk=None, now=now),
            "c3": await _case(store, 3, agency=kejari_b, site=park, jaksa=jb, pk=None, now=now),
            "c4": await _case(store, 4, agency=kejari_b, site=hall, jaksa=jb, pk=None, now=now),
        }
        await store.cases.link_offender(cases["c2"].id, offender.id)
        for name, case in cases.items():
            found = await store.cases.get(case.id)
            assert found is not None
            cases[name] = found
    return World(actors, cases)


#: What each role sees, written out so that the property below cannot hold vacuously.
EXPECTED = {
    "admin": {"c1", "c2", "c3", "c4"},
    "jaksa_a": {"c1", "c2"},  # their Kejari's
    "jaksa_b": {"c2", "c3", "c4"},  # their Kejari's, and c2 worked at the hall they host
    "pejabat": {"c1", "c3"},  # worked at the park their dinas hosts
    "pk": {"c1"},  # the case they follow
    "pengawas": {"c2", "c4"},  # the cases at the site they supervise
    "offender": {"c2"},  # their own
    "stranger": set(),
}


@pytest.mark.parametrize("role", ROLES)
async def test_the_predicate_and_the_filter_agree_on_every_case(
    db: Database, now: datetime, role: str
) -> None:
    world = await _world(db, now)
    store = db.reader()
    scope = await scope_of(store, world.actors[role])
    listed = {c.id for c in await store.cases.visible(authority.case_filter(scope))}
    for name, case in world.cases.items():
        assert authority.sees_case(scope, case) is (case.id in listed), (role, name)
    assert {n for n, c in world.cases.items() if c.id in listed} == EXPECTED[role]
    shown = await case_service.visible_cases(store, world.actors[role])
    by_code = sorted(world.cases.values(), key=lambda c: c.code)
    assert [c.id for c in shown] == [c.id for c in by_code if c.id in listed]


async def test_a_finished_case_is_seen_but_not_listed_as_running(
    db: Database, now: datetime
) -> None:
    world = await _world(db, now)
    async with db.transaction() as store:
        await store.cases.complete(world.cases["c1"].id, now=now)
    store = db.reader()
    finished = await store.cases.get(world.cases["c1"].id)
    assert finished is not None
    for role in ROLES:
        scope = await scope_of(store, world.actors[role])
        every = await store.cases.visible(authority.case_filter(scope), active_only=False)
        assert authority.sees_case(scope, finished) is (finished.id in {c.id for c in every})
        running = await case_service.visible_cases(store, world.actors[role])
        assert finished.id not in {c.id for c in running}


@pytest.mark.parametrize("role", ROLES)
async def test_opening_a_case_follows_the_same_rule_and_audits_only_a_read(
    db: Database, now: datetime, role: str
) -> None:
    world = await _world(db, now)
    before = await db.reader().audit.count("case.viewed")
    for name, case in world.cases.items():
        origin = Origin(db, world.actors[role], now)
        opened = await case_service.open_case(origin, code=case.code, purpose="case.viewed")
        assert opened.case is not None and opened.case.id == case.id
        expected = Sight.SHOWN if name in EXPECTED[role] else Sight.NOT_YOURS
        assert opened.sight is expected, (role, name)
        by_id = await case_service.open_case(origin, case_id=case.id, purpose="case.viewed")
        assert by_id.sight is expected
    rows = await db.reader().audit.rows_about([f"case:{c.id}" for c in world.cases.values()])
    viewed = [r for r in rows if r["action"] == "case.viewed"]
    assert len(viewed) == 2 * len(EXPECTED[role])
    assert await db.reader().audit.count("case.viewed") == before + 2 * len(EXPECTED[role])
    assert await db.reader().audit.count("refused") == 0  # refusing is the caller's to say


async def test_a_code_that_names_no_case_is_not_found_and_leaves_no_trace(
    db: Database, now: datetime
) -> None:
    world = await _world(db, now)
    audit_rows = await db.reader().audit.count()
    origin = Origin(db, world.actors["jaksa_a"], now)
    opened = await case_service.open_case(origin, code="KS-1999-0001", purpose="report.case")
    assert opened.sight is Sight.NOT_FOUND and opened.case is None
    assert await db.reader().audit.count() == audit_rows


async def test_a_monthly_report_covers_what_the_office_sees(db: Database, now: datetime) -> None:
    """``/laporan``'s scope: the agencies' own cases and those at sites they host."""
    world = await _world(db, now)
    store = db.reader()
    for role in ("admin", "jaksa_a", "jaksa_b", "pejabat"):
        scope = await scope_of(store, world.actors[role])
        reported = await digest.cases_in_scope(store, authority.reported_agencies(scope))
        assert {n for n, c in world.cases.items() if c.id in {r.id for r in reported}} == (
            EXPECTED[role]
        )
