"""Reports for the periodic reporting the cooperation agreements require.

- a month's implementation report as .xlsx: a summary sheet, and a sheet per site with each
  case's sessions, hours, absences and status, in Indonesian;
- one case's summary as a one-page PDF, the basis of its completion record.
"""

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
from openpyxl.styles import Font
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from domain.ledger import ledger_of_case
from domain.models import Case
from storage.repositories import Store
from texts import Texts
from texts.formatting import format_day, format_hours

SHEET_TITLE_MAX = 31  # Excel's limit


@dataclass(frozen=True)
class Month:
    first: date

    @property
    def end(self) -> date:
        return (self.first.replace(day=28) + timedelta(days=4)).replace(day=1)

    @classmethod
    def parse(cls, text: str) -> "Month | None":
        try:
            year, month = (int(part) for part in text.split("-"))
            return cls(date(year, month, 1))
        except (ValueError, TypeError):
            return None


def month_name(month: Month, texts: Texts) -> str:
    """ "Maret 2026": the day's name and number dropped from the Indonesian date."""
    return format_day(month.first, texts.lang).split(", ")[1].split(" ", 1)[1]


def _safe_title(name: str, used: set[str]) -> str:
    base = "".join(c for c in name if c not in "[]:*?/\\")[:SHEET_TITLE_MAX] or "Lokasi"
    title, n = base, 2
    while title in used:
        title = f"{base[: SHEET_TITLE_MAX - 4]} ({n})"
        n += 1
    used.add(title)
    return title


