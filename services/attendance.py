"""Check-in and check-out: what a supervisor records on site, as two use cases.

Each runs one transaction: the attendance event, its photo's evidence row, the ledger's
per-day sums, the case's completion, the audit row and the notices to the offender (and, on
completion, to the jaksa and the PK) commit together or not at all. The chat, the CLI and
the tests call the same functions; the handler only renders the :class:`Outcome`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain import authority
from domain.cases import CaseStatus
from domain.ledger import AttendanceEvent, EventKind, Ledger, credit_for, fold
from domain.models import Case, Site
from domain.session_life import Life, Step, allows
from domain.sites import distance_m
from services import completion, notices, sessions
from services.ledger import record_ledger
from services.origin import Origin
from services.scope import supervising
from storage.repositories import Store
from texts.formatting import Clock, Duration, format_hours

#: A typed check-out may be a little ahead of the bot's clock (the phone's clock, a slow
#: network), never further: hours are credited for work that has happened.
FUTURE_TOLERANCE = timedelta(minutes=2)
NOTICE_KIND = "notice.attendance"


class Outcome(StrEnum):
    RECORDED = "recorded"
    NOT_YOURS = "not_yours"  # no such case, or not at a site this supervisor signs for
    CASE_FINISHED = "case_finished"
    ALREADY_IN = "already_in"
    NOT_CHECKED_IN = "not_checked_in"  # the attendance is not (or no longer) open; with
    # ``life`` when the session is open no more (a correction closed it, or it was cancelled)
    PHOTO_USED = "photo_used"
    END_BEFORE_START = "end_before_start"
    END_IN_FUTURE = "end_in_future"
    SESSION_ABSENT = "session_absent"  # the day's session was reported absent: a correction's
    SESSION_CANCELLED = "session_cancelled"


@dataclass(frozen=True)
class Photo:
    """The Telegram file that is the evidence; its bytes are fetched after the reply."""

    file_id: str
    file_unique_id: str
    size: int | None


@dataclass(frozen=True)
class Message:
    """Where the record was made: the message in the supervisor's chat, and its time."""

    chat_id: int
    message_id: int
    sent_at: datetime


@dataclass(frozen=True)
class Recorded:
    outcome: Outcome
    case: Case | None = None
    site: Site | None = None
    attendance_id: int | None = None
    evidence_id: int | None = None
    at: datetime | None = None  # the check-in's start or the check-out's end
    distance_m: float | None = None  # from the site, when a location was shared
    outside_geofence: bool = False
    ledger: Ledger | None = None
    credited_minutes: int = 0
    life: Life | None = None  # the session's state, when that is why nothing was recorded


