"""Whether a case is finished, decided in one place for every change that moves its ledger.

A check-out, a typed check-out and a correction can all bring the credited hours to the
sentence's total, and a correction can take them below it again. Each of them calls
``settle`` inside its own transaction, so the case's status always follows its ledger, and
the jaksa, the PK and the offender hear of a completion however it came about. Their notices
are outbox rows written in that same transaction: they go out once, survive a crash, and are
paced with everything else the bot sends on its own. A completion records how the case
ended and queues its Berita Acara (``services.closing_record``); a reopening voids both.
"""

from datetime import datetime

from domain.cases import CaseStatus
from domain.ledger import Ledger
from domain.models import Case
from services import closing_record, notices
from storage.repositories import Store

COMPLETED_NOTICE = "notice.case_completed"


async def settle(store: Store, case: Case, ledger: Ledger, *, now: datetime) -> int:
    """Bring ``case``'s status in line with ``ledger``; tell who must know of a completion.

    Returns how many notices were written, so the caller can wake the outbox.
    """
    if ledger.completed and case.status is CaseStatus.ACTIVE:
        await store.cases.complete(case.id, now=now)
        minutes = case.hours_total * 60
        await store.consequences.close(
            case.id,
            outcome="selesai",
            consequence=None,
            minutes_total=minutes,
            minutes_credited=minutes,
            penalty_ordered=None,
            penalty_part=None,
            basis=None,
            reason=None,
            by=None,
            now=now,
        )
        written = await _announce(store, case, now)
        return written + await closing_record.deliver(store, case, now=now)
    if not ledger.completed and case.status is CaseStatus.COMPLETED:
        await store.cases.reopen(case.id)
        await store.consequences.reopened(case.id)
    return 0


async def _announce(store: Store, case: Case, now: datetime) -> int:
    recipients = [
        (case.jaksa_person_id, "attendance.completed"),
        (case.pk_person_id, "attendance.completed"),
        (case.offender_person_id, "attendance.offender_completed"),
    ]
    written = 0
    for person_id, key in recipients:
        written += await notices.tell(
            store,
            person_id,
            key=key,
            kind=COMPLETED_NOTICE,
            # A case can complete again after a correction reopened it: each time is news.
            about=f"completed:{case.id}:{now.isoformat()}",
            now=now,
            code=case.code,
            name=case.offender_name,
            hours=case.hours_total,
        )
    return written
