"""A case's sessions as the record stands: which are still ahead ("next session"), and
what state a day's session is in (``domain.session_life``)."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.ledger import AttendanceRecord, fold
from domain.models import Case, Session, Site
from domain.schedule import still_ahead
from domain.session_life import Facts, Life, life_of
from storage.repositories import Store


async def ahead(store: Store, case: Case, site: Site, now: datetime) -> list[Session]:
    """Planned sessions not over and not yet attended or reported absent (an absence a
    correction withdrew does not count), in order."""
    zone = ZoneInfo(site.timezone)
    checked_in = {
        day
        for record in fold(await store.attendance.events_of_case(case.id))
        if not record.void  # a voided record held nothing
        for day in days_covered(record, zone)
    }
    absent = {str(a["day"]) for a in await store.attendance.absences_of_case(case.id)}
    sessions = await store.cases.sessions_of(case.id)
    handled = checked_in | {s.day for s in sessions if s.day.isoformat() in absent}
    return still_ahead(sessions, now=now, handled_days=handled)


async def life_on(store: Store, case: Case, site: Site, day: date) -> Life:
    """The state of the case's session on ``day`` (its local day), from the record.

    An absence a correction withdrew does not count. When the supervisor and the offender
    both reported the day, it waits for the jaksa while either is unruled."""
    life, _ = await day_of(store, case, site, day)
    return life


async def day_of(
    store: Store,
    case: Case,
    site: Site,
    day: date,
    records: Sequence[AttendanceRecord] | None = None,
) -> tuple[Life, list[Session]]:
    """:func:`life_on`, and the case's sessions that day, which it reads anyway. ``records``:
    the case's attendance records (its events folded), when the caller has just read them
    in this transaction."""
    zone = ZoneInfo(site.timezone)
    if records is None:
        records = fold(await store.attendance.events_of_case(case.id))
    records = [r for r in records if not r.void and day in days_covered(r, zone)]
    absences = [
        a for a in await store.attendance.absences_of_case(case.id) if str(a["day"]) == str(day)
    ]
    that_day = await store.cases.case_sessions_on(case.id, day)
    planned = [s for s in that_day if s.status == "planned"]
    life = life_of(
        Facts(
            cancelled=not planned and any(s.status == "cancelled" for s in that_day),
            checked_in=bool(records),
            checked_out=bool(records) and all(r.end is not None for r in records),
            absent=bool(absences),
            absence_ruling=_ruling(absences) if absences else None,
        )
    )
    return life, that_day


def days_covered(record: AttendanceRecord, zone: ZoneInfo) -> list[date]:
    """The local days a record has time on: its check-in's, and each later one its check-out
    reaches into (the ledger credits a record past midnight on both days, so both are
    attended). An open record covers its first day."""
    first = record.start.astimezone(zone).date()
    if record.end is None or record.end <= record.start:
        return [first]
    last = (record.end - timedelta(microseconds=1)).astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _ruling(absences: list[dict[str, object]]) -> str:
    rulings = {str(a["ruling"] or "pending") for a in absences}
    return next((r for r in ("pending", "tidak_sah", "sah") if r in rulings), "pending")
