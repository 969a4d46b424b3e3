"""The role x action matrix and who may invite whom, as DOMAIN.md and the issue state them."""

from datetime import UTC, datetime

import pytest

from domain.actor import Actor
from domain.authority import invitation_order, may_invite_to, may_revoke, misfits, sees_member
from domain.models import Agency, Membership
from domain.permissions import ALLOWED, Action, invitable_roles, may
from domain.roles import AgencyType, Role, parse_role

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def membership(role: Role, agency_id: int = 1, person_id: int = 7, id: int = 1) -> Membership:
    return Membership(id=id, person_id=person_id, agency_id=agency_id, role=role, created_at=NOW)


def agency(id: int, type: AgencyType, name: str = "", parent_id: int | None = None) -> Agency:
    return Agency(
        id=id,
        type=type,
        name=name or f"{type.value} {id}",
        parent_id=parent_id,
        timezone="Asia/Makassar",
        created_at=NOW,
    )


KEJATI = agency(1, AgencyType.KEJATI, "Kejati Kaltim")
KEJARI = agency(3, AgencyType.KEJARI, "Kejari Samarinda", parent_id=1)
OTHER_KEJARI = agency(4, AgencyType.KEJARI, "Kejari Balikpapan", parent_id=1)
BAPAS = agency(5, AgencyType.BAPAS, "Bapas Samarinda")
PEMKOT = agency(6, AgencyType.PEMKOT, "Pemkot Samarinda")
DINAS = agency(7, AgencyType.DINAS, "Dinas Lingkungan Hidup", parent_id=6)
ALL = [KEJATI, KEJARI, OTHER_KEJARI, BAPAS, PEMKOT, DINAS]
PARENTS = {a.id: a.parent_id for a in ALL}


def test_every_action_is_in_the_table() -> None:
    assert set(ALLOWED) == set(Action)


@pytest.mark.parametrize("role", list(Role))
def test_only_admins_register_agencies(role: Role) -> None:
    assert may({role}, Action.NEW_AGENCY) is (role is Role.ADMIN)


@pytest.mark.parametrize("role", list(Role))
def test_only_admin_and_jaksa_invite_and_list_people(role: Role) -> None:
    expected = role in (Role.ADMIN, Role.JAKSA)
    assert may({role}, Action.INVITE) is expected
    assert may({role}, Action.LIST_PEOPLE) is expected
    assert may({role}, Action.REVOKE) is expected


def test_nobody_without_a_role_may_do_anything() -> None:
    assert not any(may(set(), action) for action in Action)


def test_a_jaksa_invites_the_people_around_a_case_but_not_colleagues() -> None:
    assert invitable_roles({Role.JAKSA}) == {Role.PK, Role.PENGAWAS, Role.PEJABAT, Role.TERPIDANA}
    assert invitable_roles({Role.ADMIN}) == set(Role)
    assert invitable_roles({Role.PK, Role.TERPIDANA}) == set()


def test_a_jaksa_invites_each_role_where_it_belongs() -> None:
    jaksa = Actor(telegram_user_id=1, memberships=(membership(Role.JAKSA, agency_id=3),))
    # A PK into a Bapas (no Kejari's), never into the Kejari.
    assert may_invite_to(jaksa, Role.PK, BAPAS)
    assert not may_invite_to(jaksa, Role.PK, KEJARI)
    # A pengawas into a local government or dinas (a site's host), never into the Kejari.
    assert may_invite_to(jaksa, Role.PENGAWAS, PEMKOT) and may_invite_to(
        jaksa, Role.PENGAWAS, DINAS
    )
    assert not may_invite_to(jaksa, Role.PENGAWAS, KEJARI)
    # Officials and offenders into their own office only.
    assert may_invite_to(jaksa, Role.PEJABAT, KEJARI)
    assert not may_invite_to(jaksa, Role.PEJABAT, OTHER_KEJARI)
    assert may_invite_to(jaksa, Role.TERPIDANA, KEJARI)
    assert not may_invite_to(jaksa, Role.TERPIDANA, BAPAS)
    assert not may_invite_to(jaksa, Role.JAKSA, KEJARI)
    assert not may_invite_to(jaksa, Role.ADMIN, KEJARI)


