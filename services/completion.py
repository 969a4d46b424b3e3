"""Whether a case is finished, decided in one place for every change that moves its ledger.

A check-out, a typed check-out and a correction can all bring the credited hours to the
sentence's total, and a correction can take them below it again. Each of them calls
``settle`` inside its own transaction, so the case's status always follows its ledger, and
the jaksa, the PK and the offender hear of a completion however it came about. Their notices
are outbox rows written in that same transaction: they go out once, survive a crash, and are
paced with everything else the bot sends on its own.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from domain.cases import CaseStatus
from domain.ledger import Ledger
from domain.models import Case
from storage.repositories import Store
from texts import for_user

COMPLETED_NOTICE = "notice.case_completed"


class Change(Enum):
    NONE = "none"
    COMPLETED = "completed"
    REOPENED = "reopened"


@dataclass(frozen=True)
class Settled:
    change: Change
    #: Outbox rows written for the completion (jaksa, PK, offender), for the dispatcher.
    notices: int = 0


async def settle(store: Store, case: Case, ledger: Ledger, *, now: datetime) -> Settled:
    """Bring ``case``'s status in line with ``ledger``; tell who must know of a completion."""
    if ledger.completed and case.status is CaseStatus.ACTIVE:
        await store.cases.complete(case.id, now=now)
        return Settled(Change.COMPLETED, await _announce(store, case, now))
    if not ledger.completed and case.status is CaseStatus.COMPLETED:
        await store.cases.reopen(case.id)
        return Settled(Change.REOPENED)
    return Settled(Change.NONE)


async def _announce(store: Store, case: Case, now: datetime) -> int:
    staff = {case.jaksa_person_id, case.pk_person_id} - {None}
    recipients = [(person_id, "attendance.completed") for person_id in staff]
    if case.offender_person_id is not None:
        recipients.append((case.offender_person_id, "attendance.offender_completed"))
    written = 0
    for person_id, key in recipients:
        assert person_id is not None
        person = await store.people.get(person_id)
        if person is None:
            continue
        texts = for_user(person.language_code)
        # A case can complete again after a correction reopened it: each completion is news.
        written += await store.outbox.add(
            dedupe_key=f"completed:{case.id}:{now.isoformat()}:{person.id}",
            chat_id=person.telegram_user_id,
            kind=COMPLETED_NOTICE,
            payload={
                "text": texts(key, code=case.code, name=case.offender_name, hours=case.hours_total)
            },
            due_at=now,
            now=now,
        )
    return written
