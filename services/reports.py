"""Reports for the periodic reporting the cooperation agreements require.

- a month's implementation report as .xlsx, to be read in the joint evaluation meetings,
  printed and signed: a cover sheet (the agency, the month in words, when it was made, a row
  per site, the totals, room for signatures), a sheet of the month's absences and their
  rulings, and a sheet per site with each case's sessions, hours, absences and status;
- one case's summary as a one-page PDF, the basis of its completion record.

Every number about a case is its figures (``services.figures``), as the digest and
``/progres`` show them, and a site's row in the summary, a site sheet's total and the
summary's total are those cases' figures summed (``domain.figures.combined``). "Sessions
planned" counts the sessions over by the time the report is made, as the digest's rate does:
a month in progress does not count the sessions still to come (the column says so). Hours are
written one way in both reports: one decimal, never rounded up
(``texts.formatting.hour_tenths``); in the workbook they stay numbers, shown as ``0.0``, so a
reader's own sums work. A total is floored from its minutes, so it may be a tenth or so more
than the floored rows above it add up to (the cover says so).

Both are written in the reader's language (``texts.lang``): the words are in
``texts.reports_id`` and ``texts.reports_en``, which columns there are and what they count is
here. openpyxl and reportlab are imported where a report is built, not with this module: the
bot's start does not pay for them.
"""

import asyncio
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from domain.cases import CaseStatus
from domain.figures import CaseFigures, Period, combined
from domain.ledger import AttendanceEvent, EventKind, Ledger, fold, ledger_of_case
from domain.models import Agency, Case, Session, Site
from services import sessions
from services.figures import figures_by_case, figures_of
from storage.repositories import Store
from storage.repositories.absence_list import AbsenceLine, AbsenceListRepository
from texts import DEFAULT_LANGUAGE, Texts, reports_en, reports_id
from texts.formatting import format_clock, format_day, format_hours, format_instant, hour_tenths

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet
    from reportlab.platypus import Table

SHEET_TITLE_MAX = 31  # Excel's limit
LAST_ATTENDANCES = 40  # shown in a case's PDF
NEXT_SESSIONS = 10

#: The zone the cover's "made at" is written in when the caller names none: the settings'
#: default (``bot.config``), WITA.
DEFAULT_ZONE = "Asia/Makassar"

LABELS: Mapping[str, Mapping[str, str]] = {"id": reports_id.LABELS, "en": reports_en.LABELS}

#: The columns of the summary sheet, and of each site's sheet (keys of ``LABELS``).
SUMMARY_COLUMNS = (
    "xlsx.site",
    "xlsx.cases",
    "xlsx.sessions_planned",
    "xlsx.sessions_held",
    "xlsx.hours_credited",
    "xlsx.absences",
    "xlsx.invalid",
    "xlsx.completed",
)
SITE_COLUMNS = (
    "xlsx.code",
    "xlsx.offender",
    "xlsx.decision",
    "xlsx.sessions_planned",
    "xlsx.sessions_held",
    "xlsx.hours_month",
    "xlsx.hours_to_date",
    "xlsx.hours_decision",
    "xlsx.percent_done",
    "xlsx.absences",
    "xlsx.invalid",
    "xlsx.status",
)
#: The columns of the month's absences and their rulings.
ABSENCE_COLUMNS = (
    "xlsx.day",
    "xlsx.code",
    "xlsx.offender",
    "xlsx.site",
    "xlsx.category",
    "xlsx.reason",
    "xlsx.reported_by",
    "xlsx.ruling",
    "xlsx.ruled_by",
    "xlsx.ruled_at",
)

#: Where the tables start (1-based rows): the cover's header row (its title, the agency,
#: the month and the time it was made above it), and the header row of the absences sheet
#: and of each site's sheet (a title and a line about the site above it).
SUMMARY_HEADER_ROW = 6
SHEET_HEADER_ROW = 3

#: The columns that hold hours (``_hours``), shown with their one decimal: 2.0, not 2.
HOUR_COLUMNS = frozenset({"xlsx.hours_credited", "xlsx.hours_month", "xlsx.hours_to_date"})
#: Whole percent, never rounded up (``CaseFigures.percent_done``), shown as 5%.
PERCENT_COLUMNS = frozenset({"xlsx.percent_done"})
HOUR_FORMAT = "0.0"
PERCENT_FORMAT = "0%"
DAY_FORMAT = "dd-mm-yyyy"
#: Widths (in characters) a column never goes below or above, whatever it holds.
NARROWEST, WIDEST = 9, 40


