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


ADDRESS_MIN, ADDRESS_MAX = 5, 200
LOGO_MAX_BYTES = 2 * 1024 * 1024
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def logo_acceptable(content: bytes) -> bool:
    """A PNG or JPEG of at most 2 MB: what the documents' letterhead can print."""
    return len(content) <= LOGO_MAX_BYTES and content.startswith(_IMAGE_MAGIC)


async def set_letterhead(
    origin: Origin, *, agency_id: int, address: str | None, logo: bytes | None
) -> bool:
    """The agency's letterhead for its documents (the Berita Acara, warnings); None leaves
    a part as it was. False if the actor does not manage the agency or the parts are bad."""
    if not authority.may(origin.actor, Action.LETTERHEAD):
        return False
    if not authority.manages_agency(origin.actor, agency_id):
        return False
    if address is not None and not ADDRESS_MIN <= len(address) <= ADDRESS_MAX:
        return False
    if logo is not None and not logo_acceptable(logo):
        return False
    async with origin.transaction() as store:
        if await store.agencies.get(agency_id) is None:
            return False
        await store.consequences.set_letterhead(agency_id, address=address, logo=logo)
        await store.audit.append(
            action="agency.letterhead",
            subject=f"agency:{agency_id}",
            detail={"address": address is not None, "logo": logo is not None},
            **origin.audit_fields(),
        )
    return True
