"""An admin's corrections to the national calendar of days off.

The joint ministerial decree on holidays and cuti bersama can change during the year, and a
later year's cuti bersama may not be known yet; so an admin adds or removes a day, or turns
cuti bersama off (it is on by default, because government offices close). A correction
changes the calendar the planner reads from then on; sessions already planned on that day
are left as they are, and the admin is told how many there are and offered to move them
(``move_off_day_off``). A day off may be national or of one region: an agency and the sites
hosted by it or by the agencies under it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain import authority
from domain.models import Case, Session
from domain.permissions import Action
from services import rescheduling
from services.origin import Origin
from services.rescheduling import Outcome as RescheduleOutcome
from services.scheduling import sites_reached
from storage.repositories import Store

NAME_MAX = 100


class Outcome(StrEnum):
    SAVED = "saved"
    REFUSED = "refused"  # the actor may not correct the calendar
    STALE = "stale"  # no such agency, or the day off is gone


@dataclass(frozen=True)
class Corrected:
    outcome: Outcome
    name: str = ""  # as stored: cut to NAME_MAX
    #: Sessions already planned on a day that has just become a day off.
    affected: int = 0
    override_id: int | None = None


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


async def correct_day(
    origin: Origin, day: date, *, off: bool, name: str, agency_id: int | None = None
) -> Corrected:
    """Make ``day`` a day off (``off``) or a working day; a later correction of a day wins.

    With ``agency_id``, a day off of that region only: the sites hosted by that agency or
    one under it (a regency's election day, its anniversary)."""
    if not authority.may(origin.actor, Action.HOLIDAYS):
        return Corrected(Outcome.REFUSED)
    name = name[:NAME_MAX]
    async with origin.transaction() as store:
        if agency_id is not None and await store.agencies.get(agency_id) is None:
            return Corrected(Outcome.STALE)
        override_id = await store.holidays.add_override(
            day, off=off, name=name, by=origin.person_id, now=origin.now, agency_id=agency_id
        )
        await store.audit.append(
            action="holidays.override",
            subject=day.isoformat(),
            detail={"off": off, "agency_id": agency_id},
            **origin.audit_fields(),
        )
        affected = len(await _sessions_reached(store, day, agency_id)) if off else 0
    return Corrected(Outcome.SAVED, name=name, affected=affected, override_id=override_id)


async def _sessions_reached(store: Store, day: date, agency_id: int | None) -> list[Session]:
    reached = await sites_reached(store, agency_id)
    return [s for s in await store.cases.planned_on(day) if reached is None or s.site_id in reached]


@dataclass(frozen=True)
class Moved:
    outcome: Outcome
    day: date | None = None
    moved: tuple[tuple[str, date], ...] = ()  # (case code, the day it went to)
    stuck: tuple[str, ...] = ()  # case codes no day could take within their period


async def sessions_on_day_off(store: Store, override_id: int) -> list[Session]:
    """The planned sessions a day off (still standing) reaches."""
    override = await store.holidays.override(override_id)
    if override is None or not override.off:
        return []
    return await _sessions_reached(store, override.day, override.agency_id)


async def move_off_day_off(origin: Origin, override_id: int, *, reason: str) -> Moved:
    """Move every planned session the day off reaches to the next day that can take it
    (the case's own weekdays first, then any day), each through the rescheduling use case:
    its checks, its session event, its notices. A session no day within its period can take
    stays where it is, and is named."""
    if not authority.may(origin.actor, Action.HOLIDAYS):
        return Moved(Outcome.REFUSED)
    store = origin.db.reader()
    override = await store.holidays.override(override_id)
    if override is None or not override.off:
        return Moved(Outcome.STALE)
    moved: list[tuple[str, date]] = []
    stuck: list[str] = []
    for session in await _sessions_reached(store, override.day, override.agency_id):
        case = await store.cases.get(session.case_id)
        if case is None:
            continue
        target = None
        for day in _candidate_days(case, override.day):
            result = await rescheduling.move_session(
                origin, session_id=session.id, day=day, reason=reason
            )
            if result.outcome is RescheduleOutcome.MOVED:
                target = day
                break
            if result.outcome not in _TRY_ANOTHER_DAY:
                break
        if target is None:
            stuck.append(case.code)
        else:
            moved.append((case.code, target))
    return Moved(Outcome.SAVED, day=override.day, moved=tuple(moved), stuck=tuple(stuck))


_TRY_ANOTHER_DAY = frozenset(
    {RescheduleOutcome.DAY_OFF, RescheduleOutcome.ALREADY_THAT_DAY, RescheduleOutcome.SITE_FULL}
)


def _candidate_days(case: Case, day_off: date) -> list[date]:
    """The days after the day off up to the deadline: the decision's weekdays first."""
    days = [day_off + timedelta(days=n) for n in range(1, (case.deadline - day_off).days + 1)]
    return [d for d in days if d.weekday() in case.weekdays] + [
        d for d in days if d.weekday() not in case.weekdays
    ]
