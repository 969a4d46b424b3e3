"""Creating a case: the case, its planned sessions, and the offender's invitation, together."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain import invitations as invitation_rules
from domain.cases import CaseDraft
from domain.models import Agency, Case
from domain.roles import Role
from domain.schedule import Plan
from services.scheduling import plan_and_store
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

    Must run inside the caller's transaction: if anything fails, none of it is kept.
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
        },
        **audit,
    )
    return CreatedCase(case=case, plan=plan, agency=agency, invitation_token=token)
