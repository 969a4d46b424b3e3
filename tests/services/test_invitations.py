"""Creating and redeeming invitations as use cases: who may invite whom, and joining once."""

from datetime import datetime, timedelta

import pytest

from domain import invitations as rules
from domain.actor import Actor
from domain.roles import AgencyType, Role
from services import invitations
from services.invitations import Outcome, Redemption
from services.origin import DuplicateUpdate, Origin
from services.people import Profile
from storage.db import Database
from tests.seeds import (
    JAKSA_TELEGRAM_ID,
    actor_of,
    other_kejari_jaksa,
    seed_office,
    seed_site_with_cases,
)

WEEK = timedelta(days=7)
ADMIN = 1
ME = Profile("Rina Wati", "id")


async def _count(db: Database, table: str) -> int:
    async with db.reader().conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def test_a_configured_admin_invites_before_ever_saying_start(
    db: Database, now: datetime
) -> None:
    await seed_office(db, now)
    admin = Origin(db, Actor(ADMIN, is_config_admin=True), now)
    created = await invitations.create_invitation(
        admin, role=Role.JAKSA, agency_id=1, profile=Profile("Admin", None), validity=WEEK
    )
    assert created.outcome is Outcome.CREATED and created.token and created.invitation
    assert created.invitation.expires_at == now + WEEK
    # The invitation names its creator, so the admin has a row now.
    inviter = await db.reader().people.by_telegram_id(ADMIN)
    assert inviter is not None and created.invitation.created_by == inviter.id
    stored = await db.reader().invitations.by_token_hash(rules.token_hash(created.token))
    assert stored is not None and stored.role is Role.JAKSA
    [entry] = await db.reader().audit.rows_about([f"invitation:{created.invitation.id}"])
    assert entry["action"] == "invitation.created" and entry["actor_person_id"] == inviter.id


async def test_a_jaksa_invites_only_what_a_jaksa_may_into_their_own_kejari(
    db: Database, now: datetime
) -> None:
    jaksa = Origin(db, await seed_office(db, now), now)
    stranger = Origin(db, await other_kejari_jaksa(db, now, 666), now)
    colleague = await invitations.create_invitation(
        jaksa, role=Role.JAKSA, agency_id=1, profile=ME, validity=WEEK
    )
    assert colleague.outcome is Outcome.NOT_ALLOWED
    elsewhere = await invitations.create_invitation(
        stranger, role=Role.PEJABAT, agency_id=1, profile=ME, validity=WEEK
    )
    assert elsewhere.outcome is Outcome.NOT_ALLOWED
    # A PK belongs in a Bapas, whoever invites them: never in the Kejari.
    in_kejari = await invitations.create_invitation(
        jaksa, role=Role.PK, agency_id=1, profile=ME, validity=WEEK
    )
    assert in_kejari.outcome is Outcome.NOT_ALLOWED
    assert await _count(db, "invitations") == 0
    assert await db.reader().audit.count("invitation.created") == 0
    # The choice buttons offer the same agencies the use case accepts.
    assert await invitations.invitable_agencies(db.reader(), jaksa.actor, Role.PK) == []
    offered = await invitations.invitable_agencies(db.reader(), jaksa.actor, Role.PEJABAT)
    assert [a.id for a in offered] == [1]
    assert await invitations.invitable_agencies(db.reader(), jaksa.actor, Role.JAKSA) == []


