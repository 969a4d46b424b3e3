"""Registering a work site, and which sites a person is shown.

A site is offered by a local government (Pemprov, Pemkab, Pemkot or one of their dinas) and
is saved only with the declaration that the work there is not commercial and does not
degrade human dignity (Pasal 85(3) and the cooperation agreement). The form asks for each
answer in turn; this checks them all again, in the transaction that saves them, because the
form may have stood open while someone else registered the same name.
"""

from dataclasses import dataclass
from enum import StrEnum

from domain import authority
from domain import sites as rules
from domain.actor import Actor
from domain.agencies import HOST_TYPES as _HOSTS
from domain.cases import Problem
from domain.models import Agency, Site
from domain.permissions import Action
from domain.sites import SiteDraft
from services.origin import Origin
from storage.repositories import Store

#: The agencies that may host a site: a local government or one of its offices.
HOST_TYPES = frozenset(_HOSTS)


class Outcome(StrEnum):
    SAVED = "saved"
    REFUSED = "refused"  # the actor may not register sites
    INVALID = "invalid"  # see ``problems``
    NOT_A_HOST = "not_a_host"  # no such agency, or one that cannot host a site
    NAME_TAKEN = "name_taken"


@dataclass(frozen=True)
class Created:
    outcome: Outcome
    site: Site | None = None
    problems: tuple[Problem, ...] = ()


async def host_agencies(store: Store) -> list[Agency]:
    """The agencies a new site may be hosted by, in name order."""
    return [a for a in await store.agencies.all() if a.type in HOST_TYPES]


async def visible_sites(store: Store, actor: Actor) -> list[Site]:
    """What ``/lokasi`` lists: every site for staff, their own for a supervisor."""
    if authority.lists_every_site(actor):
        return await store.sites.all()
    if actor.person is None:
        return []
    return await store.sites.supervised_by(actor.person.id)


async def create_site(origin: Origin, draft: SiteDraft) -> Created:
    """Save the site and its audit row, which records who made the declaration."""
    if not authority.may(origin.actor, Action.NEW_SITE):
        return Created(Outcome.REFUSED)
    problems = tuple(rules.check_site(draft))
    if problems:
        return Created(Outcome.INVALID, problems=problems)
    async with origin.transaction() as store:
        host = await store.agencies.get(draft.host_agency_id)
        if host is None or host.type not in HOST_TYPES:
            return Created(Outcome.NOT_A_HOST)
        if await store.sites.by_name(draft.name) is not None:
            return Created(Outcome.NAME_TAKEN)
        site = await store.sites.add(draft, declared_by=origin.person_id, now=origin.now)
        await store.audit.append(
            action="site.created",
            subject=f"site:{site.id}",
            detail={"host_agency_id": site.host_agency_id, "non_commercial_declared": True},
            **origin.audit_fields(),
        )
    return Created(Outcome.SAVED, site=site)
