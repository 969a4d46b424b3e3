"""A case's hours ledger, recomputed from its attendance events whenever it is needed."""

from collections.abc import Sequence

from domain.ledger import AttendanceEvent, Ledger, ledger_of_case, minutes_by_day
from domain.models import Case, Site
from storage.repositories import Store


async def ledger_of(store: Store, case: Case, site: Site) -> Ledger:
    return ledger_of_case(case, site.timezone, await store.attendance.events_of_case(case.id))


async def record_ledger(
    store: Store, case: Case, site: Site, events: Sequence[AttendanceEvent] | None = None
) -> Ledger:
    """The ledger after an attendance change, inside that change's transaction: the per-day
    sums the digests read are rewritten with it, so they never disagree with the events.
    ``events``: every event of the case, the change's own included, when the caller read
    them already in this transaction; otherwise they are read here."""
    if events is None:
        ledger = await ledger_of(store, case, site)
    else:
        ledger = ledger_of_case(case, site.timezone, events)
    await store.ledger_days.replace(case.id, minutes_by_day(ledger))
    return ledger
