"""Handing a case to another jaksa or PK (leave, a transfer), always with a reason.

Who may: whoever manages the case (its Kejari's jaksa, an admin), as for every other change
of a case. Who can take it: a jaksa with an active role in the case's Kejari, or a PK with
an active role in a Bapas. The change, the audit row (old and new person, the reason) and
the notices to the new and the old person commit in one transaction. Every later notice of
the case follows ``cases.jaksa_person_id`` / ``pk_person_id``, so the new person gets from
then on what the old one got.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from domain import authority
from domain.agencies import fits
from domain.cases import CaseStatus
from domain.models import Agency, Case, Person
from domain.roles import Role
from services import notices
from services.origin import Origin
from storage.repositories import Store
from texts import Localized

REASON_MIN, REASON_MAX = 5, 300
NOTICE_KIND = "case.handover"


class Duty(StrEnum):
    JAKSA = "jaksa"
    PK = "pk"

    @property
    def role(self) -> Role:
        return Role.JAKSA if self is Duty.JAKSA else Role.PK


class Outcome(StrEnum):
    READY = "ready"  # what a look before the change finds when it may go ahead
    HANDED_OVER = "handed_over"
    NOT_FOUND = "not_found"  # no such case
    NOT_YOURS = "not_yours"  # a case this actor does not manage
    CLOSED = "closed"  # finished or closed: nothing left to hand over
    NOBODY = "nobody"  # nobody else of that role to hand it to
    SAME_PERSON = "same_person"  # the person chosen holds it already
    NOT_CANDIDATE = "not_candidate"  # the person chosen cannot take it (revoked meanwhile)
    BAD_REASON = "bad_reason"


@dataclass(frozen=True)
class Candidate:
    person: Person
    agency: Agency


@dataclass(frozen=True)
class Handover:
    outcome: Outcome
    case: Case | None = None
    duty: Duty = Duty.JAKSA
    current: Person | None = None  # who holds the duty now (before a change: the old one)
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    new: Person | None = None  # after a change


def holder_id(case: Case, duty: Duty) -> int | None:
    return case.jaksa_person_id if duty is Duty.JAKSA else case.pk_person_id


async def candidates(store: Store, case: Case, duty: Duty) -> list[Candidate]:
    """Who may take the duty: a jaksa of the case's Kejari, or a PK of any Bapas; by name,
    each once, and not the one holding it now."""
    current = holder_id(case, duty)
    agency_ids = {case.agency_id} if duty is Duty.JAKSA else None
    found: dict[int, Candidate] = {}
    for membership in await store.people.active_memberships(role=duty.role, agency_ids=agency_ids):
        if membership.person_id == current or membership.person_id in found:
            continue
        agency = await store.agencies.get(membership.agency_id)
        if agency is None or not fits(duty.role, agency.type):  # a PK: in a Bapas
            continue
        person = await store.people.get(membership.person_id)
        if person is None or person.telegram_user_id <= 0:
            continue
        found[person.id] = Candidate(person, agency)
    return sorted(found.values(), key=lambda c: (c.person.full_name.casefold(), c.person.id))


async def options(store: Store, origin: Origin, code: str, duty: Duty) -> Handover:
    """Whether this actor may hand the case over, and to whom."""
    case = await store.cases.by_code(code)
    return await _check(store, origin, case, duty)


async def _check(store: Store, origin: Origin, case: Case | None, duty: Duty) -> Handover:
    if case is None:
        return Handover(Outcome.NOT_FOUND, duty=duty)
    if not authority.manages_case(origin.actor, case):
        return Handover(Outcome.NOT_YOURS, case=case, duty=duty)
    current_id = holder_id(case, duty)
    current = await store.people.get(current_id) if current_id is not None else None
    if case.status is not CaseStatus.ACTIVE:
        return Handover(Outcome.CLOSED, case=case, duty=duty, current=current)
    found = tuple(await candidates(store, case, duty))
    outcome = Outcome.READY if found else Outcome.NOBODY
    return Handover(outcome, case=case, duty=duty, current=current, candidates=found)


async def hand_over(
    origin: Origin, *, case_id: int, duty: Duty, person_id: int, reason: str
) -> Handover:
    """Make ``person_id`` the case's jaksa (or PK), checked again against the database as it
    is now; tell the new and the old person."""
    reason = " ".join(reason.split())
    async with origin.transaction() as store:
        case = await store.cases.get(case_id)
        found = await _check(store, origin, case, duty)
        if case is not None and holder_id(case, duty) == person_id:
            return Handover(Outcome.SAME_PERSON, case=case, duty=duty, current=found.current)
        if found.outcome is not Outcome.READY:
            return found
        assert case is not None
        chosen = next((c for c in found.candidates if c.person.id == person_id), None)
        if chosen is None:
            return Handover(Outcome.NOT_CANDIDATE, case=case, duty=duty, current=found.current)
        if not REASON_MIN <= len(reason) <= REASON_MAX:
            return Handover(Outcome.BAD_REASON, case=case, duty=duty, current=found.current)
        changed = (
            await store.cases.hand_over(case.id, jaksa_person_id=person_id)
            if duty is Duty.JAKSA
            else await store.cases.hand_over(case.id, pk_person_id=person_id)
        )
        if not changed:
            return Handover(Outcome.CLOSED, case=case, duty=duty, current=found.current)
        old = found.current
        await store.audit.append(
            action="case.handed_over",
            subject=f"case:{case.id}",
            detail={
                "duty": duty.value,
                "from": old.id if old else None,
                "to": person_id,
                "reason": reason,
            },
            **origin.audit_fields(),
        )
        about = f"handover:{case.id}:{duty.value}:{origin.now.isoformat()}"
        values: dict[str, object] = {
            "code": case.code,
            "name": case.offender_name,
            "duty": DutyWord(duty),
            "reason": reason,
        }
        if person_id != origin.person_id:
            await notices.tell(
                store,
                person_id,
                key="handover.to_you" if old else "handover.to_you_first",
                kind=NOTICE_KIND,
                about=f"{about}:to",
                now=origin.now,
                buttons=None,
                old=old.full_name if old else "",
                **values,
            )
        if old is not None and old.id != origin.person_id:
            await notices.tell(
                store,
                old.id,
                key="handover.from_you",
                kind=NOTICE_KIND,
                about=f"{about}:from",
                now=origin.now,
                buttons=None,
                new=chosen.person.full_name,
                **values,
            )
        after = await store.cases.get(case.id)
    return Handover(Outcome.HANDED_OVER, case=after, duty=duty, current=old, new=chosen.person)


class DutyWord(Localized):
    """The duty as each reader's language names it."""

    def __init__(self, duty: Duty) -> None:
        self.duty = duty

    def in_language(self, lang: str) -> str:
        if self.duty is Duty.PK:
            return "PK"
        return "prosecutor" if lang == "en" else "jaksa"
