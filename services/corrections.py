"""A jaksa's correction of an attendance record, or its voiding, always with a reason.

A correction is a new event: the original stays among the events and in the audit log, and
the ledger is recomputed from all of them. The recomputed ledger, the case's status that
follows it (a correction can complete a case, or reopen one), the completion notices and
the audit row commit with the event, in one transaction.
"""

from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain import authority
from domain.ledger import AttendanceRecord, EventKind, Ledger, credit_for, fold
from domain.models import Case, Site
from services import completion
from services.attendance import Message
from services.ledger import ledger_of, record_ledger
from services.origin import Origin
from storage.repositories import Store

REASON_MIN, REASON_MAX = 5, 300


class Outcome(StrEnum):
    CORRECTED = "corrected"
    VOIDED = "voided"
    STALE = "stale"  # no such record, or it is void already
    NOT_YOURS = "not_yours"
    END_BEFORE_START = "end_before_start"
    END_IN_FUTURE = "end_in_future"
    REASON_TOO_SHORT = "reason_too_short"


@dataclass(frozen=True)
class Correctable:
    """A case's records that may still be corrected, with the ledger that credits them."""

    case: Case
    site: Site
    ledger: Ledger
    records: list[AttendanceRecord]


@dataclass(frozen=True)
class Corrected:
    outcome: Outcome
    case: Case | None = None
    ledger: Ledger | None = None
    credited_minutes: int = 0  # what the corrected record earns now


async def correctable(store: Store, origin: Origin, code: str) -> Correctable | None:
    """None if this actor manages no case of that code (another Kejari's is not admitted to
    exist); voided records are left out: there is no un-void."""
    case = await store.cases.by_code(code)
    if case is None or not authority.manages_case(origin.actor, case):
        return None
    site = await store.sites.get(case.site_id)
    assert site is not None
    ledger = await ledger_of(store, case, site)
    records = [r for r in fold(await store.attendance.events_of_case(case.id)) if not r.void]
    return Correctable(case, site, ledger, records)


async def correct_attendance(
    origin: Origin,
    *,
    attendance_id: int,
    start: time,
    end: time,
    break_minutes: int | None,
    reason: str,
    message: Message,
) -> Corrected:
    """Set the record's start and end (times on its own local day) and, if given, its break."""
    async with origin.transaction() as store:
        found = await _record_to_change(store, origin, attendance_id)
        if isinstance(found, Corrected):
            return found
        case, site, record = found
        zone = ZoneInfo(site.timezone)
        day = record.start.astimezone(zone).date()
        first = datetime.combine(day, start, tzinfo=zone)
        last = datetime.combine(day, end, tzinfo=zone)
        if last <= first:
            return Corrected(Outcome.END_BEFORE_START, case=case)
        if last > origin.now:
            return Corrected(Outcome.END_IN_FUTURE, case=case)
        if len(reason) < REASON_MIN:
            return Corrected(Outcome.REASON_TOO_SHORT, case=case)
        return await _apply(
            store,
            origin,
            Outcome.CORRECTED,
            case,
            site,
            record,
            reason=reason,
            message=message,
            start=first,
            end=last,
            break_minutes=break_minutes,
        )


async def void_attendance(
    origin: Origin, *, attendance_id: int, reason: str, message: Message
) -> Corrected:
    """Void a record entered for the wrong person or day: it credits nothing any more."""
    async with origin.transaction() as store:
        found = await _record_to_change(store, origin, attendance_id)
        if isinstance(found, Corrected):
            return found
        case, site, record = found
        if len(reason) < REASON_MIN:
            return Corrected(Outcome.REASON_TOO_SHORT, case=case)
        return await _apply(
            store, origin, Outcome.VOIDED, case, site, record, reason=reason, message=message
        )


async def _record_to_change(
    store: Store, origin: Origin, attendance_id: int
) -> tuple[Case, Site, AttendanceRecord] | Corrected:
    found = await store.attendance.attendance(attendance_id)
    case = await store.cases.get(found[0]) if found else None
    site = await store.sites.get(case.site_id) if case else None
    if case is None or site is None:
        return Corrected(Outcome.STALE)
    if not authority.manages_case(origin.actor, case):
        return Corrected(Outcome.NOT_YOURS, case=case)
    events = await store.attendance.events_of_case(case.id)
    record = next((r for r in fold(events) if r.id == attendance_id), None)
    if record is None or record.void:
        return Corrected(Outcome.STALE, case=case)
    return case, site, record


async def _apply(
    store: Store,
    origin: Origin,
    outcome: Outcome,
    case: Case,
    site: Site,
    record: AttendanceRecord,
    *,
    reason: str,
    message: Message,
    start: datetime | None = None,
    end: datetime | None = None,
    break_minutes: int | None = None,
) -> Corrected:
    kind = EventKind.VOID if outcome is Outcome.VOIDED else EventKind.CORRECTION
    await store.attendance.add_event(
        attendance_id=record.id,
        kind=kind,
        by=origin.person_id,
        now=origin.now,
        start=start,
        end=end,
        break_minutes=break_minutes,
        manual=True,
        reason=reason[:REASON_MAX],
        chat_id=message.chat_id,
        message_id=message.message_id,
    )
    ledger = await record_ledger(store, case, site)
    await completion.settle(store, case, ledger, now=origin.now)
    await store.audit.append(
        action="attendance.corrected",
        subject=f"case:{case.id}",
        detail={
            "attendance_id": record.id,
            "kind": kind.value,
            "before": [record.start.isoformat(), record.end.isoformat() if record.end else None],
            "after": [start.isoformat() if start else None, end.isoformat() if end else None],
        },
        **origin.audit_fields(),
    )
    return Corrected(
        outcome, case=case, ledger=ledger, credited_minutes=credit_for(ledger, record.id)
    )
