"""People and their roles: whom a viewer may see, and revoking a role with its history kept.

An admin manages everybody; a jaksa the people of their own Kejari and the PKs and pengawas
they bring in (``domain.authority``).
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


@dataclass(frozen=True)
class Entry:
    """One role of one person in one agency, as ``/orang`` lists it."""

    person: Person
    membership: Membership
    agency: Agency

    @property
    def staff(self) -> bool:
        return authority.is_staff(self.membership.role)


async def visible_entries(store: Store, actor: Actor) -> list[Entry]:
    """Everyone's roles this viewer may see (``/orang``), staff first, then the offenders;
    each grouped by agency (the viewer's own first) and role, then by name."""
    agencies = {a.id: a for a in await store.agencies.all()}
    persons = {
        p.id: p for p in await store.people.page_with_active_membership(None, offset=0, limit=-1)
    }
    entries = []
    for role in Role:
        for m in await store.people.active_memberships(role=role, agency_ids=None):
            agency, person = agencies.get(m.agency_id), persons.get(m.person_id)
            if (
                agency is not None
                and person is not None
                and authority.sees_member(actor, m, agency)
            ):
                entries.append(Entry(person, m, agency))
    parents = {a.id: a.parent_id for a in agencies.values()}
    own = authority.people_order(actor, list(agencies.values()), parents)
    rank = {agency_id: n for n, agency_id in enumerate(own)}
    roles = list(Role)
    return sorted(
        entries,
        key=lambda e: (
            not e.staff,
            rank.get(e.agency.id, len(rank)),
            e.agency.name.casefold(),
            roles.index(e.membership.role),
            e.person.full_name.casefold(),
            e.person.id,
        ),
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
    """The roles of the person named (by row or by Telegram id) that the viewer may see.

    Someone holding no role the viewer may see is "not found", exactly like nobody at all,
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
        agencies = await store.agencies.by_ids({m.agency_id for m in memberships})
        roles = tuple(
            m
            for m in memberships
            if m.agency_id in agencies
            and authority.sees_member(origin.actor, m, agencies[m.agency_id])
        )
        if person is None or not roles:
            await store.audit.append(action="people.not_found", **origin.audit_fields())
            return Card()
        await store.audit.append(
            action="person.viewed", subject=f"person:{person.id}", **origin.audit_fields()
        )
    revocable = tuple(
        m for m in roles if authority.may_revoke(origin.actor, m, agencies[m.agency_id])
    )
    return Card(person, roles, revocable, {m.agency_id: agencies[m.agency_id] for m in roles})


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
    agency = await store.agencies.get(membership.agency_id)
    assert agency is not None  # foreign key
    if not authority.may_revoke(actor, membership, agency):
        return Revocation(Outcome.NOT_ALLOWED, membership)
    if membership.revoked_at is not None:
        return Revocation(Outcome.ALREADY, membership)
    person = await store.people.get(membership.person_id)
    assert person is not None  # foreign key
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


# -- memberships that do not fit their agency ----------------------------------------------


@dataclass(frozen=True)
class Misfit:
    """An active role held in an agency of the wrong kind (a PK in a Kejari, a pengawas
    registered in the Kejari that invited them), as ``kerjasosial check`` lists it."""

    membership: Membership
    person: Person
    agency: Agency
    fits_in: tuple[str, ...]  # the kinds of agency the role belongs in


async def misfits(store: Store) -> list[Misfit]:
    """Every active membership whose agency does not fit its role; nothing is changed: the
    operator revokes it and invites the person again where they belong."""
    agencies = {a.id: a for a in await store.agencies.all()}
    memberships = [
        m
        for role in Role
        for m in await store.people.active_memberships(role=role, agency_ids=None)
    ]
    found = []
    for m in sorted(authority.misfits(memberships, agencies), key=lambda m: m.id):
        person = await store.people.get(m.person_id)
        assert person is not None  # foreign key
        found.append(Misfit(m, person, agencies[m.agency_id], authority.home_kinds(m.role)))
    return found
