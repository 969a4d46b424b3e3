"""Registering an agency: a Kejati or Kejari, a Bapas, a local government or one of its dinas.

The form checks each answer as it is given; this checks them all again in the transaction
that saves them, because the form may have stood open while someone registered the same
name, and a CLI or a test gives no form at all.
"""

from dataclasses import dataclass
from enum import StrEnum

from domain import agencies as rules
from domain import authority
from domain.models import Agency
from domain.permissions import Action
from domain.roles import AgencyType
from services.origin import Origin


class Outcome(StrEnum):
    SAVED = "saved"
    REFUSED = "refused"  # the actor may not register agencies
    BAD_NAME = "bad_name"
    NAME_TAKEN = "name_taken"
    PARENT_NOT_ALLOWED = "parent_not_allowed"  # no such parent, or one of the wrong type
    BAD_TIMEZONE = "bad_timezone"


@dataclass(frozen=True)
class Created:
    outcome: Outcome
    agency: Agency | None = None
    parent: Agency | None = None  # the parent asked for, when it was refused


async def create_agency(
    origin: Origin, *, type: AgencyType, name: str, parent_id: int | None, timezone: str
) -> Created:
    """Save the agency under its parent, with its audit row."""
    if not authority.may(origin.actor, Action.NEW_AGENCY):
        return Created(Outcome.REFUSED)
    cleaned = rules.clean_name(name)
    if cleaned is None:
        return Created(Outcome.BAD_NAME)
    if timezone not in rules.TIMEZONES:
        return Created(Outcome.BAD_TIMEZONE)
    async with origin.transaction() as store:
        parent = await store.agencies.get(parent_id) if parent_id is not None else None
        if parent_id is not None and (
            parent is None or not rules.parent_allowed(type, parent.type)
        ):
            return Created(Outcome.PARENT_NOT_ALLOWED, parent=parent)
        if await store.agencies.by_name(cleaned) is not None:
            return Created(Outcome.NAME_TAKEN)
        agency = await store.agencies.add(
            type=type,
            name=cleaned,
            parent_id=parent_id,
            timezone=timezone,
            created_by=origin.person_id,
            now=origin.now,
        )
        await store.audit.append(
            action="agency.created",
            subject=f"agency:{agency.id}",
            detail={"type": agency.type.value, "parent_id": agency.parent_id},
            **origin.audit_fields(),
        )
    return Created(Outcome.SAVED, agency=agency)
