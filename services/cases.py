"""Cases: creating one (the case, its planned sessions and the offender's invitation,
together), choosing the jaksa who answers for it, and opening one to read.

Which cases a person sees is :func:`domain.authority.sees_case`; :func:`visible_cases` and
:func:`open_case` both ask it, so the list ``/jadwal`` shows and the record ``/jadwal KS-…``
or ``/laporan KS-…`` opens never disagree.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from domain import authority
from domain import invitations as invitation_rules
from domain.actor import Actor
from domain.cases import CaseDraft, Problem, check_draft
from domain.models import Agency, Case, Membership, Person
from domain.roles import Role
from domain.schedule import Plan
from services.origin import Origin
from services.scheduling import plan_and_store
from services.scope import scope_of
from storage.repositories import Store


@dataclass(frozen=True)
class CreatedCase:
    case: Case
    plan: Plan
    agency: Agency
    invitation_token: str | None  # None when the offender is to be invited later


async def create_case(
    store: Store,
    draft: CaseDraft,
    *,
    agency_id: int,
    created_by: int | None,
    now: datetime,
    invitation_validity: timedelta,
    audit: dict[str, Any],
    invite_offender: bool = True,
) -> CreatedCase | None:
    """Store the case, plan it and invite its offender; None if the decision is already a case.

    Must run inside the caller's transaction: if anything fails, none of it is kept. The
    conversation (:func:`new_case`) and the spreadsheet import both build on it.
    """
    if await store.cases.by_decision_number(draft.decision_number) is not None:
        return None
    site = await store.sites.get(draft.site_id)
    agency = await store.agencies.get(agency_id)
    assert site is not None and agency is not None
    code = await store.cases.next_code(now.year)
    case = await store.cases.add(
        draft, agency_id=agency_id, code=code, created_by=created_by, now=now
    )
    plan = await plan_and_store(store, case, site, now=now)
    if draft.phone is not None:
        # No Telegram: the number goes apart from the case (services/calls.py), and there
        # is no chat to invite.
        await store.phones.set_phone(case.id, draft.phone, by=created_by, now=now)
        invite_offender = False
    token = invitation_id = None
    if invite_offender:
        token = invitation_rules.new_token()
        invitation = await store.invitations.add(
            token_hash=invitation_rules.token_hash(token),
            role=Role.TERPIDANA,
            agency_id=agency_id,
            created_by=created_by if created_by is not None else draft.jaksa_person_id,
            now=now,
            expires_at=now + invitation_validity,
            case_id=case.id,
        )
        invitation_id = invitation.id
    await store.audit.append(
        action="case.created",
        subject=f"case:{case.id}",
        detail={
            "code": case.code,
            "site_id": site.id,
            "sessions": len(plan.sessions),
            "shortfall_minutes": plan.shortfall_minutes,
            "invitation_id": invitation_id,
            "without_telegram": draft.phone is not None,
        },
        **audit,
    )
    return CreatedCase(case=case, plan=plan, agency=agency, invitation_token=token)


# -- the jaksa who answers for a new case ---------------------------------------------------


@dataclass(frozen=True)
class JaksaOption:
    membership: Membership
    person: Person
    agency: Agency
    is_me: bool


async def jaksa_options(store: Store, actor: Actor) -> list[JaksaOption]:
    """The jaksa this actor may make responsible: self and colleagues of the Kejari they
    manage; anyone, for an admin."""
    managed = authority.managed_agencies(actor)
    options = []
    for membership in await store.people.active_memberships(
        role=Role.JAKSA, agency_ids=None if managed is None else set(managed)
    ):
        person = await store.people.get(membership.person_id)
        agency = await store.agencies.get(membership.agency_id)
        if person is None or agency is None:
            continue
        is_me = actor.person is not None and person.id == actor.person.id
        options.append(JaksaOption(membership, person, agency, is_me))
    return options


def default_jaksa(actor: Actor, options: list[JaksaOption]) -> Membership | None:
    """A jaksa of one office answers for the cases they enter, so nothing need be asked;
    whoever manages every office (an admin) always chooses."""
    if authority.managed_agencies(actor) is None:
        return None
    mine = [o.membership for o in options if o.is_me]
    return mine[0] if len(mine) == 1 else None


async def pk_options(store: Store) -> list[Person]:
    """Every PK, once each: a Bapas is no Kejari's, and any of its PK may follow any case."""
    people: dict[int, Person] = {}
    for membership in await store.people.active_memberships(role=Role.PK, agency_ids=None):
        person = await store.people.get(membership.person_id)
        if person is not None:
            people.setdefault(person.id, person)
    return list(people.values())


