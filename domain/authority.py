"""May this actor do this to that record, and which records do they reach: the one answer.

``permissions.py`` says which roles may run an action at all; this module narrows it to
objects: a jaksa manages the cases of their own Kejari, an official oversees their agency
and every one under it, a supervisor records at their own sites, a PK follows their cases,
an offender sees only their own. Everything else (handlers, services, the scheduler, the
CLI) asks here, as a predicate for one record or as the :class:`CaseFilter` the repositories
turn into SQL, so the list a person is shown and the record they may open never disagree.

A :class:`Scope` is built once per request from the actor and two facts from the database
(the agency tree, the sites each agency hosts and each person supervises); the rules here
are pure.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from domain import permissions
from domain.actor import Actor
from domain.agencies import ROLE_HOMES, fits, nearest_first, with_descendants
from domain.models import Agency, Case, Membership
from domain.permissions import INVITABLE, Action
from domain.roles import Role

#: Roles that look at cases from an office, not from a work site or as their offender.
_OFFICE_ROLES = frozenset({Role.ADMIN, Role.JAKSA, Role.PK, Role.PEJABAT})


@dataclass(frozen=True)
class CaseFilter:
    """Which cases a list shows, in the terms a repository can put in a ``WHERE``.

    ``everything`` wins; otherwise a case matches if any one of the others does.
    """

    everything: bool = False
    agency_ids: frozenset[int] = frozenset()
    site_ids: frozenset[int] = frozenset()
    person_id: int | None = None  # the case's PK or its offender


@dataclass(frozen=True)
class Scope:
    actor: Actor
    #: Agencies whose cases this actor reaches from an office: a jaksa's or an official's
    #: own and every agency under them.
    overseen: frozenset[int] = frozenset()
    #: Sites hosted by those agencies: a case worked there is theirs to see too.
    hosted_sites: frozenset[int] = frozenset()
    #: Sites where this actor is the on-site supervisor.
    supervised_sites: frozenset[int] = frozenset()

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.actor.roles

    @property
    def person_id(self) -> int | None:
        return self.actor.person.id if self.actor.person else None


def may(actor: Actor, action: Action) -> bool:
    """The role table's answer for this actor: may they run ``action`` at all."""
    return permissions.may(actor.roles, action)


def invitable_roles(actor: Actor) -> frozenset[Role]:
    """The roles this actor may hand out an invitation for (in some agency of theirs)."""
    return permissions.invitable_roles(actor.roles)


def overseeing_roots(actor: Actor) -> frozenset[int]:
    """The agencies an actor oversees from an office, before their descendants are added."""
    return actor.agencies_as(Role.JAKSA) | actor.agencies_as(Role.PEJABAT)


def scope_for(
    actor: Actor,
    *,
    parents: Mapping[int, int | None],
    hosts: Mapping[int, int],
    supervised: Iterable[int],
) -> Scope:
    """``parents``: agency id to parent id; ``hosts``: site id to host agency id."""
    overseen = frozenset(with_descendants(dict(parents), overseeing_roots(actor)))
    return Scope(
        actor=actor,
        overseen=overseen,
        hosted_sites=frozenset(site for site, host in hosts.items() if host in overseen),
        supervised_sites=frozenset(supervised) if Role.PENGAWAS in actor.roles else frozenset(),
    )


# -- cases ----------------------------------------------------------------------------------


def manages_case(actor: Actor, case: Case) -> bool:
    """Rule on its absences, move its sessions, correct its record: an admin, or a jaksa of
    the Kejari that executes it."""
    return manages_agency(actor, case.agency_id)


def sees_case(scope: Scope, case: Case) -> bool:
    if scope.is_admin or case.agency_id in scope.overseen or case.site_id in scope.hosted_sites:
        return True
    person = scope.person_id
    if person is not None and person in (case.pk_person_id, case.offender_person_id):
        return True
    return case.site_id in scope.supervised_sites


def case_filter(scope: Scope) -> CaseFilter:
    """:func:`sees_case` as a filter: the same cases, found by the database."""
    if scope.is_admin:
        return CaseFilter(everything=True)
    return CaseFilter(
        agency_ids=scope.overseen,
        site_ids=scope.hosted_sites | scope.supervised_sites,
        person_id=scope.person_id,
    )


def records_at(scope: Scope, site_id: int) -> bool:
    """Check-in, check-out and absences are signed by the site's own supervisor."""
    return site_id in scope.supervised_sites


def follows_from_office(actor: Actor) -> bool:
    """Whether the actor's schedule is a list of cases (staff) rather than a site's week or
    their own sentence."""
    return bool(actor.roles & _OFFICE_ROLES)


def lists_every_site(actor: Actor) -> bool:
    """Staff see every work site (to plan a case there); a supervisor sees their own."""
    return follows_from_office(actor)


def supervises(actor: Actor) -> bool:
    return Role.PENGAWAS in actor.roles


def serves_sentence(actor: Actor) -> bool:
    return Role.TERPIDANA in actor.roles


# -- agencies and people --------------------------------------------------------------------


def manages_agency(actor: Actor, agency_id: int) -> bool:
    """An admin anywhere, a jaksa in their own Kejari."""
    return Role.ADMIN in actor.roles or agency_id in actor.agencies_as(Role.JAKSA)


def managed_agencies(actor: Actor) -> frozenset[int] | None:
    """The agencies whose people and prosecutors this actor manages; None for all of them."""
    if Role.ADMIN in actor.roles:
        return None
    return actor.agencies_as(Role.JAKSA)