class _Words:
    """The report's words in the reader's language; plain text, values not escaped."""

    def __init__(self, texts: Texts) -> None:
        self._labels = LABELS.get(texts.lang, LABELS[DEFAULT_LANGUAGE])

    def __call__(self, key: str, **values: object) -> str:
        return self._labels[key].format(**values)

    def stored(self, prefix: str, value: str) -> str:
        """A stored value (a status, a reason, a ruling) in words; unknown ones as stored."""
        return self._labels.get(f"{prefix}.{value}", value)

    def hours(self, minutes: int) -> str:
        """Hours in the PDF's text: one decimal, never rounded up, as in the .xlsx."""
        return format_hours(minutes).replace(",", self("decimal"))


@dataclass(frozen=True)
class Month:
    first: date

    @property
    def end(self) -> date:
        return (self.first.replace(day=28) + timedelta(days=4)).replace(day=1)

    @property
    def period(self) -> Period:
        return Period(self.first, self.end)

    @classmethod
    def parse(cls, text: str) -> "Month | None":
        try:
            year, month = (int(part) for part in text.split("-"))
            return cls(date(year, month, 1))
        except (ValueError, TypeError):
            return None


def month_name(month: Month, texts: Texts) -> str:
    """ "Maret 2026", "March 2026": the day's name and number dropped from the date."""
    return format_day(month.first, texts.lang).split(", ")[1].split(" ", 1)[1]


def agencies_named(agencies: Sequence[Agency]) -> str | None:
    """The cover's agency: the agencies a report was asked for, by name (an official of
    two offices gets both); None when it covers every agency (an admin, the console)."""
    return "; ".join(sorted(a.name for a in agencies)) or None


def _safe_title(name: str, used: set[str], unnamed: str) -> str:
    base = "".join(c for c in name if c not in "[]:*?/\\")[:SHEET_TITLE_MAX] or unnamed
    title, n = base, 2
    while title in used:
        title = f"{base[: SHEET_TITLE_MAX - 4]} ({n})"
        n += 1
    used.add(title)
    return title


@dataclass(frozen=True)
class _MonthData:
    """Everything the workbook shows, read before the worker thread builds it."""

    cases: list[Case]
    month: Month
    texts: Texts
    sites: dict[int, Site]
    agencies: dict[int, Agency]
    figures: Mapping[int, CaseFigures]
    absences: list[AbsenceLine]
    agency: str | None
    zone: str
    now: datetime


async def monthly_xlsx(
    store: Store,
    cases: list[Case],
    month: Month,
    texts: Texts,
    *,
    now: datetime,
    agency: str | None = None,
    zone: str = DEFAULT_ZONE,
) -> bytes:
    """The month's implementation report for these cases, as an .xlsx file, as of ``now``.

    ``agency`` is the name the cover gives the agency the report is for (None: every
    agency); ``zone`` the zone its "made at" is written in (the agency's).

    The figures are read here; the workbook is built in a worker thread (a province's month
    takes seconds of openpyxl), so check-ins are not kept waiting behind it."""
    sites = {s.id: s for s in await store.sites.all()}
    agencies = {a.id: a for a in await store.agencies.all()}
    figures = await figures_by_case(store, cases, month.period, now=now)
    absences = await AbsenceListRepository(store.conn).standing_between(
        [case.id for case in cases], month.first, month.end
    )
    data = _MonthData(cases, month, texts, sites, agencies, figures, absences, agency, zone, now)
    return await asyncio.to_thread(_monthly_workbook, data)


