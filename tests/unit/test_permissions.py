"""The role x action matrix and who may invite whom, as DOMAIN.md and the issue state them."""

from datetime import UTC, datetime

import pytest

from domain.actor import Actor
from domain.authority import may_invite_to, may_revoke
from domain.models import Membership
from domain.permissions import ALLOWED, Action, invitable_roles, may
from domain.roles import Role, parse_role

NOW = datetime(2026, 1, 5, tzinfo=UTC)


def membership(role: Role, agency_id: int = 1, person_id: int = 7, id: int = 1) -> Membership:
    return Membership(id=id, person_id=person_id, agency_id=agency_id, role=role, created_at=NOW)


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


def test_a_jaksa_invites_only_into_their_own_agency() -> None:
    jaksa = Actor(telegram_user_id=1, memberships=(membership(Role.JAKSA, agency_id=3),))
    assert may_invite_to(jaksa, Role.PENGAWAS, 3)
    assert not may_invite_to(jaksa, Role.PENGAWAS, 4)
    assert not may_invite_to(jaksa, Role.JAKSA, 3)
    assert not may_invite_to(jaksa, Role.ADMIN, 3)


def test_a_configured_admin_holds_the_admin_role_without_membership() -> None:
    admin = Actor(telegram_user_id=1, is_config_admin=True)
    assert admin.roles == {Role.ADMIN}
    assert may_invite_to(admin, Role.JAKSA, 99)


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
    assert not may_revoke(admin, own)
    assert may_revoke(admin, membership(Role.PK, person_id=8, id=2))


@pytest.mark.parametrize(
    ("text", "role"), [("pk", Role.PK), (" Jaksa ", Role.JAKSA), ("PENGAWAS", Role.PENGAWAS)]
)
def test_roles_are_read_as_people_type_them(text: str, role: Role) -> None:
    assert parse_role(text) is role


@pytest.mark.parametrize("text", ["", "hakim", "pk;drop", "adm"])
def test_unknown_roles_are_rejected(text: str) -> None:
    assert parse_role(text) is None
