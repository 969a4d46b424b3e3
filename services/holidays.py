"""An admin's corrections to the national calendar of days off.

The joint ministerial decree on holidays and cuti bersama can change during the year, and a
later year's cuti bersama may not be known yet; so an admin adds or removes a day, or turns
cuti bersama off (it is on by default, because government offices close). A correction
changes the calendar the planner reads from then on; sessions already planned on that day
are left as they are, and the admin is told how many there are.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain import authority
from domain.permissions import Action
from services.origin import Origin

NAME_MAX = 100


class Outcome(StrEnum):
    SAVED = "saved"
    REFUSED = "refused"  # the actor may not correct the calendar


@dataclass(frozen=True)
class Corrected:
    outcome: Outcome
    name: str = ""  # as stored: cut to NAME_MAX
    #: Sessions already planned on a day that has just become a day off.
    affected: int = 0


async def set_cuti_bersama(origin: Origin, on: bool) -> Outcome:
    """Count cuti bersama as days off, or as working days."""
    if not authority.may(origin.actor, Action.HOLIDAYS):
        return Outcome.REFUSED
    async with origin.transaction() as store:
        await store.holidays.set_cuti_bersama(on)
        await store.audit.append(
            action="holidays.cuti_bersama", detail={"on": on}, **origin.audit_fields()
        )
    return Outcome.SAVED


async def correct_day(origin: Origin, day: date, *, off: bool, name: str) -> Corrected:
    """Make ``day`` a day off (``off``) or a working day; a later correction of a day wins."""
    if not authority.may(origin.actor, Action.HOLIDAYS):
        return Corrected(Outcome.REFUSED)
    name = name[:NAME_MAX]
    async with origin.transaction() as store:
        await store.holidays.add_override(
            day, off=off, name=name, by=origin.person_id, now=origin.now
        )
        await store.audit.append(
            action="holidays.override",
            subject=day.isoformat(),
            detail={"off": off},
            **origin.audit_fields(),
        )
        affected = await store.cases.sessions_on(day) if off else 0
    return Corrected(Outcome.SAVED, name=name, affected=affected)