def _monthly_workbook(data: _MonthData) -> bytes:
    import openpyxl

    words = _Words(data.texts)
    workbook = openpyxl.Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = words("xlsx.summary_sheet")
    absences = workbook.create_sheet(words("xlsx.absences_sheet"))
    used: set[str] = {summary.title, absences.title}
    by_site: dict[int, list[Case]] = {}
    for case in sorted(data.cases, key=lambda c: c.code):
        by_site.setdefault(case.site_id, []).append(case)
    ordered = sorted(by_site.items(), key=lambda kv: (data.sites[kv[0]].name, kv[0]))
    site_rows = []
    for site_id, site_cases in ordered:
        site = data.sites[site_id]
        sheet = workbook.create_sheet(_safe_title(site.name, used, words("xlsx.unnamed_site")))
        site_month = _site_sheet(sheet, site, site_cases, data, words)
        completed = sum(1 for c in site_cases if c.status is CaseStatus.COMPLETED)
        site_rows.append(_summary_row(site.name, len(site_cases), site_month, completed))
    _cover(summary, site_rows, data, words)
    _absence_sheet(absences, data, words)
    workbook.properties.title = words("xlsx.title", month=month_name(data.month, data.texts))
    workbook.properties.creator = "kerjasosial"
    return _saved(workbook, data.now)


def _summary_row(name: str, cases: int, figures: CaseFigures, completed: int) -> list[object]:
    """A row of the cover's table, in ``SUMMARY_COLUMNS`` order."""
    return [
        name,
        cases,
        figures.sessions_planned,
        figures.days_held,
        _hours(figures.credited_minutes_in_period),
        figures.absences,
        figures.absences_invalid,
        completed,
    ]


def _cover(
    sheet: "Worksheet", site_rows: list[list[object]], data: _MonthData, words: _Words
) -> None:
    """The title, the agency, the month in words and when the report was made; a row per
    site and the totals; what the columns count; room for two signatures."""
    month = month_name(data.month, data.texts)
    agency = data.agency or words("xlsx.all_agencies")
    sheet.append([words("xlsx.title", month=month)])
    sheet.append([words("xlsx.agency"), agency])
    sheet.append([words("xlsx.period"), month])
    sheet.append([words("xlsx.made"), format_instant(data.now, data.zone, data.texts.lang)])
    sheet.append([])
    last = len(SUMMARY_COLUMNS)
    for line in range(2, 5):
        sheet.merge_cells(start_row=line, start_column=2, end_row=line, end_column=last)
    _header(sheet, SUMMARY_HEADER_ROW, [words(key) for key in SUMMARY_COLUMNS])
    for site_row in site_rows:
        sheet.append(site_row)
        _formats(sheet, SUMMARY_COLUMNS)
    everything = combined((data.figures[c.id] for c in data.cases), data.month.period)
    completed = sum(1 for c in data.cases if c.status is CaseStatus.COMPLETED)
    total = _summary_row(words("xlsx.total"), len(data.cases), everything, completed)
    sheet.append(total)
    _formats(sheet, SUMMARY_COLUMNS)
    _total_style(sheet)
    _fit_columns(sheet, SUMMARY_HEADER_ROW)
    sheet.append([])
    for note in ("xlsx.note_planned", "xlsx.note_hours"):
        # Across the table's width, wrapped: printed, it stays inside the page.
        sheet.append([words(note)])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        sheet.cell(row, 1).font = _font(italic=True, size=9)
        sheet.cell(row, 1).alignment = _alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = 26
    sheet.append([])
    sheet.append([words("xlsx.prepared_by"), None, None, None, words("xlsx.acknowledged_by")])
    for _ in range(3):
        sheet.append([])
    sheet.append([words("xlsx.signature_line"), None, None, None, words("xlsx.signature_line")])
    sheet.append([words("xlsx.signature_id"), None, None, None, words("xlsx.signature_id")])
    _title_style(sheet)
    for row in range(2, 5):
        sheet.cell(row, 1).font = _font(bold=True)
    sheet.freeze_panes = f"A{SUMMARY_HEADER_ROW + 1}"
    _print_setup(sheet, SUMMARY_HEADER_ROW, data, words)


