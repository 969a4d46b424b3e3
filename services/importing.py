"""Importing a filled spreadsheet: everything in one transaction, or nothing.

The rows have already been read and checked (``domain.spreadsheet``). Here their names are
resolved against the database (host agency, site, jaksa and PK) and every reference is
checked before anything is written, so an error anywhere means nothing is imported. A site
whose name exists, or a case whose decision number exists, is counted as already there and
skipped: importing the same file twice adds nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domain.actor import Actor
from domain.models import Agency, Membership, Site
from domain.roles import AgencyType, Role
from domain.spreadsheet import SHEET_CASES, SHEET_SITES, CaseRow, CellError, ParsedUpload
from services.cases import CreatedCase, create_case
from storage.repositories import Store

HOST_TYPES = frozenset({AgencyType.PEMPROV, AgencyType.PEMKAB, AgencyType.PEMKOT, AgencyType.DINAS})


@dataclass
class ImportReport:
    errors: list[CellError] = field(default_factory=list)
    sites_added: int = 0
    sites_existing: int = 0
    cases_added: int = 0
    cases_existing: int = 0
    #: (case code, minutes the schedule falls short) for cases the days cannot hold.
    shortfalls: list[tuple[str, int]] = field(default_factory=list)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass
class _Resolved:
    hosts: dict[int, Agency] = field(default_factory=dict)  # site row -> host agency
    jaksa: dict[int, Membership] = field(default_factory=dict)  # case row -> membership
    pk: dict[int, int | None] = field(default_factory=dict)  # case row -> person id


async def import_upload(
    store: Store,
    parsed: ParsedUpload,
    *,
    importer: Actor,
    now: datetime,
    invitation_validity: timedelta,
    audit: dict[str, Any],
) -> ImportReport:
    """Resolve and import ``parsed`` inside the caller's transaction.

    When the report has errors nothing was written; the caller shows them.
    """
    report = ImportReport(errors=list(parsed.errors))
    resolved = _Resolved()
    existing_sites = {_key(s.name): s for s in await store.sites.all()}
    existing_site_keys = set(existing_sites)
    agencies = {_key(a.name): a for a in await store.agencies.all()}
    for row in parsed.sites:
        agency = agencies.get(_key(row.host_agency_name))
        if agency is None:
            report.errors.append(
                CellError(
                    SHEET_SITES,
                    row.row,
                    "instansi_tuan_rumah",
                    "import.unknown_agency",
                    {"value": row.host_agency_name},
                )
            )
        elif agency.type not in HOST_TYPES:
            report.errors.append(
                CellError(
                    SHEET_SITES,
                    row.row,
                    "instansi_tuan_rumah",
                    "import.not_host_agency",
                    {"value": row.host_agency_name},
                )
            )
        else:
            resolved.hosts[row.row] = agency
    file_sites = {_key(r.name) for r in parsed.sites}
    # A site row with its own errors is not in parsed.sites; do not also blame the cases
    # that name it.
    sites_sheet_broken = any(e.sheet == SHEET_SITES for e in parsed.errors)
    known = await store.cases.existing_decision_numbers([r.decision_number for r in parsed.cases])
    for case_row in parsed.cases:
        site_key = _key(case_row.site_name)
        if site_key not in existing_site_keys | file_sites and not sites_sheet_broken:
            report.errors.append(
                CellError(
                    SHEET_CASES,
                    case_row.row,
                    "lokasi",
                    "import.unknown_site",
                    {"value": case_row.site_name},
                )
            )
        await _resolve_people(store, case_row, importer, resolved, report)
    if report.errors:
        return report

    sites_by_name = dict(existing_sites)
    for row in parsed.sites:
        if _key(row.name) in existing_sites:
            report.sites_existing += 1
            continue
        agency = resolved.hosts[row.row]
        site = await store.sites.add(
            row.to_draft(agency.id, agency.timezone),
            declared_by=importer.person.id if importer.person else None,
            now=now,
        )
        sites_by_name[_key(site.name)] = site
        report.sites_added += 1
        await store.audit.append(
            action="site.created",
            subject=f"site:{site.id}",
            detail={"host_agency_id": agency.id, "import": True},
            **audit,
        )
    for case_row in parsed.cases:
        if case_row.decision_number.casefold() in known:
            report.cases_existing += 1
            continue
        created = await _create(
            store, case_row, sites_by_name, resolved, importer, now, invitation_validity, audit
        )
        if created is None:  # the same decision twice in this run cannot happen: parsed
            report.cases_existing += 1
            continue
        report.cases_added += 1
        if created.plan.shortfall_minutes > 0:
            report.shortfalls.append((created.case.code, created.plan.shortfall_minutes))
    return report


async def _resolve_people(
    store: Store, row: CaseRow, importer: Actor, resolved: _Resolved, report: ImportReport
) -> None:
    jaksa_id = row.jaksa_telegram_id or importer.telegram_user_id
    person = await store.people.by_telegram_id(jaksa_id)
    memberships = (
        [m for m in await store.people.memberships_of(person.id) if m.role is Role.JAKSA]
        if person
        else []
    )
    allowed = [
        m
        for m in memberships
        if importer.is_admin or m.agency_id in importer.agencies_as(Role.JAKSA)
    ]
    if not allowed:
        key = "import.jaksa_required" if row.jaksa_telegram_id is None else "import.unknown_jaksa"
        report.errors.append(
            CellError(SHEET_CASES, row.row, "jaksa_telegram_id", key, {"value": jaksa_id})
        )
    else:
        resolved.jaksa[row.row] = allowed[0]
    if row.pk_telegram_id is None:
        resolved.pk[row.row] = None
        return
    pk = await store.people.by_telegram_id(row.pk_telegram_id)
    if pk is None or not any(m.role is Role.PK for m in await store.people.memberships_of(pk.id)):
        report.errors.append(
            CellError(
                SHEET_CASES,
                row.row,
                "pk_telegram_id",
                "import.unknown_pk",
                {"value": row.pk_telegram_id},
            )
        )
    else:
        resolved.pk[row.row] = pk.id


async def _create(
    store: Store,
    row: CaseRow,
    sites: dict[str, Site],
    resolved: _Resolved,
    importer: Actor,
    now: datetime,
    invitation_validity: timedelta,
    audit: dict[str, Any],
) -> CreatedCase | None:
    membership = resolved.jaksa[row.row]
    site = sites[_key(row.site_name)]
    return await create_case(
        store,
        row.to_draft(site.id, membership.person_id, resolved.pk[row.row]),
        agency_id=membership.agency_id,
        created_by=importer.person.id if importer.person else None,
        now=now,
        invitation_validity=invitation_validity,
        audit=audit,
        invite_offender=False,
    )
