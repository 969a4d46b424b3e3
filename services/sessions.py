"""A case's sessions as the record stands: which are still ahead ("next session"), and
what state a day's session is in (``domain.session_life``)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.ledger import fold
from domain.models import Case, Session, Site
from domain.schedule import still_ahead
from domain.session_life import Facts, Life, life_of
from storage.repositories import Store


async def ahead(store: Store, case: Case, site: Site, now: datetime) -> list[Session]:
    """Planned sessions not over and not yet attended or reported absent (an absence a
    correction withdrew does not count), in order."""
    zone = ZoneInfo(site.timezone)
    checked_in = {
        record.start.astimezone(zone).date()
        for record in fold(await store.attendance.events_of_case(case.id))
        if not record.void  # a voided record held nothing
    }
    absent = {str(a["day"]) for a in await store.attendance.absences_of_case(case.id)}
    sessions = await store.cases.sessions_of(case.id)
    handled = checked_in | {s.day for s in sessions if s.day.isoformat() in absent}
    return still_ahead(sessions, now=now, handled_days=handled)


async def life_on(store: Store, case: Case, site: Site, day: date) -> Life:
    """The state of the case's session on ``day`` (its local day), from the record.

    An absence a correction withdrew does not count. When the supervisor and the offender
    both reported the day, it waits for the jaksa while either is unruled."""
    zone = ZoneInfo(site.timezone)
    records = [
        r
        for r in fold(await store.attendance.events_of_case(case.id))
        if not r.void and r.start.astimezone(zone).date() == day
    ]
    absences = [
        a for a in await store.attendance.absences_of_case(case.id) if str(a["day"]) == str(day)
    ]
    that_day = await store.cases.case_sessions_on(case.id, day)
    planned = [s for s in that_day if s.status == "planned"]
    return life_of(
        Facts(
            cancelled=not planned and any(s.status == "cancelled" for s in that_day),
            checked_in=bool(records),
            checked_out=bool(records) and all(r.end is not None for r in records),
            absent=bool(absences),
            absence_ruling=_ruling(absences) if absences else None,
        )
    )


def _ruling(absences: list[dict[str, object]]) -> str:
    rulings = {str(a["ruling"] or "pending") for a in absences}
    return next((r for r in ("pending", "tidak_sah", "sah") if r in rulings), "pending")