def _site_sheet(
    sheet: "Worksheet", site: Site, cases: list[Case], data: _MonthData, words: _Words
) -> CaseFigures:
    """A row per case and the site's total; returns the site's figures (the cover's row)."""
    month = month_name(data.month, data.texts)
    host = data.agencies.get(site.host_agency_id)
    sheet.append([words("xlsx.site_title", site=site.name, month=month)])
    sheet.append([words("xlsx.site_host", host=host.name if host else "—", address=site.address)])
    _header(sheet, SHEET_HEADER_ROW, [words(key) for key in SITE_COLUMNS])
    for case in cases:
        case_month = data.figures[case.id]
        sheet.append(
            [
                case.code,
                case.offender_name,
                case.decision_number,
                case_month.sessions_planned,
                case_month.days_held,
                _hours(case_month.credited_minutes_in_period),
                _hours(case_month.credited_minutes),
                case.hours_total,
                _percent(case_month),
                case_month.absences,
                case_month.absences_invalid,
                words.stored("status", case.status.value),
            ]
        )
        _formats(sheet, SITE_COLUMNS)
    last_case = sheet.max_row
    site_month = combined((data.figures[c.id] for c in cases), data.month.period)
    sheet.append(
        [
            words("xlsx.total"),
            words("xlsx.case_count", count=len(cases)),
            None,
            site_month.sessions_planned,
            site_month.days_held,
            _hours(site_month.credited_minutes_in_period),
            _hours(site_month.credited_minutes),
            sum(c.hours_total for c in cases),
            _percent(site_month),
            site_month.absences,
            site_month.absences_invalid,
            None,
        ]
    )
    _formats(sheet, SITE_COLUMNS)
    _total_style(sheet)
    _title_style(sheet)
    _table_setup(sheet, last_case, data, words, frozen_columns=2)
    return site_month


def _absence_sheet(sheet: "Worksheet", data: _MonthData, words: _Words) -> None:
    """Each standing absence of the month: its day, the case, where, why, who reported it,
    the ruling, and who ruled when (in the site's zone)."""
    month = month_name(data.month, data.texts)
    sheet.append([words("xlsx.absences_title", month=month)])
    sheet.append([data.agency or words("xlsx.all_agencies")])
    _header(sheet, SHEET_HEADER_ROW, [words(key) for key in ABSENCE_COLUMNS])
    cases = {case.id: case for case in data.cases}
    lines = sorted(data.absences, key=lambda a: (a.day, cases[a.case_id].code))
    for line in lines:
        case = cases[line.case_id]
        site = data.sites[case.site_id]
        source = words.stored("source", line.source)
        sheet.append(
            [
                line.day,
                case.code,
                case.offender_name,
                site.name,
                words.stored("category", line.category),
                line.reason or "—",
                f"{line.reported_by} ({source})" if line.reported_by else source,
                words.stored("ruling", line.ruling or "pending"),
                line.ruled_by or "—",
                _when(line.ruled_at, site.timezone, data.texts.lang) if line.ruled_at else "—",
            ]
        )
        sheet.cell(sheet.max_row, 1).number_format = DAY_FORMAT
    _title_style(sheet)
    _table_setup(sheet, sheet.max_row, data, words, frozen_columns=0)
    if not lines:
        sheet.append([words("xlsx.no_absences")])
        sheet.cell(sheet.max_row, 1).font = _font(italic=True)


def _when(instant: datetime, zone: str, lang: str) -> str:
    """ "3 Des 2026 10.15 WITA": a ruling's time, short enough for a column."""
    local = instant.astimezone(ZoneInfo(zone))
    day = format_date(local.date(), "d MMM y", locale="id_ID" if lang == "id" else "en_GB")
    return f"{day} {format_clock(instant, zone, lang)}"


def _percent(figures: CaseFigures) -> float:
    """Hours to date out of the hours ordered, as a cell's fraction: whole percent, never
    rounded up (``CaseFigures.percent_done``), so 0% format shows it exactly."""
    return figures.percent_done / 100


# -- the workbook's look: styles, widths, print setup ---------------------------------------


def _font(**style: Any) -> Any:
    """The workbook's own font (a Font without a name is a serif in LibreOffice), styled."""
    from openpyxl.styles import Font

    return Font(name="Calibri", **style)


def _alignment(**style: Any) -> Any:
    from openpyxl.styles import Alignment

    return Alignment(**style)


def _header(sheet: "Worksheet", row: int, labels: list[str]) -> None:
    """A table's header row, at ``row``: bold, shaded, wrapped, boxed."""
    from openpyxl.styles import Alignment, Border, PatternFill, Side

    thin = Side(style="thin")
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row, column, label)
        cell.font = _font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)


