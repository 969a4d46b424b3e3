"""The CLI's data commands: ``import``, ``export --case`` and ``purge --case``.

They act as a named person (``--as <Telegram id>`` for import) or as the operator at the
console, and every change is audited like the same change made through the bot.
"""

import argparse
import html
import re
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli_db import existing_database
from bot.config import Settings
from domain import authority
from domain.actor import Actor
from domain.permissions import Action
from handlers.importing import render_report
from services import closing_record
from services.personal_data import NotPurgeable, export_case, purge_case
from storage.db import Database
from storage.private_files import write_private
from texts import Texts


def add_commands(sub: Any) -> None:
    importing = sub.add_parser("import", help="import sites and cases from an .xlsx or .csv file")
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--as",
        dest="as_user",
        type=int,
        required=True,
        metavar="TELEGRAM_ID",
        help="the admin or jaksa the import is made by (their role decides what is allowed)",
    )
    export = sub.add_parser("export", help="write everything about one case to a ZIP")
    export.add_argument("--case", required=True, metavar="CODE")
    export.add_argument("--out", type=Path, help="the ZIP to write (default: ./<CODE>.zip)")
    purge = sub.add_parser("purge", help="delete a finished case's personal data")
    purge.add_argument("--case", required=True, metavar="CODE")
    report = sub.add_parser("report", help="the month's .xlsx report, or one case's PDF")
    which = report.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", metavar="YYYY-MM")
    which.add_argument("--case", metavar="CODE")
    report.add_argument("--out", type=Path, help="the file to write")


def _console_audit(now: datetime) -> dict[str, Any]:
    return {"now": now, "actor_telegram_id": None, "actor_person_id": None, "update_id": None}


async def run(settings: Settings, args: argparse.Namespace, clock: Callable[[], datetime]) -> int:
    """``clock`` is the one source of "now", as in the bot: the operator's commands are
    audited and judged (retention, "today" for an import) by the same time."""
    async with existing_database(settings, migrate=True) as db:
        if args.command == "import":
            return await _import(db, settings, args, clock())
        if args.command == "export":
            return await _export(db, settings, args, clock())
        if args.command == "report":
            return await _report(db, settings, args, clock())
        return await _purge(db, settings, args, clock())


async def _import(db: Database, settings: Settings, args: argparse.Namespace, now: datetime) -> int:
    from services.importing import import_in_chunks, parse  # the spreadsheet reader: not for `run`

    store = db.reader()
    person = await store.people.by_telegram_id(args.as_user)
    memberships = tuple(await store.people.memberships_of(person.id)) if person else ()
    actor = Actor(args.as_user, person, memberships, args.as_user in settings.admin_ids)
    if not authority.may(actor, Action.IMPORT):
        print(f"kerjasosial: {args.as_user} is not an admin or jaksa", file=sys.stderr)
        return 1
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"kerjasosial: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    parsed = await parse(data, args.file.name, today=today)
    report = await import_in_chunks(
        db,
        parsed,
        importer=actor,
        now=now,
        invitation_validity=settings.invitation_validity,
        audit=_console_audit(now) | {"actor_telegram_id": args.as_user},
    )
    print(_plain(render_report(Texts("id"), report)))
    return 1 if report.errors else 0


async def _export(db: Database, settings: Settings, args: argparse.Namespace, now: datetime) -> int:
    case = await db.reader().cases.by_code(args.case)
    if case is None:
        print(f"kerjasosial: no case {args.case}", file=sys.stderr)
        return 1
    target = args.out or Path(f"{case.code}.zip")
    if target.exists():
        print(f"kerjasosial: {target} already exists; choose a new file", file=sys.stderr)
        return 1
    summary = await export_case(db.reader(), case, target=target, now=now)
    async with db.transaction() as tx:
        await tx.audit.append(
            action="case.exported", subject=f"case:{case.id}", **_console_audit(now)
        )
    print(
        f"{case.code} exported to {summary.path}: {summary.sessions} sessions,"
        f" {summary.audit_rows} audit rows, {summary.evidence_files} evidence files"
    )
    return 0


async def _purge(db: Database, settings: Settings, args: argparse.Namespace, now: datetime) -> int:
    case = await db.reader().cases.by_code(args.case)
    if case is None:
        print(f"kerjasosial: no case {args.case}", file=sys.stderr)
        return 1
    try:
        async with db.transaction() as tx:
            deleted = await purge_case(tx, case, retention=settings.retention, now=now)
            await tx.audit.append(
                action="case.purged",
                subject=f"case:{case.id}",
                detail={"evidence_files": deleted},
                **_console_audit(now),
            )
    except NotPurgeable as reason:
        print(f"kerjasosial: {case.code} cannot be purged yet: {reason}", file=sys.stderr)
        return 1
    print(f"{case.code}: personal data removed ({deleted} evidence files); counts and audit kept")
    return 0


async def _report(db: Database, settings: Settings, args: argparse.Namespace, now: datetime) -> int:
    from services import reports  # the .xlsx and PDF layouts: not for `run`

    store = db.reader()
    if args.case:
        case = await store.cases.by_code(args.case)
        if case is None:
            print(f"kerjasosial: no case {args.case}", file=sys.stderr)
            return 1
        # An ended case is its Berita Acara: the same bytes /laporan gives.
        record = await closing_record.kept_or_made(db, case.id, now=now)
        if record is not None:
            data, target = record, Path(closing_record.filename(case))
        else:
            data, target = (
                await reports.case_pdf(store, case, Texts("id"), now),
                Path(f"{case.code}.pdf"),
            )
    else:
        month = reports.Month.parse(args.month)
        if month is None:
            print("kerjasosial: --month takes YYYY-MM, e.g. 2026-03", file=sys.stderr)
            return 2
        cases = await store.cases.for_agencies(None, active_only=False)
        # Every agency's cases, as an admin's /laporan: the cover says "Semua instansi".
        data = await reports.monthly_xlsx(
            store, cases, month, Texts("id"), now=now, zone=settings.timezone
        )
        target = Path(f"laporan-kerjasosial-{month.first:%Y-%m}.xlsx")
    target = args.out or target
    if target.exists():
        print(f"kerjasosial: {target} already exists; choose a new file", file=sys.stderr)
        return 1
    write_private(target, data)
    print(f"report written to {target}")
    return 0


def _plain(html_text: str) -> str:
    """A bot message for the console: tags off, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))