# -- creating a case from the conversation --------------------------------------------------


class Outcome(StrEnum):
    CREATED = "created"
    INVALID = "invalid"  # the draft breaks a rule: see ``problems``
    DECISION_EXISTS = "decision_exists"
    #: Someone chosen during the conversation no longer holds the role (a revoked jaksa or
    #: PK), or the jaksa is outside the actor's Kejari (a forged button).
    STALE = "stale"


@dataclass(frozen=True)
class NewCase:
    outcome: Outcome
    created: CreatedCase | None = None
    problems: tuple[Problem, ...] = ()


async def new_case(
    origin: Origin,
    draft: CaseDraft,
    *,
    jaksa_membership_id: int,
    today: date,
    invitation_validity: timedelta,
) -> NewCase:
    """Store a case entered in the chat, in the Kejari of the jaksa who answers for it.

    The checks run again here, whatever the conversation checked, against the database as
    it is at the moment of saving.
    """
    problems = check_draft(draft, today)
    if problems:
        return NewCase(Outcome.INVALID, problems=tuple(problems))
    async with origin.transaction() as store:
        membership = await store.people.membership(jaksa_membership_id)
        if (
            membership is None
            or membership.person_id != draft.jaksa_person_id
            or not authority.holds([membership], Role.JAKSA)
            or not authority.manages_agency(origin.actor, membership.agency_id)
        ):
            return NewCase(Outcome.STALE)
        pk = draft.pk_person_id
        if pk is not None and not authority.holds(await store.people.memberships_of(pk), Role.PK):
            return NewCase(Outcome.STALE)
        created = await create_case(
            store,
            draft,
            agency_id=membership.agency_id,
            created_by=origin.person_id,
            now=origin.now,
            invitation_validity=invitation_validity,
            audit=origin.audit_fields(),
        )
    if created is None:
        return NewCase(Outcome.DECISION_EXISTS)
    return NewCase(Outcome.CREATED, created=created)


# -- reading cases ---------------------------------------------------------------------------


async def visible_cases(store: Store, actor: Actor) -> list[Case]:
    """The running cases this actor may open, by code: :func:`authority.sees_case` as SQL."""
    return await store.cases.visible(authority.case_filter(await scope_of(store, actor)))


class Sight(StrEnum):
    SHOWN = "shown"
    NOT_FOUND = "not_found"
    NOT_YOURS = "not_yours"  # it exists, but this actor may not see it: refused and audited


@dataclass(frozen=True)
class Opened:
    sight: Sight
    case: Case | None = None


async def open_case(
    origin: Origin, *, code: str | None = None, case_id: int | None = None, purpose: str
) -> Opened:
    """The case named by ``code`` or ``case_id`` if this actor may see it, with the audit row
    ``purpose`` (``case.viewed``, ``report.case``) that records who read it.

    A refusal is left to the caller, which answers it (counted like any refusal) and audits
    it; the answer reads the same whether the case exists or not, so nobody learns of
    another Kejari's cases by guessing codes.
    """
    async with origin.transaction() as store:
        if code is not None:
            case = await store.cases.by_code(code)
        else:
            case = await store.cases.get(case_id) if case_id is not None else None
        if case is None:
            return Opened(Sight.NOT_FOUND)
        if not authority.sees_case(await scope_of(store, origin.actor), case):
            return Opened(Sight.NOT_YOURS, case)
        await store.audit.append(action=purpose, subject=f"case:{case.id}", **origin.audit_fields())
    return Opened(Sight.SHOWN, case)