def _total_style(sheet: "Worksheet") -> None:
    """The last row is a total: bold, a line above it."""
    from openpyxl.styles import Border, Side

    for cell in sheet[sheet.max_row]:
        cell.font = _font(bold=True)
        cell.border = Border(top=Side(style="thin"), bottom=Side(style="double"))


def _title_style(sheet: "Worksheet") -> None:
    sheet.cell(1, 1).font = _font(bold=True, size=14)
    sheet.row_dimensions[1].height = 22


def _formats(sheet: "Worksheet", columns: tuple[str, ...]) -> None:
    """The last row's hours with one decimal, its percentages whole."""
    for cell, key in zip(sheet[sheet.max_row], columns, strict=True):
        if key in HOUR_COLUMNS:
            cell.number_format = HOUR_FORMAT
        elif key in PERCENT_COLUMNS:
            cell.number_format = PERCENT_FORMAT


def _fit_columns(
    sheet: "Worksheet", header_row: int, widest: Mapping[int, int] | None = None
) -> None:
    """Each column as wide as its longest value from the header down (a header wraps, so
    its longest word counts), within ``NARROWEST`` and ``WIDEST``."""
    from openpyxl.utils import get_column_letter

    lengths: dict[int, int] = {}
    for row in sheet.iter_rows(min_row=header_row):
        for cell in row:
            if cell.value is None:
                continue
            if cell.row == header_row:
                length = max(len(word) for word in str(cell.value).split()) + 3  # bold
            elif isinstance(cell.value, date):
                length = 12  # 31-12-2026
            else:
                length = len(str(cell.value)) + 2
            lengths[cell.column] = max(lengths.get(cell.column, 0), length)
    lines = 1
    for column, length in lengths.items():
        width = min(max(length, NARROWEST), (widest or {}).get(column, WIDEST))
        sheet.column_dimensions[get_column_letter(column)].width = width
        label = sheet.cell(header_row, column).value
        lines = max(lines, _wrapped_lines(str(label or ""), width - 2))
    # A wrapped header's height is not worked out by every program that opens the file.
    sheet.row_dimensions[header_row].height = 15 * lines


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped at word breaks in ``width`` characters."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def _table_setup(
    sheet: "Worksheet", last_row: int, data: _MonthData, words: _Words, *, frozen_columns: int
) -> None:
    """A sheet's table: header frozen (and its first columns, when it is wide), filters on
    the header over the rows down to ``last_row``, widths, print setup."""
    from openpyxl.utils import get_column_letter

    last_column = get_column_letter(sheet.max_column)
    # A coordinate, not a cell: ``sheet.cell`` would make the row, and ``append`` go below it.
    sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}{SHEET_HEADER_ROW + 1}"
    sheet.auto_filter.ref = f"A{SHEET_HEADER_ROW}:{last_column}{max(last_row, SHEET_HEADER_ROW)}"
    _fit_columns(sheet, SHEET_HEADER_ROW)
    _print_setup(sheet, SHEET_HEADER_ROW, data, words)


def _print_setup(sheet: "Worksheet", header_row: int, data: _MonthData, words: _Words) -> None:
    """A4 landscape, as wide as the page, the header row on every page, and a footer with
    the report, the sheet and the page numbers ("Halaman 1 dari 3")."""
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    month = month_name(data.month, data.texts)
    agency = data.agency or words("xlsx.all_agencies")
    # "&" starts a code in a header or footer: a name's own is doubled.
    sheet.oddFooter.left.text = f"{agency} — {month}".replace("&", "&&")
    sheet.oddFooter.left.size = 8
    sheet.oddFooter.center.text = words("xlsx.page")
    sheet.oddFooter.center.size = 8
    sheet.oddFooter.right.text = "&A"  # the sheet's name
    sheet.oddFooter.right.size = 8


def _saved(workbook: Any, now: datetime) -> bytes:
    """The workbook's bytes, stamped as made and modified ``now`` (openpyxl's own save
    would stamp it with the machine's clock)."""
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    stamp = now.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    workbook.properties.created = workbook.properties.modified = stamp
    buffer = io.BytesIO()
    with ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).write_data()
    return buffer.getvalue()


