"""People and their roles: whom a viewer may see, and revoking a role with its history kept.

An admin manages everybody, a jaksa the people of their own Kejari (``domain.authority``).
Looking at someone's roles is recorded (UU PDP: who saw whom). A revocation, its audit row
and the notice to the person lose their role together; the caller then shrinks that
person's command menu, which is a Telegram call and no part of the record.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from domain import authority
from domain.actor import Actor
from domain.models import Agency, Membership, Person
from domain.roles import Role
from services import notices
from services.origin import Origin
from storage.repositories import Store
from texts import Localized, Texts

NOTICE_KIND = "notice.membership"


@dataclass(frozen=True)
class Profile:
    """How Telegram names the person writing; their row follows it on each visit."""

    full_name: str
    language_code: str | None


class RoleName(Localized):
    """A role in its reader's language, for a notice queued by someone who may read another."""

    def __init__(self, role: Role) -> None:
        self.role = role

    def in_language(self, lang: str) -> str:
        return Texts(lang).plain(f"role.{self.role.value}")


async def ensure_person(store: Store, origin: Origin, profile: Profile) -> Person:
    """The person writing, created on first contact; for the writes that need their row."""
    return await store.people.ensure(
        telegram_user_id=origin.actor.telegram_user_id,
        full_name=profile.full_name,
        language_code=profile.language_code,
        now=origin.now,
    )


async def register(origin: Origin, profile: Profile) -> Person:
    """A configured admin holds their role without a row; their first ``/start`` writes one."""
    if origin.actor.person is not None:
        return origin.actor.person
    async with origin.transaction() as store:
        person = await ensure_person(store, origin, profile)
        await store.audit.append(action="person.registered", **origin.audit_fields())
    return person


async def stranger_started(origin: Origin) -> None:
    """Someone without an invitation said ``/start``: only the attempt is kept."""
    await origin.audit("start.unregistered")


# -- who sees whom --------------------------------------------------------------------------


def _agencies(actor: Actor) -> set[int] | None:
    managed = authority.managed_agencies(actor)
    return None if managed is None else set(managed)


async def count_visible(store: Store, actor: Actor) -> int:
    """How many people with a role this viewer may list (``/orang``)."""
    return await store.people.count_with_active_membership(_agencies(actor))


async def visible_page(store: Store, actor: Actor, *, offset: int, limit: int) -> list[Person]:
    return await store.people.page_with_active_membership(
        _agencies(actor), offset=offset, limit=limit
    )


@dataclass(frozen=True)
class Card:
    """A person as one viewer may see them; ``person`` is None when there is nobody to show."""

    person: Person | None = None
    memberships: tuple[Membership, ...] = ()
    revocable: tuple[Membership, ...] = ()
    agencies: dict[int, Agency] | None = None


async def view_person(
    origin: Origin, *, person_id: int | None = None, telegram_user_id: int | None = None
) -> Card:
    """The roles of the person named (by row or by Telegram id) that the viewer manages.

    Someone holding no role the viewer manages is "not found", exactly like nobody at all,
    so another Kejari's staff cannot be told apart from a typo. Both are audited.
    """
    async with origin.transaction() as store:
        if person_id is not None:
            person = await store.people.get(person_id)
        elif telegram_user_id is not None:
            person = await store.people.by_telegram_id(telegram_user_id)
        else:
            person = None
        memberships = await store.people.memberships_of(person.id) if person else []
        roles = tuple(m for m in memberships if authority.manages_agency(origin.actor, m.agency_id))
        if person is None or not roles:
            await store.audit.append(action="people.not_found", **origin.audit_fields())
            return Card()
        agencies = await store.agencies.by_ids({m.agency_id for m in roles})
        await store.audit.append(
            action="person.viewed", subject=f"person:{person.id}", **origin.audit_fields()
        )
    revocable = tuple(m for m in roles if authority.may_revoke(origin.actor, m))
    return Card(person, roles, revocable, agencies)


# -- revoking -------------------------------------------------------------------------------


class Outcome(StrEnum):
    OK = "ok"  # may be revoked (asked before), or was revoked (by revoke_membership)
    NOT_FOUND = "not_found"  # no such membership: a forged or garbled button
    NOT_ALLOWED = "not_allowed"  # another Kejari's, a role the viewer may not give, or their own
    ALREADY = "already"


@dataclass(frozen=True)
class Revocation:
    outcome: Outcome
    membership: Membership | None = None
    person: Person | None = None
    agency: Agency | None = None


async def revocation(store: Store, actor: Actor, membership_id: int) -> Revocation:
    """Whether ``actor`` may revoke this membership now, and whose it is: for the question."""
    membership = await store.people.membership(membership_id)
    if membership is None:
        return Revocation(Outcome.NOT_FOUND)
    if not authority.may_revoke(actor, membership):
        return Revocation(Outcome.NOT_ALLOWED, membership)
    if membership.revoked_at is not None:
        return Revocation(Outcome.ALREADY, membership)
    person = await store.people.get(membership.person_id)
    agency = await store.agencies.get(membership.agency_id)
    assert person is not None and agency is not None  # foreign keys
    return Revocation(Outcome.OK, membership, person, agency)


async def revoke_membership(origin: Origin, membership_id: int) -> Revocation:
    """Revoke a role, keeping the row as history, and tell its holder."""
    async with origin.transaction() as store:
        found = await revocation(store, origin.actor, membership_id)
        if found.outcome is not Outcome.OK:
            return found
        membership, person, agency = found.membership, found.person, found.agency
        assert membership is not None and person is not None and agency is not None
        if not await store.people.revoke(membership.id, by=origin.person_id, now=origin.now):
            return Revocation(Outcome.ALREADY, membership)
        await store.audit.append(
            action="membership.revoked",
            subject=f"membership:{membership.id}",
            detail={"person_id": person.id, "role": membership.role.value, "agency_id": agency.id},
            **origin.audit_fields(),
        )
        await notices.tell(
            store,
            person.id,
            key="revoke.notice",
            kind=NOTICE_KIND,
            about=f"revoked:{membership.id}",
            now=origin.now,
            role=RoleName(membership.role),
            agency=agency.name,
        )
    return found


_NIP = re.compile(r"^\d{18}$")


def nip_acceptable(nip: str) -> bool:
    """A civil servant's NIP: 18 digits (birth date, appointment, sex, number)."""
    return bool(_NIP.match(nip))


async def set_nip(origin: Origin, nip: str) -> bool:
    """Each official sets their own NIP, printed under their signature on documents."""
    nip = nip.replace(" ", "").replace(".", "")
    if origin.person_id is None or not nip_acceptable(nip):
        return False
    async with origin.transaction() as store:
        await store.consequences.set_nip(origin.person_id, nip)
        await store.audit.append(
            action="person.nip",
            subject=f"person:{origin.person_id}",
            detail={},
            **origin.audit_fields(),
        )
    return True


async def nip_of(store: Store, person_id: int) -> str | None:
    return await store.consequences.nip_of(person_id)
