"""Moving or cancelling one planned session: a jaksa's decision, always with a reason.

The change, its session event (old time, new time, reason, who), the audit row and the
offender's notice commit together. A move is held to the limits of planning: within the
sentence's period, not on a day off, one session a day for the offender, and no more
offenders at the site than it holds. The pengawas needs no notice: their daily list is built
from the sessions as they stand, and the reminders of the old time are dropped unsent.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain import authority
from domain.models import Case, Session, Site
from domain.session_life import Life, Step, allows
from services import notices, sessions
from services.origin import Origin
from services.scheduling import days_off_between
from storage.repositories import Store
from texts import Localized
from texts.formatting import format_clock, format_day

REASON_MIN, REASON_MAX = 5, 300
NOTICE_KIND = "session.change"


class Outcome(StrEnum):
    CHANGEABLE = "changeable"  # what a look before the change finds when it may go ahead
    MOVED = "moved"
    CANCELLED = "cancelled"
    STALE = "stale"  # no such session, or it is no longer planned
    NOT_YOURS = "not_yours"
    BAD_REASON = "bad_reason"
    OUTSIDE_PERIOD = "outside_period"
    DAY_OFF = "day_off"
    ALREADY_THAT_DAY = "already_that_day"
    SITE_FULL = "site_full"


@dataclass(frozen=True)
class Changed:
    outcome: Outcome
    case: Case | None = None
    site: Site | None = None
    session: Session | None = None  # as it stands after the change


@dataclass(frozen=True)
class Upcoming:
    case: Case
    site: Site
    sessions: list[Session]


class SessionTime(Localized):
    """A session's start as its offender reads it: the day, then the time at the site."""

    def __init__(self, instant: datetime, zone: str) -> None:
        self.instant, self.zone = instant, zone

    def in_language(self, lang: str) -> str:
        day = format_day(self.instant.astimezone(ZoneInfo(self.zone)).date(), lang)
        return f"{day}, {format_clock(self.instant, self.zone, lang)}"


async def upcoming(store: Store, origin: Origin, code: str) -> Upcoming | None:
    """The sessions still ahead of a case this actor manages; None if there is no
    such case for them (another Kejari's case is not admitted to exist)."""
    case = await store.cases.by_code(code)
    if case is None or not authority.manages_case(origin.actor, case):
        return None
    site = await store.sites.get(case.site_id)
    assert site is not None
    # Only what can still change: not a session under way, held, or reported absent.
    return Upcoming(case, site, await sessions.ahead(store, case, site, origin.now))


async def session_to_change(store: Store, origin: Origin, session_id: int | None) -> Changed:
    """Whether this session can still change (planned, not begun, held or reported absent)
    and this actor manages its case."""
    session = await store.cases.session(session_id) if session_id else None
    case = await store.cases.get(session.case_id) if session else None
    if session is None or case is None or session.status != "planned":
        return Changed(Outcome.STALE)
    site = await store.sites.get(session.site_id)
    if site is None:
        return Changed(Outcome.STALE)
    life = await sessions.life_on(store, case, site, session.day)
    if not allows(life, Step.MOVE):
        return Changed(Outcome.STALE)
    outcome = (
        Outcome.CHANGEABLE if authority.manages_case(origin.actor, case) else Outcome.NOT_YOURS
    )
    return Changed(outcome, case=case, site=site, session=session)


async def move_session(origin: Origin, *, session_id: int, day: date, reason: str) -> Changed:
    """Move the session to ``day``, at the same time of day and for as long."""
    async with origin.transaction() as store:
        found = await _changeable(store, origin, session_id, reason)
        if found.outcome is not Outcome.CHANGEABLE:
            return found
        case, site, session = found.case, found.site, found.session
        assert case is not None and site is not None and session is not None
        if problem := await _problem_with_move(store, origin, session, case, site, day):
            return Changed(problem, case=case, site=site, session=session)
        zone = ZoneInfo(site.timezone)
        new_start = datetime.combine(day, session.starts_at.astimezone(zone).time(), tzinfo=zone)
        await store.cases.move_session(
            session.id,
            day=day,
            starts_at=new_start,
            ends_at=new_start + timedelta(minutes=session.minutes),
        )
        return await _record(store, origin, Outcome.MOVED, found, reason, new_start)


