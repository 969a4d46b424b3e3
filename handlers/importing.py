"""``/templat`` sends the Excel template; a filled .xlsx or .csv sent back is imported.

All or nothing: every row is checked with the conversations' rules, and any error means
nothing is imported, with each error named by sheet, row and column. The file is read in a
worker thread and written a few cases at a time (``services.importing``), so that nobody
else waits for a large import. The spreadsheet reader and writer (``domain.spreadsheet``,
``services.importing``, openpyxl) load with the first template or upload, not at start.
"""

import asyncio
import logging
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from telegram.error import TelegramError

from domain.permissions import Action
from handlers.context import Request
from handlers.guards import command
from texts import Html, Texts, join_lines
from texts.formatting import format_day

if TYPE_CHECKING:
    from domain.spreadsheet import CellError
    from services.importing import ImportReport

log = logging.getLogger(__name__)

TEMPLATE_FILENAME = "templat-kerjasosial.xlsx"
ERRORS_SHOWN = 50


def render_error(texts: Texts, error: "CellError") -> str:
    """One line a person can act on: where the problem is and what is allowed."""
    values = {
        k: format_day(v, texts.lang) if isinstance(v, date) else v for k, v in error.values.items()
    }
    message = texts(error.key, **values)
    return texts(
        error.line_key, sheet=error.sheet, row=error.row, column=error.column, message=Html(message)
    )


def render_report(texts: Texts, report: "ImportReport") -> Html:
    if report.errors:
        lines = [texts("import.failed", count=len(report.errors))]
        lines += [Html("• " + render_error(texts, e)) for e in report.errors[:ERRORS_SHOWN]]
        if len(report.errors) > ERRORS_SHOWN:
            lines.append(texts("import.more_errors", count=len(report.errors) - ERRORS_SHOWN))
        return join_lines(lines)
    lines = [
        texts(
            "import.done",
            sites_added=report.sites_added,
            sites_existing=report.sites_existing,
            cases_added=report.cases_added,
            cases_existing=report.cases_existing,
        )
    ]
    for code, minutes in report.shortfalls[:ERRORS_SHOWN]:
        lines.append(texts("import.shortfall_line", code=code, hours=-(-minutes // 60)))
    return join_lines(lines)


@command(Action.IMPORT)
async def template(req: Request) -> None:
    from domain.spreadsheet import MAX_UPLOAD_MB, build_template
    from texts.spreadsheet_id import TEMPLATE

    await req.context.bot.send_document(
        req.chat_id,
        document=await asyncio.to_thread(build_template, TEMPLATE),
        filename=TEMPLATE_FILENAME,
        caption=req.texts("import.template_caption", max_mb=MAX_UPLOAD_MB),
        parse_mode="HTML",
    )


@command(Action.IMPORT)
async def upload(req: Request) -> None:
    from domain.spreadsheet import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB
    from services.importing import import_in_chunks, parse

    message = req.update.message
    assert message is not None and message.document is not None
    document = message.document
    if document.file_size is not None and document.file_size > MAX_UPLOAD_BYTES:
        await req.reply(req.texts("sheet.too_large", max_mb=MAX_UPLOAD_MB))
        return
    try:
        file = await document.get_file()
        data = bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("could not download an upload: %s", type(exc).__name__)
        await req.reply(req.texts("import.download_failed"))
        return
    today = req.now.astimezone(ZoneInfo(req.services.default_timezone)).date()
    parsed = await parse(data, document.file_name or "", today=today)
    report = await import_in_chunks(
        req.db,
        parsed,
        importer=req.actor,
        now=req.now,
        invitation_validity=req.services.invitation_validity,
        audit=req.audit_fields(),
        # The last transaction publishes the import and claims the update with it: an
        # import cut short by a crash is taken back and, delivered again, runs again.
        publish=req.transaction,
    )
    await req.reply(render_report(req.texts, report))
