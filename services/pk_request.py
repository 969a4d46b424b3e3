"""A case without a PK: the jaksa asks a Bapas, and one of its PKs takes it.

The Bapas assigns its own people, so the jaksa does not choose a PK: every PK of the Bapas
asked is told, with a button, and the first to press it follows the case from then on (the
others' buttons then say it is taken). The request and the taking each commit with their
audit row and their notices.
"""

from dataclasses import dataclass
from enum import StrEnum

from domain import authority
from domain import callback_data as callbacks
from domain.agencies import fits
from domain.callback_data import Prefix
from domain.cases import CaseStatus
from domain.models import Agency, Case
from domain.roles import Role
from services import notices
from services.origin import Origin
from storage.repositories import Store
from texts.formatting import Day

NOTICE_KIND = "case.pk_request"


class Outcome(StrEnum):
    DONE = "done"
    STALE = "stale"  # no such case or Bapas
    NOT_YOURS = "not_yours"
    CLOSED = "closed"  # the case has ended
    HAS_PK = "has_pk"  # it has a PK already (someone took it, or was handed it)
    NOBODY = "nobody"  # the Bapas has no PK registered


@dataclass(frozen=True)
class Asked:
    outcome: Outcome
    case: Case | None = None
    bapas: Agency | None = None
    told: int = 0  # how many PKs were told


async def bapas_list(store: Store) -> list[Agency]:
    return sorted(
        (a for a in await store.agencies.all() if fits(Role.PK, a.type)),
        key=lambda a: a.name,
    )


async def ask_bapas(origin: Origin, *, case_id: int, bapas_id: int) -> Asked:
    """Tell every PK of the Bapas that the case needs one, with the button to take it."""
    async with origin.transaction() as store:
        case = await store.cases.get(case_id)
        bapas = await store.agencies.get(bapas_id)
        if case is None or bapas is None or not fits(Role.PK, bapas.type):
            return Asked(Outcome.STALE, case=case)
        if not authority.manages_case(origin.actor, case):
            return Asked(Outcome.NOT_YOURS, case=case)
        if case.status is not CaseStatus.ACTIVE:
            return Asked(Outcome.CLOSED, case=case)
        if case.pk_person_id is not None:
            return Asked(Outcome.HAS_PK, case=case)
        pks = await store.people.active_memberships(role=Role.PK, agency_ids={bapas.id})
        told = 0
        take = [[("pk_request.take", callbacks.encode(Prefix.TAKE_CASE, case.id))]]
        for person_id in dict.fromkeys(m.person_id for m in pks):
            told += await notices.tell(
                store,
                person_id,
                key="pk_request.asked",
                kind=NOTICE_KIND,
                about=f"pk_request:{case.id}:{origin.now.isoformat()}",
                now=origin.now,
                buttons=take,
                code=case.code,
                jaksa=origin.actor.person.full_name if origin.actor.person else "—",
                hours=case.hours_total,
                start=Day(case.start_date),
            )
        if not told:
            return Asked(Outcome.NOBODY, case=case, bapas=bapas)
        await store.audit.append(
            action="case.pk_requested",
            subject=f"case:{case.id}",
            detail={"bapas_id": bapas.id, "told": told},
            **origin.audit_fields(),
        )
    return Asked(Outcome.DONE, case=case, bapas=bapas, told=told)


async def take_case(origin: Origin, *, case_id: int) -> Asked:
    """A PK of a Bapas takes the case; the jaksa is told."""
    async with origin.transaction() as store:
        case = await store.cases.get(case_id)
        me = origin.person_id
        if case is None or me is None:
            return Asked(Outcome.STALE)
        bapas_ids = {a.id for a in await bapas_list(store)}
        if not authority.is_pk_in(origin.actor, bapas_ids):
            return Asked(Outcome.NOT_YOURS, case=case)
        if case.status is not CaseStatus.ACTIVE:
            return Asked(Outcome.CLOSED, case=case)
        if not await store.cases.take_pk(case.id, me):
            return Asked(Outcome.HAS_PK, case=case)
        await store.audit.append(
            action="case.pk_taken",
            subject=f"case:{case.id}",
            detail={"pk": me},
            **origin.audit_fields(),
        )
        await notices.tell(
            store,
            case.jaksa_person_id,
            key="pk_request.taken",
            kind=NOTICE_KIND,
            about=f"pk_taken:{case.id}",
            now=origin.now,
            code=case.code,
            pk=origin.actor.person.full_name if origin.actor.person else "—",
        )
        after = await store.cases.get(case.id)
    return Asked(Outcome.DONE, case=after)
