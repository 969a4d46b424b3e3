"""A case's hours ledger, recomputed from its attendance events whenever it is needed."""

from domain.ledger import Ledger, compute_ledger, fold
from domain.models import Case, Site
from storage.repositories import Store


async def ledger_of(store: Store, case: Case, site: Site) -> Ledger:
    records = fold(await store.attendance.events_of_case(case.id))
    return compute_ledger(
        records, hours_total=case.hours_total, hours_per_day=case.hours_per_day, zone=site.timezone
    )
