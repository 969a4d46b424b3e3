"""UU PDP for one case: export everything we hold about it, or purge it when its time is up.

Export gives the case's data subject (or an auditor) one ZIP: the case, its sessions and
their changes, the audit rows about it, and its evidence files. Purge keeps what the
statistics need (hours, dates, site, agency) and the audit trail, and removes the rest:
the offender's name, the decision number that identifies them, their Telegram identity
or the phone number they are called at, and their evidence photos.
"""

import json
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from domain.cases import CaseStatus
from domain.models import Case
from storage.private_files import create_private
from storage.repositories import Store

PURGED_NAME = "[dihapus]"


class NotPurgeable(Exception):
    """Why a case's data may not be removed yet."""


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    sessions: int
    audit_rows: int
    evidence_files: int


async def case_record(store: Store, case: Case) -> dict[str, Any]:
    """Everything stored about a case, as plain JSON-ready values."""
    site = await store.sites.get(case.site_id)
    agency = await store.agencies.get(case.agency_id)
    offender = await store.people.get(case.offender_person_id) if case.offender_person_id else None
    sessions = await store.cases.sessions_of(case.id, planned_only=False)
    return {
        "case": case.model_dump(mode="json"),
        "site": site.model_dump(mode="json") if site else None,
        "agency": agency.model_dump(mode="json") if agency else None,
        "offender_account": offender.model_dump(mode="json") if offender else None,
        # Without Telegram: the number their PK phones (UU PDP: theirs to see).
        "offender_phone": await store.phones.phone_of(case.id),
        "sessions": [s.model_dump(mode="json") for s in sessions],
        "session_events": await store.cases.session_events_of(case.id),
        "absences": await store.attendance.absences_of_case(case.id, withdrawn=True),
        "attendance_events": [
            {
                "seq": e.seq,
                "attendance_id": e.attendance_id,
                "kind": e.kind.value,
                "start": e.start.isoformat() if e.start else None,
                "end": e.end.isoformat() if e.end else None,
                "break_minutes": e.break_minutes,
                "manual": e.manual,
                "reason": e.reason,
            }
            for e in await store.attendance.events_of_case(case.id)
        ],
        "audit": await store.audit.rows_about(
            [f"case:{case.id}", *(f"session:{s.id}" for s in sessions)]
        ),
    }


async def export_case(store: Store, case: Case, *, target: Path, now: datetime) -> ExportSummary:
    record = await case_record(store, case)
    record["exported_at"] = now.isoformat()
    evidence = [
        Path(p) for p in await store.attendance.evidence_paths_of_case(case.id) if Path(p).exists()
    ]
    create_private(target)  # refuses an existing file, as mode "x" did
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{case.code}/case.json", json.dumps(record, ensure_ascii=False, indent=2))
        for path in evidence:
            archive.write(path, f"{case.code}/evidence/{path.name}")
    return ExportSummary(target, len(record["sessions"]), len(record["audit"]), len(evidence))


def check_purgeable(
    case: Case, closed_at: datetime | None, retention: timedelta, now: datetime
) -> None:
    if case.status is CaseStatus.ACTIVE or closed_at is None:
        raise NotPurgeable("the case is still active")
    if now < closed_at + retention:
        raise NotPurgeable(f"the retention period runs until {(closed_at + retention).date()}")


async def purge_case(store: Store, case: Case, *, retention: timedelta, now: datetime) -> int:
    """Remove the case's personal data; returns how many evidence files were deleted.

    Files go last, after the rows that point at them: if deleting one fails, the purge can
    simply be run again.
    """
    check_purgeable(case, await store.cases.closed_at(case.id), retention, now)
    paths = [Path(p) for p in await store.attendance.evidence_paths_of_case(case.id)]
    await store.cases.anonymise(case.id, code=case.code, now=now)
    await store.attendance.forget_evidence_of_case(case.id)
    await store.consequences.forget_case(case.id)  # the Berita Acara names the person
    await store.phones.clear(case.id)  # the number an offender without Telegram is phoned at
    await store.phones.forget_call_lists(case.id)
    if case.offender_person_id is not None:
        await store.people.anonymise_if_unattached(case.offender_person_id)
    deleted = 0
    for path in paths:
        # A group photo, or the same image kept for another case, stays theirs.
        if path.exists() and not await store.attendance.path_in_use(str(path)):
            path.unlink()
            deleted += 1
    return deleted
