"""A jaksa's correction of an attendance record, or its voiding, or of an absence into
attendance, always with a reason.

A correction is a new event: the original stays among the events and in the audit log, and
the ledger is recomputed from all of them. An absence corrected into attendance stays too,
marked withdrawn with the reason and the attendance it became. The recomputed ledger, the
case's status that follows it (a correction can complete a case, or reopen one), the
completion notices and the audit row commit with the change, in one transaction. Each asks
the session's life (``domain.session_life``) first: a refusal says what the session is now.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain import authority
from domain.ledger import AttendanceRecord, EventKind, Ledger, credit_for, fold
from domain.models import Case, Site
from domain.session_life import Life, Step, allows
from services import completion, sessions
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
    ABSENCE_CORRECTED = "absence_corrected"  # the absence is withdrawn, attendance recorded
    NOT_NOW = "not_now"  # the session's state does not allow it: ``life`` says what it is


@dataclass(frozen=True)
class Correctable:
    """A case's records that may still be corrected, with the ledger that credits them."""

    case: Case
    site: Site
    ledger: Ledger
    records: list[AttendanceRecord]
    absences: list[dict[str, object]]  # standing, on days up to today: may become attendance


@dataclass(frozen=True)
class Corrected:
    outcome: Outcome
    case: Case | None = None
    ledger: Ledger | None = None
    credited_minutes: int = 0  # what the corrected record earns now
    attendance_id: int | None = None  # the record corrected, or the one an absence became
    life: Life | None = None  # the session's state, when that is why nothing was changed


async def correctable(store: Store, origin: Origin, code: str) -> Correctable | None:
    """None if this actor manages no case of that code (another Kejari's is not admitted to
    exist); voided records are left out: there is no un-void. So are absences withdrawn
    already, and those of days still ahead (nobody can have attended them yet)."""
    case = await store.cases.by_code(code)
    if case is None or not authority.manages_case(origin.actor, case):
        return None
    site = await store.sites.get(case.site_id)
    assert site is not None
    ledger = await ledger_of(store, case, site)
    records = [r for r in fold(await store.attendance.events_of_case(case.id)) if not r.void]
    today = origin.now.astimezone(ZoneInfo(site.timezone)).date()
    absences = [
        a
        for a in await store.attendance.absences_of_case(case.id)
        if date.fromisoformat(str(a["day"])) <= today
    ]
    return Correctable(case, site, ledger, records, absences)


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
        found = await _record_to_change(store, origin, attendance_id, Step.CORRECT_ATTENDANCE)
        if isinstance(found, Corrected):
            return found
        case, site, record = found
        day = record.start.astimezone(ZoneInfo(site.timezone)).date()
        times = _times_on(origin, case, site, day, start, end, reason)
        if isinstance(times, Corrected):
            return times
        first, last = times
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
        found = await _record_to_change(store, origin, attendance_id, Step.VOID_ATTENDANCE)
        if isinstance(found, Corrected):
            return found
        case, site, record = found
        if len(reason) < REASON_MIN:
            return Corrected(Outcome.REASON_TOO_SHORT, case=case)
        return await _apply(
            store, origin, Outcome.VOIDED, case, site, record, reason=reason, message=message
        )