async def cancel_session(origin: Origin, *, session_id: int, reason: str) -> Changed:
    """Cancel the session; the hours it would have given are planned no further here."""
    async with origin.transaction() as store:
        found = await _changeable(store, origin, session_id, reason)
        if found.outcome is not Outcome.CHANGEABLE:
            return found
        assert found.session is not None
        if not await store.cases.cancel_session(found.session.id):
            return Changed(Outcome.STALE)
        return await _record(store, origin, Outcome.CANCELLED, found, reason, None)


async def _changeable(store: Store, origin: Origin, session_id: int, reason: str) -> Changed:
    found = await session_to_change(store, origin, session_id)
    if found.outcome is Outcome.CHANGEABLE and not REASON_MIN <= len(reason) <= REASON_MAX:
        return Changed(Outcome.BAD_REASON, case=found.case, site=found.site, session=found.session)
    return found


async def _problem_with_move(
    store: Store, origin: Origin, session: Session, case: Case, site: Site, day: date
) -> Outcome | None:
    if day < _local_day(origin.now, site) or day > case.deadline or day < case.start_date:
        return Outcome.OUTSIDE_PERIOD
    if day in await days_off_between(store, day, day, site):
        return Outcome.DAY_OFF
    if any(s.day == day and s.id != session.id for s in await store.cases.sessions_of(case.id)):
        return Outcome.ALREADY_THAT_DAY
    if await sessions.life_on(store, case, site, day) is not Life.PLANNED:
        # The offender was checked in or reported absent that day already (without a
        # session): a session moved onto it would contradict the record.
        return Outcome.ALREADY_THAT_DAY
    bookings = await store.cases.site_bookings(site.id, day, day, excluding_case=case.id)
    if bookings.get(day, 0) >= site.capacity:
        return Outcome.SITE_FULL
    return None


async def _record(
    store: Store,
    origin: Origin,
    outcome: Outcome,
    found: Changed,
    reason: str,
    new_start: datetime | None,
) -> Changed:
    """The session event, the audit row and the offender's notice of a change just made."""
    case, site, session = found.case, found.site, found.session
    assert case is not None and site is not None and session is not None
    event_id = await store.cases.add_session_event(
        session_id=session.id,
        kind=outcome.value,
        old_starts_at=session.starts_at,
        new_starts_at=new_start,
        reason=reason,
        by=origin.person_id,
        now=origin.now,
    )
    await store.audit.append(
        action=f"session.{outcome.value}",
        subject=f"session:{session.id}",
        detail={"case_id": case.id},
        **origin.audit_fields(),
    )
    await _announce(store, origin, case, site, event_id, session, new_start, reason)
    # Told here, so the scheduler's sweep of unannounced changes does not tell them again.
    await store.reminders.mark_announced(event_id, origin.now)
    changed = await store.cases.session(session.id)
    return Changed(outcome, case=case, site=site, session=changed)


async def _announce(
    store: Store,
    origin: Origin,
    case: Case,
    site: Site,
    event_id: int,
    session: Session,
    new_start: datetime | None,
    reason: str,
) -> None:
    """The offender, their PK and the site's supervisors hear of a move or a cancellation
    at once, from the same event, each in their own language."""
    moved = new_start is not None
    staff_key = "session.moved_staff" if moved else "session.cancelled_staff"
    recipients = [
        (
            case.offender_person_id,
            "reminder.session_moved" if moved else "reminder.session_cancelled",
        ),
        (case.pk_person_id, staff_key),
        *((person_id, staff_key) for person_id in await store.sites.supervisors_of(site.id)),
    ]
    for person_id, key in recipients:
        await notices.tell(
            store,
            person_id,
            key=key,
            kind=NOTICE_KIND,
            about=f"session-change:{event_id}",
            now=origin.now,
            code=case.code,
            name=case.offender_name,
            site=site.name,
            old=SessionTime(session.starts_at, site.timezone),
            reason=reason,
            new=SessionTime(new_start, site.timezone) if new_start is not None else "",
        )


def _local_day(now: datetime, site: Site) -> date:
    return now.astimezone(ZoneInfo(site.timezone)).date()