def test_a_configured_admin_holds_the_admin_role_without_membership() -> None:
    admin = Actor(telegram_user_id=1, is_config_admin=True)
    assert admin.roles == {Role.ADMIN}
    assert may_invite_to(admin, Role.JAKSA, OTHER_KEJARI)
    # Even an admin invites a role only where it fits: a jaksa in a Kejari or a Kejati.
    for wrong in (BAPAS, PEMKOT, DINAS):
        assert not may_invite_to(admin, Role.JAKSA, wrong)
    assert [a.name for a in invitation_order(admin, Role.JAKSA, ALL, PARENTS)] == [
        "Kejari Balikpapan",
        "Kejari Samarinda",
        "Kejati Kaltim",
    ]
    assert [a.name for a in invitation_order(admin, Role.PK, ALL, PARENTS)] == ["Bapas Samarinda"]


def test_agencies_are_offered_nearest_first() -> None:
    """The inviter's own agency, then those under it, then the others that fit."""
    official = Actor(
        telegram_user_id=2,
        memberships=(membership(Role.ADMIN, agency_id=6), membership(Role.JAKSA, agency_id=3)),
    )
    assert [a.name for a in invitation_order(official, Role.PEJABAT, ALL, PARENTS)][:3] == [
        "Kejari Samarinda",
        "Pemkot Samarinda",
        "Dinas Lingkungan Hidup",
    ]


def test_a_jaksa_sees_the_pk_and_pengawas_they_bring_in_and_an_admin_revokes_them() -> None:
    jaksa = Actor(telegram_user_id=1, memberships=(membership(Role.JAKSA, agency_id=3),))
    pk = membership(Role.PK, agency_id=BAPAS.id, person_id=8, id=2)
    pejabat_elsewhere = membership(Role.PEJABAT, agency_id=PEMKOT.id, person_id=9, id=3)
    misfit_pk = membership(Role.PK, agency_id=KEJARI.id, person_id=10, id=4)
    assert sees_member(jaksa, pk, BAPAS) and not may_revoke(jaksa, pk, BAPAS)
    assert not sees_member(jaksa, pejabat_elsewhere, PEMKOT)
    assert not may_revoke(jaksa, pejabat_elsewhere, PEMKOT)
    # A PK left in the Kejari from before is still the Kejari's to take back.
    assert sees_member(jaksa, misfit_pk, KEJARI) and may_revoke(jaksa, misfit_pk, KEJARI)


def test_roles_in_the_wrong_kind_of_agency_are_found() -> None:
    agencies = {a.id: a for a in ALL}
    held = [
        membership(Role.PK, agency_id=KEJARI.id, id=1),
        membership(Role.PENGAWAS, agency_id=KEJARI.id, id=2),
        membership(Role.PK, agency_id=BAPAS.id, id=3),
        membership(Role.PENGAWAS, agency_id=DINAS.id, id=4),
        membership(Role.PEJABAT, agency_id=BAPAS.id, id=5),
        membership(Role.JAKSA, agency_id=KEJATI.id, id=6),
    ]
    assert [m.id for m in misfits(held, agencies)] == [1, 2]


def test_revoked_memberships_grant_nothing() -> None:
    revoked = membership(Role.JAKSA).model_copy(update={"revoked_at": NOW})
    actor = Actor(telegram_user_id=1, memberships=(revoked,))
    assert not actor.registered
    assert not may(actor.roles, Action.INVITE)


def test_nobody_revokes_their_own_role() -> None:
    own = membership(Role.ADMIN, person_id=7)
    from domain.models import Person

    admin = Actor(
        telegram_user_id=1,
        person=Person(id=7, telegram_user_id=1, full_name="A", language_code=None, created_at=NOW),
        memberships=(own,),
    )
    assert not may_revoke(admin, own, KEJARI)
    assert may_revoke(admin, membership(Role.PK, agency_id=5, person_id=8, id=2), BAPAS)


@pytest.mark.parametrize(
    ("text", "role"), [("pk", Role.PK), (" Jaksa ", Role.JAKSA), ("PENGAWAS", Role.PENGAWAS)]
)
def test_roles_are_read_as_people_type_them(text: str, role: Role) -> None:
    assert parse_role(text) is role


@pytest.mark.parametrize("text", ["", "hakim", "pk;drop", "adm"])
def test_unknown_roles_are_rejected(text: str) -> None:
    assert parse_role(text) is None