def reported_agencies(scope: Scope) -> frozenset[int] | None:
    """The agencies a report or a digest asked for in private covers; None for all."""
    return None if scope.is_admin else scope.overseen


#: Roles a jaksa brings in beyond their own office: a Bapas and the local governments that
#: host the sites are no Kejari's, so a jaksa invites a PK into any Bapas and a pengawas
#: for any site (into its host), as any PK may follow any of their cases at any site.
_BEYOND_OWN_OFFICE = frozenset({Role.PK, Role.PENGAWAS})


def may_invite_to(actor: Actor, target: Role, agency: Agency) -> bool:
    """Whether ``actor`` may invite a ``target`` into ``agency``. The agency must be of a kind
    the role belongs in (``domain.agencies.ROLE_HOMES``), for everybody; then an admin
    invites anyone anywhere, a jaksa the roles they may give: a PK into a Bapas, a pengawas
    into a site's host, an official or an offender into their own office."""
    if not fits(target, agency.type):
        return False
    if Role.ADMIN in actor.roles:
        return True
    offices = actor.agencies_as(Role.JAKSA)
    if target not in INVITABLE[Role.JAKSA] or not offices:
        return False
    return target in _BEYOND_OWN_OFFICE or agency.id in offices


def invitation_fits(target: Role, agency: Agency) -> bool:
    """The first half of :func:`may_invite_to`, asked alone to word its refusal."""
    return fits(target, agency.type)


def invitation_order(
    actor: Actor, target: Role, agencies: Iterable[Agency], parents: Mapping[int, int | None]
) -> list[Agency]:
    """The agencies ``actor`` may invite a ``target`` into, nearest first: their own, then
    those under them, then the others of a kind that fits."""
    allowed = {a.id: a for a in agencies if may_invite_to(actor, target, a)}
    own = {m.agency_id for m in actor.memberships if m.active}
    order = nearest_first(target, ((a.id, a.type, a.name) for a in allowed.values()), parents, own)
    return [allowed[i] for i in order]


def sees_member(actor: Actor, membership: Membership, agency: Agency) -> bool:
    """``/orang`` and a person's card: an admin sees everybody; a jaksa the people of their
    own office, and the PKs and pengawas (wherever they work) whom they may bring in."""
    if Role.ADMIN in actor.roles:
        return True
    offices = actor.agencies_as(Role.JAKSA)
    if not offices:
        return False
    if agency.id in offices:
        return True
    return membership.role in _BEYOND_OWN_OFFICE and fits(membership.role, agency.type)


def is_staff(role: Role) -> bool:
    """Everyone but the offenders works in an office or at a site: ``/orang`` lists them apart."""
    return role is not Role.TERPIDANA


def people_order(
    actor: Actor, agencies: Iterable[Agency], parents: Mapping[int, int | None]
) -> list[int]:
    """Agency ids as ``/orang`` groups people: the viewer's own agencies, those under them,
    then the others by kind (prosecutors, Bapas, local governments) and name."""
    own = {m.agency_id for m in actor.memberships if m.active}
    return nearest_first(Role.ADMIN, ((a.id, a.type, a.name) for a in agencies), parents, own)


def may_revoke(actor: Actor, membership: Membership, agency: Agency) -> bool:
    """An admin takes back any role but their own; a jaksa the roles they give, held in their
    own office (a PK registered there by mistake too). A PK's Bapas and a pengawas's local
    government are no Kejari's: any jaksa may bring one in, so only an admin takes them out,
    and a jaksa of another Kejari cannot."""
    if actor.person is not None and membership.person_id == actor.person.id:
        return False  # nobody revokes themselves: it would lock the Kejari out by mistake
    if Role.ADMIN in actor.roles:
        return True
    return membership.role in INVITABLE[Role.JAKSA] and agency.id in actor.agencies_as(Role.JAKSA)


def misfits(memberships: Iterable[Membership], agencies: Mapping[int, Agency]) -> list[Membership]:
    """Active memberships in an agency of a kind their role does not belong in, for the
    operator to put right (``kerjasosial check``); nothing changes them by itself."""
    return [
        m
        for m in memberships
        if m.active and m.agency_id in agencies and not fits(m.role, agencies[m.agency_id].type)
    ]


def home_kinds(role: Role) -> tuple[str, ...]:
    """The kinds of agency ``role`` belongs in, as stored (``kejari``, ``bapas``…)."""
    return tuple(t.value for t in ROLE_HOMES[role])


def holds(memberships: Iterable[Membership], role: Role) -> bool:
    """Whether any of these active memberships is ``role`` (the PK a case names, say)."""
    return any(m.role is role and m.active for m in memberships)


def is_offender_of(actor: Actor, case: Case) -> bool:
    """An offender asks leave for, and answers the reminders of, their own sentence only."""
    return actor.person is not None and actor.person.id == case.offender_person_id


def may_link_group(scope: Scope, agency_id: int) -> bool:
    """A linked group is sent that agency's digest: whoever may read its report links it."""
    reported = reported_agencies(scope)
    return reported is None or agency_id in reported


def is_pk_in(actor: Actor, agency_ids: Iterable[int]) -> bool:
    """A PK of one of these agencies (the Bapas): who may take a case a jaksa asked for."""
    return bool(actor.agencies_as(Role.PK) & frozenset(agency_ids))