async def monthly_xlsx(store: Store, cases: list[Case], month: Month, texts: Texts) -> bytes:
    """The month's implementation report for these cases, as an .xlsx file."""
    sites = {s.id: s for s in await store.sites.all()}
    ids = [c.id for c in cases]
    sessions = await store.cases.session_minutes_by_case(ids)
    events = await store.attendance.events_by_case(ids)
    workbook = openpyxl.Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = "Ringkasan"
    bold = Font(bold=True)
    summary.append([f"Laporan pelaksanaan pidana kerja sosial — {month_name(month, texts)}"])
    summary["A1"].font = bold
    summary.append([])
    header = [
        "Lokasi",
        "Kasus",
        "Sesi terjadwal",
        "Sesi terlaksana",
        "Jam dikreditkan",
        "Ketidakhadiran",
        "Tidak sah",
        "Selesai",
    ]
    summary.append(header)
    for cell in summary[3]:
        cell.font = bold
    used: set[str] = {"Ringkasan"}
    by_site: dict[int, list[Case]] = {}
    for case in cases:
        by_site.setdefault(case.site_id, []).append(case)
    for site_id, site_cases in sorted(by_site.items(), key=lambda kv: sites[kv[0]].name):
        site = sites[site_id]
        sheet = workbook.create_sheet(_safe_title(site.name, used))
        sheet.append(
            [
                "Kode",
                "Nama terpidana",
                "Putusan",
                "Sesi terjadwal",
                "Sesi terlaksana",
                "Jam bulan ini",
                "Jam total",
                "Jam putusan",
                "Ketidakhadiran",
                "Tidak sah",
                "Status",
            ]
        )
        for cell in sheet[1]:
            cell.font = bold
        totals = [0, 0, 0, 0, 0, 0, 0]
        for case in site_cases:
            ledger = ledger_of_case(case, site.timezone, events.get(case.id, []))
            month_credits = [c for c in ledger.credits if month.first <= c.day < month.end]
            held = len({c.day for c in month_credits if c.credited_minutes > 0})
            minutes = sum(c.credited_minutes for c in month_credits)
            planned = sum(
                1 for day, _ in sessions.get(case.id, []) if month.first <= day < month.end
            )
            absences = [
                a
                for a in await store.attendance.absences_of_case(case.id)
                if month.first <= date.fromisoformat(str(a["day"])) < month.end
            ]
            invalid = sum(1 for a in absences if a["ruling"] == "tidak_sah")
            done = case.status.value == "selesai"
            sheet.append(
                [
                    case.code,
                    case.offender_name,
                    case.decision_number,
                    planned,
                    held,
                    minutes / 60,
                    ledger.credited_minutes / 60,
                    case.hours_total,
                    len(absences),
                    invalid,
                    case.status.value,
                ]
            )
            for i, value in enumerate(
                (1, planned, held, minutes, len(absences), invalid, int(done))
            ):
                totals[i] += value
        summary.append(
            [
                site.name,
                totals[0],
                totals[1],
                totals[2],
                round(totals[3] / 60, 1),
                totals[4],
                totals[5],
                totals[6],
            ]
        )
        widths = (14, 28, 26, 14, 15, 13, 11, 12, 15, 10, 10)
        for column, width in zip("ABCDEFGHIJK", widths, strict=True):
            sheet.column_dimensions[column].width = width
    for column, width in zip("ABCDEFGH", (30, 8, 15, 16, 16, 15, 10, 9), strict=True):
        summary.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def case_pdf(store: Store, case: Case, texts: Texts, now: datetime) -> bytes:
    """One case on one page: the decision, the hours ledger, absences and rulings, sessions.

    ``now`` decides which sessions are still ahead, in the site's zone."""
    site = await store.sites.get(case.site_id)
    assert site is not None
    ledger = ledger_of_case(case, site.timezone, await store.attendance.events_of_case(case.id))
    absences = await store.attendance.absences_of_case(case.id)
    sessions = await store.cases.sessions_of(case.id)
    styles = getSampleStyleSheet()
    small = styles["BodyText"]
    small.fontSize = 8
    small.leading = 10
    lang = texts.lang
    story = [
        Paragraph(f"Ringkasan pelaksanaan pidana kerja sosial — {case.code}", styles["Title"]),
        Paragraph(
            f"<b>Terpidana:</b> {_escape(case.offender_name)}<br/>"
            f"<b>Putusan:</b> {_escape(case.decision_number)}, {_escape(case.court)}, "
            f"{format_day(case.decision_date, lang)}<br/>"
            f"<b>Kerja sosial:</b> {case.hours_total} jam, {case.hours_per_day} jam/hari, di "
            f"{_escape(site.name)}<br/>"
            f"<b>Masa pelaksanaan:</b> {format_day(case.start_date, lang)} – "
            f"{format_day(case.deadline, lang)}<br/>"
            f"<b>Bila tidak dilaksanakan tanpa alasan sah:</b> "
            f"{_escape(texts.plain('consequence.' + case.consequence.value))} "
            f"({_escape(case.replaced_penalty)})<br/>"
            f"<b>Jam dikreditkan:</b> {format_hours(ledger.credited_minutes)} dari "
            f"{case.hours_total} jam — status: {case.status.value}",
            styles["BodyText"],
        ),
        Spacer(1, 8),
    ]
    zone = ZoneInfo(site.timezone)
    credited_by_day: dict[date, int] = {}
    for credit in ledger.credits:
        credited_by_day[credit.day] = credited_by_day.get(credit.day, 0) + credit.credited_minutes
    rows = [["Tanggal", "Jam", "Dikreditkan"]]
    for day, minutes in sorted(credited_by_day.items())[-40:]:
        rows.append([format_day(day, lang), "", format_hours(minutes)])
    if len(rows) > 1:
        story += [Paragraph("<b>Kehadiran</b> (40 terakhir)", styles["Heading3"]), _table(rows)]
    if absences:
        rows = [["Tanggal", "Alasan", "Keputusan"]]
        for absence in absences:
            rows.append(
                [
                    format_day(date.fromisoformat(str(absence["day"])), lang),
                    str(absence["category"]),
                    str(absence["ruling"] or "menunggu"),
                ]
            )
        story += [Paragraph("<b>Ketidakhadiran</b>", styles["Heading3"]), _table(rows)]
    today = now.astimezone(zone).date()
    upcoming = [s for s in sessions if s.day >= today][:10]
    if upcoming:
        rows = [["Sesi berikutnya", "Mulai", "Menit"]]
        for session in upcoming:
            rows.append(
                [
                    format_day(session.day, lang),
                    session.starts_at.astimezone(zone).strftime("%H.%M"),
                    str(session.minutes),
                ]
            )
        story += [Paragraph("<b>Jadwal</b>", styles["Heading3"]), _table(rows)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"Kerja sosial {case.code}").build(story)
    return buffer.getvalue()


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
