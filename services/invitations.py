"""Invitations: the one way in, a deep link that grants one role, once.

Creating one asks ``domain.authority`` whether the inviter may give that role in that
agency. Redeeming one claims it, grants the role (and the site to supervise or the case to
follow that it names) and writes the audit row in one transaction, so two people pressing
the same link cannot both join. Every failed redemption is counted in that transaction too:
too many lock the user out for a while.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain import authority
from domain import invitations as rules
from domain.actor import Actor
from domain.invitations import Redeemability
from domain.models import Agency, Case, Invitation, Site
from domain.roles import Role
from services.origin import Origin
from services.people import Profile, ensure_person
from storage.repositories import Store


class Outcome(StrEnum):
    CREATED = "created"
    NOT_ALLOWED = "not_allowed"  # not this role, or not in this agency
    NOT_FOUND = "not_found"  # the agency, site or case named does not exist (a stale button)


@dataclass(frozen=True)
class Created:
    outcome: Outcome
    token: str | None = None  # shown once, in the link; only its hash is stored
    invitation: Invitation | None = None
    agency: Agency | None = None
    site: Site | None = None
    case: Case | None = None


async def invitable_agencies(store: Store, actor: Actor, role: Role) -> list[Agency]:
    """The agencies ``actor`` may invite a ``role`` into, for the choice buttons: only those
    of a kind the role belongs in, nearest first (``authority.invitation_order``)."""
    agencies = await store.agencies.all()
    parents = {a.id: a.parent_id for a in agencies}
    return authority.invitation_order(actor, role, agencies, parents)


async def invitable_sites(store: Store, actor: Actor) -> list[tuple[Site, Agency]]:
    """The sites ``actor`` may invite a pengawas for, each with its host agency (where the
    pengawas's role will be), in the order of the hosts, then by name."""
    hosts = {a.id: n for n, a in enumerate(await invitable_agencies(store, actor, Role.PENGAWAS))}
    agencies = {a.id: a for a in await store.agencies.all()}
    sites = [s for s in await store.sites.all() if s.host_agency_id in hosts]
    sites.sort(key=lambda s: (hosts[s.host_agency_id], s.name.casefold(), s.id))
    return [(s, agencies[s.host_agency_id]) for s in sites]


async def create_invitation(
    origin: Origin,
    *,
    role: Role,
    agency_id: int,
    profile: Profile,
    validity: timedelta,
    site_id: int | None = None,
) -> Created:
    """An invitation to ``role`` in the agency; a pengawas's names the site they supervise,
    and is for the site's host agency, where the supervisor works."""
    async with origin.transaction() as store:
        agency = await store.agencies.get(agency_id)
        site = await store.sites.get(site_id) if site_id is not None else None
        if agency is None or (site_id is not None and site is None):
            return Created(Outcome.NOT_FOUND)
        if rules.names_a_site(role) and (site is None or site.host_agency_id != agency.id):
            return Created(Outcome.NOT_FOUND)  # a site, and its own host, or nothing
        if not authority.may_invite_to(origin.actor, role, agency):
            return Created(Outcome.NOT_ALLOWED, agency=agency)
        return await _create(store, origin, role, agency, profile, validity, site=site)


async def invite_offender(
    origin: Origin, *, code: str, profile: Profile, validity: timedelta
) -> Created:
    """A new link for the offender of an existing case: an imported one, or when the first
    link expired. Another Kejari's case is NOT_ALLOWED, which callers word as not found."""
    async with origin.transaction() as store:
        case = await store.cases.by_code(code)
        if case is None:
            return Created(Outcome.NOT_FOUND)
        agency = await store.agencies.get(case.agency_id)
        assert agency is not None  # foreign key
        if not authority.may_invite_to(origin.actor, Role.TERPIDANA, agency):
            return Created(Outcome.NOT_ALLOWED, case=case)
        return await _create(store, origin, Role.TERPIDANA, agency, profile, validity, case=case)


async def _create(
    store: Store,
    origin: Origin,
    role: Role,
    agency: Agency,
    profile: Profile,
    validity: timedelta,
    *,
    site: Site | None = None,
    case: Case | None = None,
) -> Created:
    token = rules.new_token()
    # A configured admin may invite before they ever said /start: the row names its creator.
    inviter = origin.actor.person or await ensure_person(store, origin, profile)
    invitation = await store.invitations.add(
        token_hash=rules.token_hash(token),
        role=role,
        agency_id=agency.id,
        created_by=inviter.id,
        now=origin.now,
        expires_at=origin.now + validity,
        site_id=site.id if site else None,
        case_id=case.id if case else None,
    )
    await store.audit.append(
        action="invitation.created",
        subject=f"invitation:{invitation.id}",
        detail={"role": role.value, "agency_id": agency.id, "site_id": invitation.site_id},
        **(origin.audit_fields() | {"actor_person_id": inviter.id}),
    )
    return Created(Outcome.CREATED, token, invitation, agency, site, case)


# -- redeeming ------------------------------------------------------------------------------


class Redemption(StrEnum):
    """What came of a ``/start <token>``; the values name the reply's text (``redeem.<value>``)."""

    JOINED = "ok"
    ALREADY = "already"  # the role is held already; the invitation stays unused for another
    LOCKED = "locked"  # too many failures lately: not even looked at
    MALFORMED = Redeemability.MALFORMED.value
    UNKNOWN = Redeemability.UNKNOWN.value
    EXPIRED = Redeemability.EXPIRED.value
    USED = Redeemability.USED.value


@dataclass(frozen=True)
class Redeemed:
    outcome: Redemption
    invitation: Invitation | None = None
    agency: Agency | None = None
    locked_until: datetime | None = None


async def redeem_invitation(origin: Origin, token: str, profile: Profile) -> Redeemed:
    """Join with the invitation ``token`` names, as the person writing."""
    telegram_id = origin.actor.telegram_user_id
    async with origin.transaction() as store:
        failures = await store.redemption_failures.since(
            telegram_id, rules.FAILED_REDEMPTION_WINDOW, origin.now
        )
        until = rules.locked_out_until(failures, origin.now)
        if until is not None:
            await store.audit.append(
                action="invitation.refused",
                detail={"reason": Redemption.LOCKED.value},
                **origin.audit_fields(),
            )
            return Redeemed(Redemption.LOCKED, locked_until=until)
        invitation = None
        if rules.is_well_formed(token):
            invitation = await store.invitations.by_token_hash(rules.token_hash(token))
            found = rules.redeemability(invitation, origin.now)
        else:
            found = Redeemability.MALFORMED
        if found is not Redeemability.OK or invitation is None:
            return await _refused(store, origin, Redemption(found.value), invitation)
        agency = await store.agencies.get(invitation.agency_id)
        assert agency is not None  # foreign key
        person = await ensure_person(store, origin, profile)
        held = {(m.agency_id, m.role) for m in await store.people.memberships_of(person.id)}
        # Holding the role already makes the invitation pointless, unless it brings a site
        # to supervise or a case to follow.
        if (
            (invitation.agency_id, invitation.role) in held
            and invitation.site_id is None
            and invitation.case_id is None
        ):
            return Redeemed(Redemption.ALREADY, invitation, agency)
        if not await store.invitations.mark_used(invitation.id, by=person.id, now=origin.now):
            return await _refused(store, origin, Redemption.USED, invitation)
        await store.people.add_membership(
            person_id=person.id,
            agency_id=invitation.agency_id,
            role=invitation.role,
            invitation_id=invitation.id,
            now=origin.now,
        )
        if invitation.site_id is not None:
            await store.sites.add_supervisor(invitation.site_id, person.id, origin.now)
        if invitation.case_id is not None:
            await store.cases.link_offender(invitation.case_id, person.id)
        await store.audit.append(
            action="invitation.redeemed",
            subject=f"invitation:{invitation.id}",
            detail={"role": invitation.role.value, "agency_id": agency.id},
            **(origin.audit_fields() | {"actor_person_id": person.id}),
        )
    return Redeemed(Redemption.JOINED, invitation, agency)


async def _refused(
    store: Store, origin: Origin, outcome: Redemption, invitation: Invitation | None
) -> Redeemed:
    await store.redemption_failures.add(origin.actor.telegram_user_id, origin.now)
    await store.audit.append(
        action="invitation.refused",
        subject=f"invitation:{invitation.id}" if invitation else None,
        detail={"reason": outcome.value},
        **origin.audit_fields(),
    )
    return Redeemed(outcome, invitation)
