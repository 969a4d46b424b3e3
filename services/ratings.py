"""The pengawas's one-tap rating of a day's work and behaviour: *baik*, *cukup* or *kurang*.

Given once per attendance, after its check-out, for the people of today's session at the
pengawas's sites. It changes no hours: it informs the jaksa, who decides what it means, and
the PK (a *kurang* is told to both at once, through the outbox), and it is in the case's
report.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from domain.cases import CaseStatus
from domain.models import Case
from domain.session_life import Life
from services import attendance, notices, roll_call
from services.origin import Origin
from storage.repositories import Store

RATINGS = ("baik", "cukup", "kurang")
POOR = "kurang"
NOTICE_KIND = "rating"
NOTE_MAX = 300


@dataclass(frozen=True)
class ToRate:
    attendance_id: int
    case: Case


@dataclass(frozen=True)
class Rated:
    saved: int  # ratings kept now
    told: int  # notices queued for a "kurang"


async def to_rate(store: Store, origin: Origin) -> list[ToRate]:
    """Today's people at my sites whose day is over (checked out) and not rated yet."""
    found = []
    for row in await roll_call.today(store, origin):
        if row.life is not Life.ATTENDED or not row.attendance_ids:
            continue
        last = row.attendance_ids[-1]
        if last not in await store.attendance.ratings_of_case(row.case.id):
            found.append(ToRate(last, row.case))
    return found


async def rate_all(origin: Origin, ratings: Mapping[int, str], note: str | None = None) -> Rated:
    """Keep each rating, with the card's note if one was written, in one transaction: only
    for a closed attendance at a site of mine, once; a *kurang* is told to the case's jaksa
    and PK, with the note."""
    note = " ".join(note.split())[:NOTE_MAX] if note else None
    saved = told = 0
    async with origin.transaction() as store:
        for attendance_id, rating in ratings.items():
            case = await _closed_at_my_site(store, origin, attendance_id)
            if case is None or rating not in RATINGS:
                continue
            if not await store.attendance.rate(
                attendance_id, rating, note=note, by=origin.person_id, now=origin.now
            ):
                continue
            saved += 1
            await store.audit.append(
                action="attendance.rated",
                subject=f"case:{case.id}",
                detail={"attendance_id": attendance_id, "rating": rating},
                **origin.audit_fields(),
            )
            if rating == POOR:
                for person_id in (case.jaksa_person_id, case.pk_person_id):
                    told += await notices.tell(
                        store,
                        person_id,
                        key="rating.poor_staff",
                        kind=NOTICE_KIND,
                        about=f"rating:{attendance_id}",
                        now=origin.now,
                        name=case.offender_name,
                        code=case.code,
                        note=note or "—",
                    )
    return Rated(saved, told)


async def _closed_at_my_site(store: Store, origin: Origin, attendance_id: int) -> Case | None:
    found = await store.attendance.attendance(attendance_id)
    case = await store.cases.get(found[0]) if found else None
    allowed = await attendance.case_to_record(store, origin, case)
    # A check-out can complete the case: its last day is rated all the same.
    if allowed.outcome not in (attendance.Outcome.RECORDED, attendance.Outcome.CASE_FINISHED):
        return None
    if case is None or case.status is CaseStatus.CLOSED:
        return None
    if await store.attendance.open_for_case(case.id) == attendance_id:
        return None  # still open: its day is not over
    return case
