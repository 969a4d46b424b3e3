"""Importing a filled spreadsheet: all or nothing for its users, a few cases at a time.

:func:`parse` reads the file (``domain.spreadsheet``) in a worker thread: openpyxl is CPU
work the event loop must not wait for. :func:`check` then resolves the rows' names against
the database (host agency, site, jaksa and PK) on the read connection, outside the writer,
and any error means nothing is written. A site whose name exists, or a case whose decision
number exists, is counted as already there and skipped: importing the same file twice adds
nothing.

:func:`import_in_chunks` writes what was checked in short transactions (``CHUNK_CASES``
cases each) and lets go of the writer in between, so that a check-in never waits for a
whole import. All or nothing, still, for the people using the bot:

* every site and case the import adds carries its batch (``import_batches``), stamped in
  the transaction that adds it, and the batch is published (``done``) in one last
  transaction, which also claims the Telegram update when the import came from the bot;
* if any chunk or the publishing fails, the chunks already written are deleted again (a
  compensating transaction, :func:`_undo`); so is a batch that a crashed process left
  ``running`` (:func:`undo_abandoned`, run first by every import);
* imports run one at a time, in this process and across processes (the CLI): a lock file
  next to the database, held while an import runs, so no import checks its rows against
  another's unfinished batch, and a ``running`` batch found while holding it is abandoned.

What a user may see meanwhile: the chunks written so far are committed, so for the seconds a
large import takes its first cases already show in lists, the digest, and the reminders
planned for the next 48 hours; if the import then fails they disappear again, and a reminder
written for one of their sessions is withdrawn by the dispatcher, which finds the session
gone. The audit log keeps the ``case.created`` rows of a batch that was taken back (it is
append-only) and says ``import.undone``, and the case codes it used are not given out again.
A case someone acted on in those seconds (a check-in, an absence, a redeemed invitation) is
not deleted with its batch; the undo names it (``kept``) in the audit log and the log.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from domain.actor import Actor
from domain.agencies import HOST_TYPES as HOSTS
from domain.agencies import fits
from domain.authority import holds, manages_agency
from domain.models import Agency, Membership, Person, Site
from domain.roles import Role
from domain.spreadsheet import (
    SHEET_CASES,
    SHEET_SITES,
    CaseRow,
    CellError,
    ParsedUpload,
    SiteRow,
    parse_upload,
)
from services.cases import CreatedCase, create_case
from services.import_batches import one_import_at_a_time as _one_import_at_a_time
from services.import_batches import undo as _undo
from services.import_batches import undo_abandoned as undo_abandoned  # for callers and tests
from services.import_batches import undo_unfinished as _undo_unfinished
from storage.db import Database
from storage.repositories import Store

log = logging.getLogger(__name__)

HOST_TYPES = frozenset(HOSTS)  # domain.agencies: the kinds of agency that host sites

#: Cases per transaction: a case with its planned sessions and audit row takes a few
#: milliseconds of the writer, so a chunk holds it well under 100 ms.
CHUNK_CASES = 10
#: Sites per transaction: a site is one row and an audit row.
CHUNK_SITES = 50

Transaction = Callable[[], AbstractAsyncContextManager[Store]]
_Row = TypeVar("_Row", SiteRow, CaseRow)


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


@dataclass
class Checked:
    """An upload resolved against the database, with no errors: what is to be written."""

    resolved: _Resolved
    sites: dict[str, Site]  # the sites stored when it was checked, by _key
    new_sites: list[SiteRow]
    new_cases: list[CaseRow]
    sites_existing: int
    cases_existing: int


async def parse(data: bytes, filename: str, *, today: date) -> ParsedUpload:
    """``domain.spreadsheet.parse_upload`` in a worker thread."""
    return await asyncio.to_thread(parse_upload, data, filename, today=today)


async def check(
    store: Store, parsed: ParsedUpload, *, importer: Actor
) -> tuple[ImportReport, Checked | None]:
    """Resolve every reference of ``parsed``; with any error the report has them all and
    there is nothing to write (None). Reads only: the read connection will do."""
    report = ImportReport(errors=list(parsed.errors))
    resolved = _Resolved()
    existing_sites = {_key(s.name): s for s in await store.sites.all()}
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
    people = _People(store)
    for case_row in parsed.cases:
        site_key = _key(case_row.site_name)
        if site_key not in existing_sites.keys() | file_sites and not sites_sheet_broken:
            report.errors.append(
                CellError(
                    SHEET_CASES,
                    case_row.row,
                    "lokasi",
                    "import.unknown_site",
                    {"value": case_row.site_name},
                )
            )
        await _resolve_people(people, case_row, importer, resolved, report)
    if report.errors:
        return report, None
    new_sites = [r for r in parsed.sites if _key(r.name) not in existing_sites]
    new_cases = [r for r in parsed.cases if r.decision_number.casefold() not in known]
    return report, Checked(
        resolved=resolved,
        sites=existing_sites,
        new_sites=new_sites,
        new_cases=new_cases,
        sites_existing=len(parsed.sites) - len(new_sites),
        cases_existing=len(parsed.cases) - len(new_cases),
    )


async def import_in_chunks(
    db: Database,
    parsed: ParsedUpload,
    *,
    importer: Actor,
    now: datetime,
    invitation_validity: timedelta,
    audit: dict[str, Any],
    publish: Transaction | None = None,
    chunk_size: int | None = None,
) -> ImportReport:
    """Check ``parsed`` and import it a chunk at a time, all or nothing (see the module).

    ``publish`` is the last transaction, the one that makes the batch done (default
    ``db.transaction``; the bot passes the request's, which claims the update);
    ``chunk_size`` is cases per transaction (default ``CHUNK_CASES``). When the
    report has errors nothing was written; the caller shows them. If writing fails, what
    was written is taken back and the error is raised.
    """
    async with _one_import_at_a_time(db):
        await _undo_unfinished(db, now)
        report, checked = await check(db.reader(), parsed, importer=importer)
        if checked is None:
            return report
        async with db.transaction() as tx:
            batch = await tx.cases.start_import(by=_person_id(importer), now=now)
        try:
            for site_rows in _split(checked.new_sites, CHUNK_SITES):
                async with db.transaction() as tx:
                    await _add_sites(tx, site_rows, checked, batch, report, importer, now, audit)
            for case_rows in _split(checked.new_cases, chunk_size or CHUNK_CASES):
                async with db.transaction() as tx:
                    await _add_cases(
                        tx,
                        case_rows,
                        checked,
                        batch,
                        report,
                        importer,
                        now,
                        invitation_validity,
                        audit,
                    )
            async with (publish or db.transaction)() as tx:
                await tx.cases.finish_import(batch, undone=False, now=now)
                await tx.audit.append(
                    action="import.done",
                    detail={
                        "sites": report.sites_added,
                        "cases": report.cases_added,
                        "batch": batch,
                    },
                    **audit,
                )
        except BaseException:
            try:
                await _undo(db, batch, now=now, audit=audit)
            except Exception:
                # Still running: the next import, or undo_abandoned, takes it back.
                log.exception("import batch %s could not be taken back yet", batch)
            raise
    report.sites_existing += checked.sites_existing
    report.cases_existing += checked.cases_existing
    return report


async def import_upload(
    store: Store,
    parsed: ParsedUpload,
    *,
    importer: Actor,
    now: datetime,
    invitation_validity: timedelta,
    audit: dict[str, Any],
) -> ImportReport:
    """Check and import ``parsed`` whole inside the caller's one transaction, holding the
    writer throughout: for small imports and scripts (``bench/import_cases.py``). The bot
    and the CLI use :func:`import_in_chunks`.

    When the report has errors nothing was written; the caller shows them.
    """
    report, checked = await check(store, parsed, importer=importer)
    if checked is None:
        return report
    batch = await store.cases.start_import(by=_person_id(importer), now=now)
    await _add_sites(store, checked.new_sites, checked, batch, report, importer, now, audit)
    await _add_cases(
        store, checked.new_cases, checked, batch, report, importer, now, invitation_validity, audit
    )
    await store.cases.finish_import(batch, undone=False, now=now)
    report.sites_existing += checked.sites_existing
    report.cases_existing += checked.cases_existing
    return report


# -- writing ------------------------------------------------------------------------------


async def _add_sites(
    store: Store,
    rows: Sequence[SiteRow],
    checked: Checked,
    batch: int,
    report: ImportReport,
    importer: Actor,
    now: datetime,
    audit: dict[str, Any],
) -> None:
    added = []
    for row in rows:
        # Someone may have added a site of this name since the upload was checked.
        site = await store.sites.by_name(row.name)
        if site is not None:
            report.sites_existing += 1
            checked.sites[_key(site.name)] = site
            continue
        agency = checked.resolved.hosts[row.row]
        site = await store.sites.add(
            row.to_draft(agency.id, agency.timezone), declared_by=_person_id(importer), now=now
        )
        added.append(site.id)
        checked.sites[_key(site.name)] = site
        report.sites_added += 1
        await store.audit.append(
            action="site.created",
            subject=f"site:{site.id}",
            detail={"host_agency_id": agency.id, "import": True, "batch": batch},
            **audit,
        )
    await store.cases.stamp_import(batch, site_ids=added)


async def _add_cases(
    store: Store,
    rows: Sequence[CaseRow],
    checked: Checked,
    batch: int,
    report: ImportReport,
    importer: Actor,
    now: datetime,
    invitation_validity: timedelta,
    audit: dict[str, Any],
) -> None:
    added = []
    for row in rows:
        created = await _create(store, row, checked, importer, now, invitation_validity, audit)
        if created is None:  # someone stored this decision since the upload was checked
            report.cases_existing += 1
            continue
        added.append(created.case.id)
        report.cases_added += 1
        if created.plan.shortfall_minutes > 0:
            report.shortfalls.append((created.case.code, created.plan.shortfall_minutes))
    await store.cases.stamp_import(batch, case_ids=added)


async def _create(
    store: Store,
    row: CaseRow,
    checked: Checked,
    importer: Actor,
    now: datetime,
    invitation_validity: timedelta,
    audit: dict[str, Any],
) -> CreatedCase | None:
    membership = checked.resolved.jaksa[row.row]
    site = checked.sites[_key(row.site_name)]
    return await create_case(
        store,
        row.to_draft(site.id, membership.person_id, checked.resolved.pk[row.row]),
        agency_id=membership.agency_id,
        created_by=_person_id(importer),
        now=now,
        invitation_validity=invitation_validity,
        audit=audit,
        invite_offender=False,
    )


# -- resolving names ----------------------------------------------------------------------


class _People:
    """The jaksa and PK a row may name, read once per upload and indexed by their name as
    it is compared: case-insensitive, spaces normalised. A jaksa is one with an active role
    in an office the importer manages (the importing Kejari; any, for an admin); a PK one
    with an active role in a Bapas."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._index: dict[Role, dict[str, list[tuple[Membership, Person, Agency]]]] = {}

    async def jaksa(self, name: str, importer: Actor) -> list[tuple[Membership, Person, Agency]]:
        """Every jaksa of an office the importer manages whom the cell can mean."""
        return await self._named(
            Role.JAKSA, name, lambda m, _: manages_agency(importer, m.agency_id)
        )

    async def pk(self, name: str) -> list[tuple[Membership, Person, Agency]]:
        """Every PK of a Bapas whom the cell can mean."""
        return await self._named(Role.PK, name, lambda _, a: fits(Role.PK, a.type))

    async def _named(
        self, role: Role, name: str, keep: Callable[[Membership, Agency], bool]
    ) -> list[tuple[Membership, Person, Agency]]:
        """Everyone of ``role`` the cell can mean: by name, or by "name (agency)"."""
        if role not in self._index:
            self._index[role] = await self._read(role, keep)
        index = self._index[role]
        key = name_key(name)
        found = index.get(key, [])
        if not found and key.endswith(")") and "(" in key:
            # "Siti Aminah (Kejaksaan Negeri Samarinda)": the agency tells two namesakes apart.
            person, agency = key[:-1].split("(", 1)
            found = [
                m
                for m in index.get(name_key(person), [])
                if name_key(m[2].name) == name_key(agency)
            ]
        return found

    async def _read(
        self, role: Role, keep: Callable[[Membership, Agency], bool]
    ) -> dict[str, list[tuple[Membership, Person, Agency]]]:
        index: dict[str, list[tuple[Membership, Person, Agency]]] = {}
        seen: set[tuple[int, int]] = set()
        for membership in await self._store.people.active_memberships(role=role, agency_ids=None):
            agency = await self._store.agencies.get(membership.agency_id)
            person = await self._store.people.get(membership.person_id)
            if agency is None or person is None or person.telegram_user_id <= 0:
                continue
            if not keep(membership, agency):
                continue
            if (person.id, agency.id) in seen:
                continue
            seen.add((person.id, agency.id))
            index.setdefault(name_key(person.full_name), []).append((membership, person, agency))
        return index


def name_key(name: str) -> str:
    """A name as the import compares it: case-insensitive, spaces normalised."""
    return " ".join(name.replace("( ", "(").replace(" )", ")").split()).casefold()


def _candidates(found: list[tuple[Membership, Person, Agency]]) -> str:
    return "; ".join(f"{person.full_name} ({agency.name})" for _, person, agency in found)


async def _resolve_people(
    people: _People, row: CaseRow, importer: Actor, resolved: _Resolved, report: ImportReport
) -> None:
    if row.jaksa_name is None:
        own = [m for m in importer.memberships if holds([m], Role.JAKSA)]
        own = [m for m in own if manages_agency(importer, m.agency_id)]
        if own:
            resolved.jaksa[row.row] = own[0]
        else:
            report.errors.append(
                CellError(SHEET_CASES, row.row, "nama_jaksa", "import.jaksa_required", {})
            )
    else:
        jaksa = await people.jaksa(row.jaksa_name, importer)
        if len(jaksa) == 1:
            resolved.jaksa[row.row] = jaksa[0][0]
        else:
            key = "import.unknown_jaksa" if not jaksa else "import.ambiguous_jaksa"
            values: dict[str, object] = {"value": row.jaksa_name, "candidates": _candidates(jaksa)}
            report.errors.append(CellError(SHEET_CASES, row.row, "nama_jaksa", key, values))
    if row.pk_name is None:
        resolved.pk[row.row] = None
        return
    pk = await people.pk(row.pk_name)
    if len({person.id for _, person, _ in pk}) == 1:
        resolved.pk[row.row] = pk[0][1].id
    else:
        key = "import.unknown_pk" if not pk else "import.ambiguous_pk"
        values = {"value": row.pk_name, "candidates": _candidates(pk)}
        report.errors.append(CellError(SHEET_CASES, row.row, "nama_pk", key, values))


def _person_id(actor: Actor) -> int | None:
    return actor.person.id if actor.person else None


def _split(rows: Sequence[_Row], size: int) -> list[Sequence[_Row]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]
