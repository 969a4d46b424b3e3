"""A session recorded as a whole: the pengawas sees everyone expected today at their sites,
and checks several in (or out) with one photo of the group.

Each person's check-in or check-out is the same use case as one at a time
(``services.attendance``), with the same rules, evidence, audit row and notice; a roll-call
only runs them in one transaction, so a group photo is recorded for everyone it shows or for
nobody. Its first record keeps the photo; the others share that evidence (one download, one
hash), and the photo is refused for any later roll-call as it is for a single check-in.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.cases import CaseStatus
from domain.ledger import credit_for, fold
from domain.models import Case, Site
from domain.session_life import Life
from services import notices, sessions
from services.attendance import (
    Message,
    Outcome,
    Photo,
    Recorded,
    local_midnight,
    record_check_in,
    record_check_out,
)
from services.ledger import ledger_of
from services.origin import Origin
from storage.repositories import Store

#: Why a day was cut short: behaviour, the weather, no tools or work, another reason.
SENT_HOME_CAUSES = ("perilaku", "cuaca", "sarana", "lainnya")
BEHAVIOUR = "perilaku"
#: An arrival within this of the session's start is on time; later, the card says how late.
LATE_GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class Expected:
    """One offender expected at a site today, as the session card shows them."""

    case: Case
    site: Site
    life: Life
    arrived: datetime | None = None  # the day's first check-in
    left: datetime | None = None  # the day's last check-out, once nobody is still in
    credited_minutes: int = 0  # credited for the day's records
    late_minutes: int = 0  # arrived this long after the session's start, past the grace
    attendance_ids: tuple[int, ...] = ()  # the day's records, first to last

    @property
    def late(self) -> bool:
        return self.late_minutes > 0


async def sites_today(store: Store, origin: Origin) -> list[Site]:
    """The sites I supervise with a session planned today (their local day)."""
    if origin.actor.person is None:
        return []
    found = []
    for site in await store.sites.supervised_by(origin.actor.person.id):
        day = local_midnight(origin.now, site).date()
        if await store.cases.site_sessions(site.id, day, day):
            found.append(site)
    return found


async def today(store: Store, origin: Origin) -> list[Expected]:
    """Everyone with a session today at the sites I supervise, in order of their session,
    with where their day stands."""
    if origin.actor.person is None:
        return []
    found = []
    for site in await store.sites.supervised_by(origin.actor.person.id):
        day = local_midnight(origin.now, site).date()
        zone = ZoneInfo(site.timezone)
        for session in await store.cases.site_sessions(site.id, day, day):
            case = await store.cases.get(session.case_id)
            if case is None or case.status is not CaseStatus.ACTIVE:
                continue
            life = await sessions.life_on(store, case, site, day)
            records = [
                r
                for r in fold(await store.attendance.events_of_case(case.id))
                if not r.void and r.start.astimezone(zone).date() == day
            ]
            ledger = await ledger_of(store, case, site) if records else None
            late = (records[0].start - session.starts_at) if records else timedelta(0)
            found.append(
                Expected(
                    case=case,
                    site=site,
                    life=life,
                    arrived=records[0].start if records else None,
                    left=records[-1].end if records and life is Life.ATTENDED else None,
                    credited_minutes=sum(credit_for(ledger, r.id) for r in records)
                    if ledger
                    else 0,
                    late_minutes=int(late.total_seconds() // 60) if late > LATE_GRACE else 0,
                    attendance_ids=tuple(r.id for r in records),
                )
            )
    return found


async def check_in_all(
    origin: Origin,
    *,
    case_ids: list[int],
    photo: Photo,
    message: Message,
    location: tuple[float, float] | None = None,
) -> list[Recorded]:
    """Check in everyone chosen with one photo: each as a single check-in would, the photo's
    evidence shared. One result per case, in order; a refusal of one (already in, absent
    today) does not keep the others out."""
    results: list[Recorded] = []
    async with origin.transaction() as store:
        shared: int | None = None
        for case_id in dict.fromkeys(case_ids):
            result = await record_check_in(
                store,
                origin,
                case_id=case_id,
                photo=photo,
                message=message,
                location=location,
                shared_with=shared,
            )
            if result.outcome is Outcome.RECORDED and shared is None:
                shared = result.evidence_id
            results.append(result)
    return results


async def check_out_all(
    origin: Origin,
    *,
    attendance_ids: list[int],
    end: datetime,
    message: Message,
    photo: Photo | None = None,
    manual_reason: str | None = None,
    sent_home: tuple[str, str] | None = None,
) -> list[Recorded]:
    """Check out everyone chosen at ``end``, with one photo (or by hand, with one reason):
    each credited under the law's caps as a single check-out would be. ``sent_home`` is
    ``(cause, reason)`` when the pengawas cut the day short (``SENT_HOME_CAUSES``): it is
    kept with each check-out, and one for behaviour is told to the jaksa and the PK."""
    if sent_home is not None and sent_home[0] not in SENT_HOME_CAUSES:
        raise ValueError(f"unknown cause {sent_home[0]!r}")
    results: list[Recorded] = []
    async with origin.transaction() as store:
        shared: int | None = None
        for attendance_id in dict.fromkeys(attendance_ids):
            result = await record_check_out(
                store,
                origin,
                attendance_id=attendance_id,
                end=end,
                message=message,
                photo=photo,
                manual_reason=manual_reason,
                shared_with=shared,
            )
            if result.outcome is Outcome.RECORDED and shared is None:
                shared = result.evidence_id
            if result.outcome is Outcome.RECORDED and sent_home is not None:
                await _send_home(store, origin, attendance_id, result, *sent_home)
            results.append(result)
    return results


async def _send_home(
    store: Store, origin: Origin, attendance_id: int, result: Recorded, cause: str, reason: str
) -> None:
    case = result.case
    assert case is not None
    await store.attendance.send_home(
        attendance_id, cause, reason, by=origin.person_id, now=origin.now
    )
    await store.audit.append(
        action="attendance.sent_home",
        subject=f"case:{case.id}",
        detail={"attendance_id": attendance_id, "cause": cause},
        **origin.audit_fields(),
    )
    if cause == BEHAVIOUR:
        for person_id in (case.jaksa_person_id, case.pk_person_id):
            await notices.tell(
                store,
                person_id,
                key="sent_home.behaviour_staff",
                kind="sent_home",
                about=f"sent_home:{attendance_id}",
                now=origin.now,
                name=case.offender_name,
                code=case.code,
                reason=reason,
            )