async def absence_to_attendance(
    origin: Origin,
    *,
    absence_id: int,
    start: time,
    end: time,
    break_minutes: int | None,
    reason: str,
    message: Message,
) -> Corrected:
    """The offender was there after all: withdraw the absence (ruled or not; the row stays,
    marked) and record attendance from ``start`` to ``end`` on its day, by hand, with the
    reason. Another report of the same day (the supervisor's and the offender's) goes too."""
    async with origin.transaction() as store:
        absence = await store.attendance.absence(absence_id)
        case = await store.cases.get(int(str(absence["case_id"]))) if absence else None
        site = await store.sites.get(case.site_id) if case else None
        if absence is None or case is None or site is None:
            return Corrected(Outcome.STALE)
        if not authority.manages_case(origin.actor, case):
            return Corrected(Outcome.NOT_YOURS, case=case)
        day = date.fromisoformat(str(absence["day"]))
        life = await sessions.life_on(store, case, site, day)
        if absence["withdrawn_at"] is not None:
            return Corrected(Outcome.STALE, case=case, life=life)
        if not allows(life, Step.CORRECT_ABSENCE):
            return Corrected(Outcome.NOT_NOW, case=case, life=life)
        times = _times_on(origin, case, site, day, start, end, reason)
        if isinstance(times, Corrected):
            return times
        first, last = times
        reason = reason[:REASON_MAX]
        planned = [
            s for s in await store.cases.case_sessions_on(case.id, day) if s.status == "planned"
        ]
        # The jaksa's message is the check-in's (one event per message); the rest follow it.
        attendance_id, _ = await store.attendance.check_in(
            case_id=case.id,
            session_id=planned[0].id if planned else None,
            site_id=site.id,
            by=origin.person_id,
            start=first,
            chat_id=message.chat_id,
            message_id=message.message_id,
            location=None,
            now=origin.now,
        )
        await store.attendance.add_event(
            attendance_id=attendance_id,
            kind=EventKind.CHECK_OUT,
            by=origin.person_id,
            now=origin.now,
            end=last,
            manual=True,
            reason=reason,
        )
        if break_minutes:
            await store.attendance.add_event(
                attendance_id=attendance_id,
                kind=EventKind.BREAK,
                by=origin.person_id,
                now=origin.now,
                break_minutes=break_minutes,
                manual=True,
                reason=reason,
            )
        withdrawn = []
        for same_day in await store.attendance.absences_of_case(case.id):
            if same_day["day"] == absence["day"] and await store.attendance.withdraw_absence(
                int(str(same_day["id"])),
                reason=reason,
                attendance_id=attendance_id,
                by=origin.person_id,
                now=origin.now,
            ):
                withdrawn.append(int(str(same_day["id"])))
        ledger = await record_ledger(store, case, site)
        await completion.settle(store, case, ledger, now=origin.now)
        credited = credit_for(ledger, attendance_id)
        await store.audit.append(
            action="absence.corrected",
            subject=f"case:{case.id}",
            detail={
                "absence_ids": withdrawn,
                "ruling": absence["ruling"],
                "attendance_id": attendance_id,
                "after": [first.isoformat(), last.isoformat()],
                "break_minutes": break_minutes or 0,
                "credited_minutes": credited,
            },
            **origin.audit_fields(),
        )
    return Corrected(
        Outcome.ABSENCE_CORRECTED,
        case=case,
        ledger=ledger,
        credited_minutes=credited,
        attendance_id=attendance_id,
    )


def _times_on(
    origin: Origin, case: Case, site: Site, day: date, start: time, end: time, reason: str
) -> tuple[datetime, datetime] | Corrected:
    """The corrected start and end, as instants on ``day`` in the site's zone, or why they
    cannot be taken: both corrections, of a record and of an absence, ask the same."""
    zone = ZoneInfo(site.timezone)
    first = datetime.combine(day, start, tzinfo=zone)
    last = datetime.combine(day, end, tzinfo=zone)
    if last <= first:
        return Corrected(Outcome.END_BEFORE_START, case=case)
    if last > origin.now:
        return Corrected(Outcome.END_IN_FUTURE, case=case)
    if len(reason) < REASON_MIN:
        return Corrected(Outcome.REASON_TOO_SHORT, case=case)
    return first, last


async def _record_to_change(
    store: Store, origin: Origin, attendance_id: int, step: Step
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
    life = await sessions.life_on(
        store, case, site, record.start.astimezone(ZoneInfo(site.timezone)).date()
    )
    if not allows(life, step):
        return Corrected(Outcome.NOT_NOW, case=case, life=life)
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
        outcome,
        case=case,
        ledger=ledger,
        credited_minutes=credit_for(ledger, record.id),
        attendance_id=record.id,
    )