async def test_a_jaksa_invites_a_pk_into_a_bapas_and_a_pengawas_into_the_sites_host(
    db: Database, now: datetime
) -> None:
    await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=777)
    jaksa = Origin(db, await actor_of(db, JAKSA_TELEGRAM_ID), now)
    async with db.transaction() as store:
        bapas = await store.agencies.add(
            type=AgencyType.BAPAS,
            name="Bapas Samarinda",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
    offered = await invitations.invitable_agencies(db.reader(), jaksa.actor, Role.PK)
    assert [a.name for a in offered] == ["Bapas Samarinda"]
    pk = await invitations.create_invitation(
        jaksa, role=Role.PK, agency_id=bapas.id, profile=ME, validity=WEEK
    )
    assert pk.outcome is Outcome.CREATED and pk.invitation.agency_id == bapas.id
    [(site, host)] = await invitations.invitable_sites(db.reader(), jaksa.actor)
    assert host.type is AgencyType.DINAS and site.host_agency_id == host.id
    # The site's own host, or nothing: the Kejari is no pengawas's agency.
    wrong = await invitations.create_invitation(
        jaksa, role=Role.PENGAWAS, agency_id=1, profile=ME, validity=WEEK, site_id=site.id
    )
    assert wrong.outcome is Outcome.NOT_FOUND
    right = await invitations.create_invitation(
        jaksa, role=Role.PENGAWAS, agency_id=host.id, profile=ME, validity=WEEK, site_id=site.id
    )
    assert right.outcome is Outcome.CREATED
    assert right.token is not None
    newcomer = Origin(db, Actor(4242), now)
    joined = await invitations.redeem_invitation(newcomer, right.token, Profile("Pak Ali", "id"))
    assert joined.outcome is Redemption.JOINED and joined.agency.id == host.id
    person = await db.reader().people.by_telegram_id(4242)
    [membership] = await db.reader().people.memberships_of(person.id)
    assert membership.role is Role.PENGAWAS and membership.agency_id == host.id


async def test_a_button_naming_what_is_gone_creates_nothing(db: Database, now: datetime) -> None:
    jaksa = Origin(db, await seed_office(db, now), now)
    gone_agency = await invitations.create_invitation(
        jaksa, role=Role.PK, agency_id=999, profile=ME, validity=WEEK
    )
    gone_site = await invitations.create_invitation(
        jaksa, role=Role.PENGAWAS, agency_id=1, profile=ME, validity=WEEK, site_id=999
    )
    assert gone_agency.outcome is gone_site.outcome is Outcome.NOT_FOUND
    assert await _count(db, "invitations") == 0


async def test_an_invitation_is_redeemed_once(db: Database, now: datetime) -> None:
    jaksa = Origin(db, await seed_office(db, now), now)
    created = await invitations.create_invitation(
        jaksa, role=Role.PEJABAT, agency_id=1, profile=ME, validity=WEEK
    )
    assert created.token is not None and created.invitation is not None
    rina = Origin(db, Actor(7000), now + timedelta(hours=1))
    joined = await invitations.redeem_invitation(rina, created.token, ME)
    assert joined.outcome is Redemption.JOINED and joined.agency and joined.agency.id == 1
    person = await db.reader().people.by_telegram_id(7000)
    assert person is not None and person.full_name == "Rina Wati"
    [membership] = await db.reader().people.memberships_of(person.id)
    assert (membership.role, membership.agency_id) == (Role.PEJABAT, 1)
    assert await db.reader().audit.count("invitation.redeemed") == 1

    dodi = Origin(db, Actor(7001), now + timedelta(hours=2))
    second = await invitations.redeem_invitation(dodi, created.token, Profile("Dodi", None))
    assert second.outcome is Redemption.USED
    assert await db.reader().people.by_telegram_id(7001) is None
    assert len(await db.reader().redemption_failures.since(7001, WEEK, dodi.now)) == 1
    [refused] = [
        r
        for r in await db.reader().audit.rows_about([f"invitation:{created.invitation.id}"])
        if r["action"] == "invitation.refused"
    ]
    assert refused["actor_telegram_id"] == 7001


async def test_a_role_already_held_leaves_the_invitation_for_someone_else(
    db: Database, now: datetime
) -> None:
    jaksa = Origin(db, await seed_office(db, now), now)
    first, second = [
        await invitations.create_invitation(
            jaksa, role=Role.PEJABAT, agency_id=1, profile=ME, validity=WEEK
        )
        for _ in range(2)
    ]
    assert first.token and second.token
    rina = Origin(db, Actor(7000), now)
    await invitations.redeem_invitation(rina, first.token, ME)
    again = await invitations.redeem_invitation(Origin(db, Actor(7000), now), second.token, ME)
    assert again.outcome is Redemption.ALREADY
    assert second.invitation is not None
    stored = await db.reader().invitations.by_token_hash(rules.token_hash(second.token))
    assert stored is not None and stored.used_at is None
    assert await db.reader().audit.count("invitation.redeemed") == 1


async def test_a_replayed_update_redeems_nothing_twice(db: Database, now: datetime) -> None:
    jaksa = Origin(db, await seed_office(db, now), now)
    created = await invitations.create_invitation(
        jaksa, role=Role.PEJABAT, agency_id=1, profile=ME, validity=WEEK
    )
    assert created.token is not None
    await invitations.redeem_invitation(
        Origin(db, Actor(7000), now, update_id=42), created.token, ME
    )
    with pytest.raises(DuplicateUpdate):
        await invitations.redeem_invitation(
            Origin(db, Actor(7000), now, update_id=42), created.token, ME
        )
    assert await db.reader().audit.count("invitation.redeemed") == 1
    assert await db.reader().audit.count("invitation.refused") == 0


async def test_expired_malformed_and_unknown_tokens_are_counted_until_locked_out(
    db: Database, now: datetime
) -> None:
    jaksa = Origin(db, await seed_office(db, now), now)
    created = await invitations.create_invitation(
        jaksa, role=Role.PEJABAT, agency_id=1, profile=ME, validity=WEEK
    )
    assert created.token is not None
    later = now + WEEK
    expired = await invitations.redeem_invitation(Origin(db, Actor(7200), later), created.token, ME)
    assert expired.outcome is Redemption.EXPIRED and expired.invitation is not None
    for token, outcome in [("abc", Redemption.MALFORMED), ("B" * 32, Redemption.UNKNOWN)] * 2:
        result = await invitations.redeem_invitation(Origin(db, Actor(7200), later), token, ME)
        assert result.outcome is outcome
    # Five failures within the window: even a good token is not looked at.
    fresh = await invitations.create_invitation(
        Origin(db, jaksa.actor, later), role=Role.PEJABAT, agency_id=1, profile=ME, validity=WEEK
    )
    assert fresh.token is not None
    locked = await invitations.redeem_invitation(Origin(db, Actor(7200), later), fresh.token, ME)
    assert locked.outcome is Redemption.LOCKED and locked.locked_until is not None
    assert await db.reader().people.by_telegram_id(7200) is None
    assert await db.reader().audit.count("invitation.refused") == 6
    window_passed = locked.locked_until + timedelta(seconds=1)
    joined = await invitations.redeem_invitation(
        Origin(db, Actor(7200), window_passed), fresh.token, ME
    )
    assert joined.outcome is Redemption.JOINED


async def test_a_pengawas_invitation_brings_the_site_to_supervise(
    db: Database, now: datetime
) -> None:
    await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=777)
    [site] = await db.reader().sites.all()
    jaksa = await db.reader().people.by_telegram_id(555)
    assert jaksa is not None
    origin = Origin(
        db, Actor(555, jaksa, tuple(await db.reader().people.memberships_of(jaksa.id))), now
    )
    created = await invitations.create_invitation(
        origin,
        role=Role.PENGAWAS,
        agency_id=site.host_agency_id,
        profile=ME,
        validity=WEEK,
        site_id=site.id,
    )
    assert created.outcome is Outcome.CREATED and created.token and created.site == site
    await invitations.redeem_invitation(Origin(db, Actor(7600), now), created.token, ME)
    person = await db.reader().people.by_telegram_id(7600)
    assert person is not None
    assert [s.id for s in await db.reader().sites.supervised_by(person.id)] == [site.id]


