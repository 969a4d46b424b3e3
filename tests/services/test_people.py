"""Whom a viewer may see and revoke, as use cases: the record, its audit and the notice."""

from datetime import datetime, timedelta

from domain.actor import Actor
from domain.models import Person
from domain.roles import AgencyType, Role
from services import people
from services.origin import Origin
from services.people import Outcome, Profile
from storage.db import Database
from tests.seeds import seed_office


async def _member(
    db: Database, now: datetime, telegram_id: int, name: str, agency_id: int, role: Role, lang: str
) -> Person:
    async with db.transaction() as store:
        person = await store.people.ensure(
            telegram_user_id=telegram_id, full_name=name, language_code=lang, now=now
        )
        await store.people.add_membership(
            person_id=person.id, agency_id=agency_id, role=role, invitation_id=None, now=now
        )
    return person


async def _actor(db: Database, person: Person) -> Actor:
    memberships = tuple(await db.reader().people.memberships_of(person.id))
    return Actor(person.telegram_user_id, person, memberships)


async def _two_kejari(db: Database, now: datetime) -> dict[str, Actor]:
    """Samarinda (agency 1) with its jaksa and an English-speaking PK; Balikpapan's jaksa."""
    jaksa = await seed_office(db, now)
    async with db.transaction() as store:
        bpn = await store.agencies.add(
            type=AgencyType.KEJARI,
            name="Kejaksaan Negeri Balikpapan",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
    pk = await _member(db, now, 9003, "Pembimbing Satu", 1, Role.PK, "en")
    other = await _member(db, now, 9002, "Jaksa Balikpapan", bpn.id, Role.JAKSA, "id")
    return {"jaksa": jaksa, "pk": await _actor(db, pk), "other": await _actor(db, other)}


async def test_a_jaksa_lists_and_sees_only_their_own_kejari(db: Database, now: datetime) -> None:
    who = await _two_kejari(db, now)
    store = db.reader()
    entries = await people.visible_entries(store, who["jaksa"])
    assert [(e.person.full_name, e.membership.role) for e in entries] == [
        ("Jaksa Konsol", Role.JAKSA),
        ("Pembimbing Satu", Role.PK),
    ]
    everyone = await people.visible_entries(store, Actor(1, is_config_admin=True))
    assert len({e.person.id for e in everyone}) == 3

    pk = who["pk"].person
    assert pk is not None
    card = await people.view_person(Origin(db, who["jaksa"], now), telegram_user_id=9003)
    assert card.person == pk and [m.role for m in card.revocable] == [Role.PK]
    hidden = await people.view_person(Origin(db, who["other"], now), person_id=pk.id)
    assert hidden.person is None and hidden.memberships == ()
    audit = db.reader().audit
    assert await audit.count("person.viewed") == 1
    assert await audit.count("people.not_found") == 1


async def test_nobody_may_revoke_their_own_role(db: Database, now: datetime) -> None:
    jaksa = await seed_office(db, now)
    assert jaksa.person is not None
    card = await people.view_person(Origin(db, jaksa, now), person_id=jaksa.person.id)
    assert card.person == jaksa.person and card.memberships and card.revocable == ()
    [own] = card.memberships
    result = await people.revoke_membership(Origin(db, jaksa, now), own.id)
    assert result.outcome is Outcome.NOT_ALLOWED
    kept = await db.reader().people.membership(own.id)
    assert kept is not None and kept.revoked_at is None


async def test_revoking_keeps_the_history_and_tells_the_person_in_their_language(
    db: Database, now: datetime
) -> None:
    who = await _two_kejari(db, now)
    pk = who["pk"].person
    assert pk is not None
    [membership] = await db.reader().people.memberships_of(pk.id)

    refused = await people.revoke_membership(Origin(db, who["other"], now), membership.id)
    assert refused.outcome is Outcome.NOT_ALLOWED
    gone = await people.revoke_membership(Origin(db, who["jaksa"], now), 999)
    assert gone.outcome is Outcome.NOT_FOUND
    assert await db.reader().outbox.pending_count() == 0

    done = await people.revoke_membership(Origin(db, who["jaksa"], now), membership.id)
    assert done.outcome is Outcome.OK and done.person == pk
    history = await db.reader().people.memberships_of(pk.id, active_only=False)
    assert len(history) == 1 and history[0].revoked_at is not None
    [entry] = await db.reader().audit.rows_about([f"membership:{membership.id}"])
    assert entry["action"] == "membership.revoked"
    [notice] = await db.reader().outbox.due(now + timedelta(seconds=1), 10)
    assert notice.chat_id == 9003
    # Queued by an Indonesian-speaking jaksa, read by an English-speaking PK.
    assert (
        "revoked" in notice.payload["text"]
        and "Kejaksaan Negeri Samarinda" in (notice.payload["text"])
    )

    again = await people.revoke_membership(Origin(db, who["jaksa"], now), membership.id)
    assert again.outcome is Outcome.ALREADY
    assert await db.reader().audit.count("membership.revoked") == 1
    assert await db.reader().outbox.pending_count() == 1


async def test_a_configured_admin_is_registered_once(db: Database, now: datetime) -> None:
    admin = Origin(db, Actor(1, is_config_admin=True), now)
    person = await people.register(admin, Profile("Admin Sistem", "id"))
    assert await db.reader().people.by_telegram_id(1) == person
    known = Actor(1, person, is_config_admin=True)
    assert await people.register(Origin(db, known, now), Profile("Admin Sistem", "id")) == person
    assert await db.reader().audit.count("person.registered") == 1


async def test_check_lists_a_role_in_the_wrong_kind_of_agency(db: Database, now: datetime) -> None:
    """A PK registered in the Kejari (as a jaksa's invitation used to put them) is listed for
    the operator, and nothing changes it."""
    who = await _two_kejari(db, now)
    [misfit] = await people.misfits(db.reader())
    assert misfit.person.full_name == "Pembimbing Satu" and misfit.membership.role is Role.PK
    assert misfit.agency.name == "Kejaksaan Negeri Samarinda" and misfit.fits_in == ("bapas",)
    assert who["pk"].roles == {Role.PK}
    assert (await db.reader().people.membership(misfit.membership.id)).revoked_at is None