async def case_pdf(store: Store, case: Case, texts: Texts, now: datetime) -> bytes:
    """One case on one page: the decision, the hours ledger, absences and rulings, sessions.

    ``now`` decides which sessions are still ahead, in the site's zone, and which are over.
    The summary's numbers are the case's figures over its whole record; the table of days is
    its ledger, day by day."""
    site = await store.sites.get(case.site_id)
    assert site is not None
    figures = await figures_of(store, case, now=now)
    events = await store.attendance.events_of_case(case.id)
    ledger = ledger_of_case(case, site.timezone, events)
    absences = await store.attendance.absences_of_case(case.id)
    upcoming = (await sessions.ahead(store, case, site, now))[:NEXT_SESSIONS]
    notes = _record_notes(
        events,
        await store.attendance.flags_of_case(case.id),
        site.timezone,
        _Words(texts),
        await store.attendance.rated_of_case(case.id),
        await store.attendance.sent_home_of_case(case.id),
    )
    # Laying out the page is CPU work: a worker thread, like the workbook.
    return await asyncio.to_thread(
        _case_document,
        case,
        site,
        figures,
        ledger,
        absences,
        upcoming,
        notes,
        texts,
        (
            (await store.consequences.violations_by_case([case.id])).get(case.id, 0),
            len(await store.consequences.warnings_of_case(case.id)),
        ),
    )


def _record_notes(
    events: list[AttendanceEvent],
    flags: Mapping[int, float],
    zone: str,
    words: "_Words",
    ratings: Mapping[int, tuple[str, str | None]] | None = None,
    sent_home: Mapping[int, tuple[str, str]] | None = None,
) -> list[tuple[date, str]]:
    """What the record says beyond its hours, per attendance: still open, typed by hand,
    corrected or voided (with the reason given), outside the site's geofence, sent home
    early by the pengawas (why), and the pengawas's rating of the day's work and behaviour."""
    started = {e.attendance_id: e.start for e in events if e.kind is EventKind.CHECK_IN}
    notes: list[tuple[date, str]] = []

    def day_of(attendance_id: int) -> date | None:
        start = started.get(attendance_id)
        return start.astimezone(ZoneInfo(zone)).date() if start else None

    for event in sorted(events, key=lambda e: e.seq):
        day = day_of(event.attendance_id)
        if day is None:
            continue
        reason = event.reason or "—"
        if event.kind is EventKind.CORRECTION:
            notes.append((day, words("pdf.note_corrected", reason=reason)))
        elif event.kind is EventKind.VOID:
            notes.append((day, words("pdf.note_void", reason=reason)))
        elif event.kind is EventKind.CHECK_OUT and event.manual:
            notes.append((day, words("pdf.note_manual", reason=reason)))
    for record in fold(events):
        day = day_of(record.id)
        if record.end is None and day is not None:
            notes.append((day, words("pdf.note_open")))
    for attendance_id, distance in flags.items():
        if (day := day_of(attendance_id)) is not None:
            notes.append((day, words("pdf.note_geofence", distance=round(distance))))
    for attendance_id, (rating, remark) in (ratings or {}).items():
        if (day := day_of(attendance_id)) is not None:
            said = words("pdf.note_rating", rating=words(f"rating.{rating}"))
            notes.append((day, f"{said} — {remark}" if remark else said))
    for attendance_id, (cause, reason) in (sent_home or {}).items():
        if (day := day_of(attendance_id)) is not None:
            cause_words = words(f"sent_home.{cause}")
            notes.append((day, words("pdf.note_sent_home", cause=cause_words, reason=reason)))
    return sorted(notes, key=lambda note: note[0])