async def test_an_offender_is_invited_to_their_own_case_by_its_kejari_only(
    db: Database, now: datetime
) -> None:
    [code] = await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=777)
    jaksa = await db.reader().people.by_telegram_id(555)
    assert jaksa is not None
    mine = Origin(
        db, Actor(555, jaksa, tuple(await db.reader().people.memberships_of(jaksa.id))), now
    )
    stranger = Origin(db, await other_kejari_jaksa(db, now, 666), now)
    refused = await invitations.invite_offender(stranger, code=code, profile=ME, validity=WEEK)
    assert refused.outcome is Outcome.NOT_ALLOWED
    missing = await invitations.invite_offender(
        mine, code="KS-1999-0001", profile=ME, validity=WEEK
    )
    assert missing.outcome is Outcome.NOT_FOUND
    assert await _count(db, "invitations") == 0

    created = await invitations.invite_offender(mine, code=code, profile=ME, validity=WEEK)
    assert created.outcome is Outcome.CREATED and created.token and created.case
    assert created.invitation is not None and created.invitation.role is Role.TERPIDANA
    await invitations.redeem_invitation(Origin(db, Actor(8000), now), created.token, ME)
    offender = await db.reader().people.by_telegram_id(8000)
    case = await db.reader().cases.by_code(code)
    assert offender is not None and case is not None
    assert case.offender_person_id == offender.id
