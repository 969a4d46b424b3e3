"""Reports for the periodic reporting the cooperation agreements require.

- a month's implementation report as .xlsx: a summary sheet, and a sheet per site with each
  case's sessions, hours, absences and status;
- one case's summary as a one-page PDF, the basis of its completion record.

Every number about a case is its figures (``services.figures``), as the digest and
``/progres`` show them, and a site's row in the summary is its cases' figures summed
(``domain.figures.combined``). "Sessions planned" counts the sessions over by the time the
report is made, as the digest's rate does: a month in progress does not count the sessions
still to come (the column says so). Hours are written one way in both reports: one decimal,
never rounded up (``texts.formatting.hour_tenths``).

Both are written in the reader's language (``texts.lang``): the words are in
``texts.reports_id`` and ``texts.reports_en``, which columns there are and what they count is
here.
"""

import asyncio
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.cell import Cell
from openpyxl.styles import Font
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from domain.cases import CaseStatus
from domain.figures import CaseFigures, Period, combined
from domain.ledger import AttendanceEvent, EventKind, Ledger, fold, ledger_of_case
from domain.models import Case, Session, Site
from services import sessions
from services.figures import figures_by_case, figures_of
from storage.repositories import Store
from texts import DEFAULT_LANGUAGE, Texts, reports_en, reports_id
from texts.formatting import format_day, format_hours, hour_tenths

SHEET_TITLE_MAX = 31  # Excel's limit
LAST_ATTENDANCES = 40  # shown in a case's PDF
NEXT_SESSIONS = 10

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
    "xlsx.absences",
    "xlsx.invalid",
    "xlsx.status",
)


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


def _safe_title(name: str, used: set[str], unnamed: str) -> str:
    base = "".join(c for c in name if c not in "[]:*?/\\")[:SHEET_TITLE_MAX] or unnamed
    title, n = base, 2
    while title in used:
        title = f"{base[: SHEET_TITLE_MAX - 4]} ({n})"
        n += 1
    used.add(title)
    return title


async def monthly_xlsx(
    store: Store, cases: list[Case], month: Month, texts: Texts, *, now: datetime
) -> bytes:
    """The month's implementation report for these cases, as an .xlsx file, as of ``now``.

    The figures are read here; the workbook is built in a worker thread (a province's month
    takes seconds of openpyxl), so check-ins are not kept waiting behind it."""
    sites = {s.id: s for s in await store.sites.all()}
    figures = await figures_by_case(store, cases, month.period, now=now)
    return await asyncio.to_thread(_monthly_workbook, cases, month, texts, sites, figures)


def _monthly_workbook(
    cases: list[Case],
    month: Month,
    texts: Texts,
    sites: dict[int, Site],
    figures: Mapping[int, CaseFigures],
) -> bytes:
    words = _Words(texts)
    workbook = openpyxl.Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = words("xlsx.summary_sheet")
    bold = Font(bold=True)
    summary.append([words("xlsx.title", month=month_name(month, texts))])
    summary["A1"].font = bold
    summary.append([])
    summary.append([words(key) for key in SUMMARY_COLUMNS])
    for cell in summary[3]:
        cell.font = bold
    used: set[str] = {summary.title}
    by_site: dict[int, list[Case]] = {}
    for case in cases:
        by_site.setdefault(case.site_id, []).append(case)
    for site_id, site_cases in sorted(by_site.items(), key=lambda kv: sites[kv[0]].name):
        site = sites[site_id]
        sheet = workbook.create_sheet(_safe_title(site.name, used, words("xlsx.unnamed_site")))
        sheet.append([words(key) for key in SITE_COLUMNS])
        for cell in sheet[1]:
            cell.font = bold
        for case in site_cases:
            case_month = figures[case.id]
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
                    case_month.absences,
                    case_month.absences_invalid,
                    words.stored("status", case.status.value),
                ]
            )
            _one_decimal(sheet[sheet.max_row], SITE_COLUMNS)
        site_month = combined((figures[c.id] for c in site_cases), month.period)
        summary.append(
            [
                site.name,
                len(site_cases),
                site_month.sessions_planned,
                site_month.days_held,
                _hours(site_month.credited_minutes_in_period),
                site_month.absences,
                site_month.absences_invalid,
                sum(1 for c in site_cases if c.status is CaseStatus.COMPLETED),
            ]
        )
        _one_decimal(summary[summary.max_row], SUMMARY_COLUMNS)
        widths = (14, 28, 26, 27, 15, 13, 11, 12, 15, 10, 10)
        for column, width in zip("ABCDEFGHIJK", widths, strict=True):
            sheet.column_dimensions[column].width = width
    for column, width in zip("ABCDEFGH", (30, 8, 27, 16, 16, 15, 10, 9), strict=True):
        summary.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
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
        _case_document, case, site, figures, ledger, absences, upcoming, notes, texts
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
) -> bytes:
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


#: The columns that hold hours (``_hours``), shown with their one decimal: 2.0, not 2.
HOUR_COLUMNS = frozenset({"xlsx.hours_credited", "xlsx.hours_month", "xlsx.hours_to_date"})


def _one_decimal(row: tuple[Cell, ...], columns: tuple[str, ...]) -> None:
    for cell, key in zip(row, columns, strict=True):
        if key in HOUR_COLUMNS:
            cell.number_format = "0.0"


def _table(rows: list[list[str]]) -> Table:
    table = Table(rows, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [("FONTSIZE", (0, 0), (-1, -1), 8), ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold")]
        )
    )
    return table


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