def _case_document(
    case: Case,
    site: Site,
    figures: CaseFigures,
    ledger: Ledger,
    absences: list[dict[str, object]],
    upcoming: list[Session],
    notes: list[tuple[date, str]],
    texts: Texts,
    violations: tuple[int, int] = (0, 0),  # (violations, warnings): KUHP Pasal 85 ayat 7
) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    small = styles["BodyText"]
    small.fontSize = 8
    small.leading = 10
    lang = texts.lang
    words = _Words(texts)

    def line(label: str, value: str) -> str:
        return f"<b>{_escape(words(label))}:</b> {value}"

    terms = words(
        "pdf.service_terms", hours=case.hours_total, per_day=case.hours_per_day, site=site.name
    )
    credited = words(
        "pdf.credited_terms",
        credited=words.hours(figures.credited_minutes),
        total=case.hours_total,
        status=words.stored("status", case.status.value),
    )
    held = words(
        "pdf.sessions_terms",
        held=figures.days_held,
        planned=figures.sessions_planned,
        absences=figures.absences,
        invalid=figures.absences_invalid,
    )
    details = [
        line("pdf.offender", _escape(case.offender_name)),
        line(
            "pdf.decision",
            f"{_escape(case.decision_number)}, {_escape(case.court)}, "
            f"{format_day(case.decision_date, lang)}",
        ),
        line("pdf.service", _escape(terms)),
        line(
            "pdf.period",
            f"{format_day(case.start_date, lang)} – {format_day(case.deadline, lang)}",
        ),
        line(
            "pdf.consequence",
            f"{_escape(texts.plain('consequence.' + case.consequence.value))} "
            f"({_escape(case.replaced_penalty)})",
        ),
        line("pdf.credited", _escape(credited)),
        line("pdf.sessions", _escape(held)),
        line(
            "pdf.violations",
            _escape(words("pdf.violations_terms", count=violations[0], warnings=violations[1])),
        ),
    ]
    story = [
        Paragraph(_escape(words("pdf.title", code=case.code)), styles["Title"]),
        Paragraph("<br/>".join(details), styles["BodyText"]),
        Spacer(1, 8),
    ]
    zone = ZoneInfo(site.timezone)
    # Per day: the hours worked, and what the law's caps let count of them.
    by_day: dict[date, tuple[int, int]] = {}
    for credit in ledger.credits:
        raw, counted = by_day.get(credit.day, (0, 0))
        by_day[credit.day] = (raw + credit.raw_minutes, counted + credit.credited_minutes)
    rows = [[words("pdf.day"), words("pdf.hours"), words("pdf.credited_column")]]
    for day, (raw, counted) in sorted(by_day.items())[-LAST_ATTENDANCES:]:
        rows.append([format_day(day, lang), words.hours(raw), words.hours(counted)])
    if len(rows) > 1:
        heading = (
            f"<b>{_escape(words('pdf.attendance'))}</b> "
            f"{_escape(words('pdf.attendance_last', count=LAST_ATTENDANCES))}"
        )
        story += [Paragraph(heading, styles["Heading3"]), _table(rows)]
    if absences:
        rows = [[words("pdf.day"), words("pdf.reason"), words("pdf.ruling")]]
        for absence in absences:
            rows.append(
                [
                    format_day(date.fromisoformat(str(absence["day"])), lang),
                    words.stored("category", str(absence["category"])),
                    words.stored("ruling", str(absence["ruling"] or "pending")),
                ]
            )
        heading = f"<b>{_escape(words('pdf.absences'))}</b>"
        story += [Paragraph(heading, styles["Heading3"]), _table(rows)]
    if notes:
        rows = [[words("pdf.day"), words("pdf.note")]]
        rows += [[format_day(day, lang), note] for day, note in notes]
        heading = f"<b>{_escape(words('pdf.notes'))}</b>"
        story += [Paragraph(heading, styles["Heading3"]), _table(rows)]
    if upcoming:
        rows = [[words("pdf.next_session"), words("pdf.starts"), words("pdf.minutes")]]
        for session in upcoming:
            rows.append(
                [
                    format_day(session.day, lang),
                    session.starts_at.astimezone(zone).strftime(words("pdf.clock")),
                    str(session.minutes),
                ]
            )
        heading = f"<b>{_escape(words('pdf.schedule'))}</b>"
        story += [Paragraph(heading, styles["Heading3"]), _table(rows)]
    buffer = io.BytesIO()
    title = words("pdf.document_title", code=case.code)
    SimpleDocTemplate(buffer, pagesize=A4, title=title).build(story)
    return buffer.getvalue()


def _hours(minutes: int) -> float:
    """Hours for a table cell, as in the PDF: one decimal, never rounded up (``hour_tenths``),
    so a site's sheet and the summary show the same figure for the same minutes."""
    return hour_tenths(minutes) / 10


def _table(rows: list[list[str]]) -> "Table":
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [("FONTSIZE", (0, 0), (-1, -1), 8), ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold")]
        )
    )
    return table


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