def local_midnight(instant: datetime, site: Site) -> datetime:
    local = instant.astimezone(ZoneInfo(site.timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


async def case_to_record(store: Store, origin: Origin, case: Case | None) -> Recorded:
    """The case and site if this supervisor may record it now; otherwise why not."""
    if case is None:
        return Recorded(Outcome.NOT_YOURS)
    scope, sites = await supervising(store, origin.actor)
    site = sites.get(case.site_id)  # a site not among them is not this supervisor's
    if site is None or not authority.records_at(scope, site.id):
        return Recorded(Outcome.NOT_YOURS, case=case)
    if case.status is not CaseStatus.ACTIVE:
        return Recorded(Outcome.CASE_FINISHED, case=case, site=site)
    return Recorded(Outcome.RECORDED, case=case, site=site)


async def expected_today(store: Store, origin: Origin) -> list[tuple[Case, Site]]:
    """Running cases with a session today at my sites still only planned: not checked in
    yet, nor reported absent or excused (a check-in would be refused)."""
    found = []
    for site in await _my_sites(store, origin):
        today = local_midnight(origin.now, site).date()
        for session in await store.cases.site_sessions(site.id, today, today):
            case = await store.cases.get(session.case_id)
            if case is None or case.status is not CaseStatus.ACTIVE:
                continue
            if await sessions.life_on(store, case, site, today) is not Life.PLANNED:
                continue
            found.append((case, site))
    return found


async def open_here(store: Store, origin: Origin) -> list[tuple[int, Case, Site, datetime]]:
    """``(attendance id, case, site, checked in at)`` still open at my sites."""
    sites = {s.id: s for s in await _my_sites(store, origin)}
    found = []
    for attendance_id, case_id, start in await store.attendance.open_at_sites(set(sites)):
        case = await store.cases.get(case_id)
        if case is not None and case.site_id in sites:
            found.append((attendance_id, case, sites[case.site_id], start))
    return found


async def start_of(store: Store, attendance_id: int) -> datetime | None:
    found = await store.attendance.attendance(attendance_id)
    if found is None:
        return None
    for record in fold(await store.attendance.events_of_case(found[0])):
        if record.id == attendance_id:
            return record.start
    return None


async def check_in(
    origin: Origin,
    *,
    case_id: int,
    photo: Photo,
    message: Message,
    location: tuple[float, float] | None = None,
) -> Recorded:
    """Open an attendance at the photo message's time, with the photo as its evidence."""
    async with origin.transaction() as store:
        return await record_check_in(
            store, origin, case_id=case_id, photo=photo, message=message, location=location
        )


async def record_check_in(
    store: Store,
    origin: Origin,
    *,
    case_id: int,
    photo: Photo,
    message: Message,
    location: tuple[float, float] | None = None,
    shared_with: int | None = None,
) -> Recorded:
    """A check-in inside the caller's transaction; ``shared_with``, the evidence of the same
    photo recorded a moment ago for another person of a roll-call (``services.roll_call``)."""
    allowed = await case_to_record(store, origin, await store.cases.get(case_id))
    if allowed.outcome is not Outcome.RECORDED:
        return allowed
    case, site = allowed.case, allowed.site
    assert case is not None and site is not None
    if await store.attendance.open_for_case(case.id) is not None:
        return Recorded(Outcome.ALREADY_IN, case=case, site=site)
    if shared_with is None and await store.attendance.evidence_seen(photo.file_unique_id):
        return Recorded(Outcome.PHOTO_USED, case=case, site=site)
    start = message.sent_at
    life, that_day = await sessions.day_of(
        store, case, site, start.astimezone(ZoneInfo(site.timezone)).date()
    )
    if not allows(life, Step.CHECK_IN):
        refused = Outcome.SESSION_CANCELLED if life is Life.CANCELLED else Outcome.SESSION_ABSENT
        return Recorded(refused, case=case, site=site, life=life)
    distance = outside = None
    pin = None
    if location is not None:
        distance = distance_m(location[0], location[1], site.latitude, site.longitude)
        outside = distance > site.radius_m
        pin = (location[0], location[1], distance, outside)
    planned = [s.id for s in that_day if s.status == "planned"]
    attendance_id, event_id = await store.attendance.check_in(
        case_id=case.id,
        session_id=planned[0] if planned else None,
        site_id=site.id,
        by=origin.person_id,
        start=start,
        chat_id=message.chat_id,
        message_id=message.message_id,
        location=pin,
        now=origin.now,
    )
    evidence_id = await _add_evidence(store, origin, photo, event_id, shared_with)
    await store.audit.append(
        action="attendance.check_in",
        subject=f"case:{case.id}",
        detail={"attendance_id": attendance_id, "outside_geofence": bool(outside)},
        **origin.audit_fields(),
    )
    await notices.tell(
        store,
        case.offender_person_id,
        key="attendance.offender_in",
        kind=NOTICE_KIND,
        about=f"check_in:{attendance_id}",
        now=origin.now,
        time=Clock(start, site.timezone),
        site=site.name,
    )
    return Recorded(
        Outcome.RECORDED,
        case=case,
        site=site,
        attendance_id=attendance_id,
        evidence_id=evidence_id,
        at=start,
        distance_m=distance,
        outside_geofence=bool(outside),
    )


async def check_out(
    origin: Origin,
    *,
    attendance_id: int,
    end: datetime,
    message: Message,
    photo: Photo | None = None,
    manual_reason: str | None = None,
) -> Recorded:
    """Close an open attendance, with a photo, or by hand with a reason when it was forgotten.

    The ledger is recomputed in the same transaction and the case settled against it.
    """
    async with origin.transaction() as store:
        return await record_check_out(
            store,
            origin,
            attendance_id=attendance_id,
            end=end,
            message=message,
            photo=photo,
            manual_reason=manual_reason,
        )


async def record_check_out(
    store: Store,
    origin: Origin,
    *,
    attendance_id: int,
    end: datetime,
    message: Message,
    photo: Photo | None = None,
    manual_reason: str | None = None,
    shared_with: int | None = None,
) -> Recorded:
    """A check-out inside the caller's transaction; ``shared_with`` as for a check-in."""
    found = await store.attendance.attendance(attendance_id)
    case = await store.cases.get(found[0]) if found else None
    allowed = await case_to_record(store, origin, case)
    if allowed.outcome is not Outcome.RECORDED:
        return allowed
    case, site = allowed.case, allowed.site
    assert case is not None and site is not None
    # The case's events, read and folded once for the start and the session's state alike.
    events = await store.attendance.events_of_case(case.id)
    records = fold(events)
    start = next((r.start for r in records if r.id == attendance_id), None)
    if start is None or await store.attendance.open_for_case(case.id) != attendance_id:
        return Recorded(Outcome.NOT_CHECKED_IN, case=case, site=site)
    # The session of the check-in's day must be under way: not closed by the jaksa's
    # correction meanwhile, nor cancelled.
    life, _ = await sessions.day_of(
        store, case, site, start.astimezone(ZoneInfo(site.timezone)).date(), records
    )
    if not allows(life, Step.CHECK_OUT):
        return Recorded(Outcome.NOT_CHECKED_IN, case=case, site=site, life=life)
    if (
        photo is not None
        and shared_with is None
        and await store.attendance.evidence_seen(photo.file_unique_id)
    ):
        return Recorded(Outcome.PHOTO_USED, case=case, site=site)
    if end <= start:
        return Recorded(Outcome.END_BEFORE_START, case=case, site=site)
    if end > origin.now + FUTURE_TOLERANCE:
        return Recorded(Outcome.END_IN_FUTURE, case=case, site=site)
    event_id = await store.attendance.add_event(
        attendance_id=attendance_id,
        kind=EventKind.CHECK_OUT,
        by=origin.person_id,
        now=origin.now,
        end=end,
        manual=manual_reason is not None,
        reason=manual_reason,
        chat_id=message.chat_id,
        message_id=message.message_id,
    )
    evidence_id = (
        await _add_evidence(store, origin, photo, event_id, shared_with)
        if photo is not None
        else None
    )
    # The events read above, and the one just written: nothing else wrote in between.
    closing = AttendanceEvent(
        seq=event_id,
        attendance_id=attendance_id,
        kind=EventKind.CHECK_OUT,
        end=end,
        manual=manual_reason is not None,
        reason=manual_reason,
    )
    ledger = await record_ledger(store, case, site, [*events, closing])
    await completion.settle(store, case, ledger, now=origin.now)
    credited = credit_for(ledger, attendance_id)
    await store.audit.append(
        action="attendance.check_out",
        subject=f"case:{case.id}",
        detail={
            "attendance_id": attendance_id,
            "manual": manual_reason is not None,
            "credited_minutes": credited,
        },
        **origin.audit_fields(),
    )
    await notices.tell(
        store,
        case.offender_person_id,
        key="attendance.offender_out",
        kind=NOTICE_KIND,
        about=f"check_out:{attendance_id}",
        now=origin.now,
        credited=Duration(credited),
        done=Duration(ledger.credited_minutes),
        total=format_hours(ledger.total_minutes),
    )
    return Recorded(
        Outcome.RECORDED,
        case=case,
        site=site,
        attendance_id=attendance_id,
        evidence_id=evidence_id,
        at=end,
        ledger=ledger,
        credited_minutes=credited,
    )


async def _my_sites(store: Store, origin: Origin) -> list[Site]:
    if origin.actor.person is None or not authority.supervises(origin.actor):
        return []
    return await store.sites.supervised_by(origin.actor.person.id)


async def _add_evidence(
    store: Store, origin: Origin, photo: Photo, event_id: int, shared_with: int | None
) -> int | None:
    return await store.attendance.add_evidence(
        file_id=photo.file_id,
        file_unique_id=photo.file_unique_id,
        size=photo.size,
        now=origin.now,
        event_id=event_id,
        shared_with=shared_with,
    )
