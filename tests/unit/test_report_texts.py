"""The reports' words: both catalogs alike, and each report written in its reader's language."""

import io
import re
import string
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

from domain.cases import CaseStatus
from domain.ledger import EventKind
from services import reports
from services.ledger import record_ledger
from storage.db import Database
from tests.seeds import seed_site_with_cases
from tests.sheets import pdf_text
from texts import Texts, reports_en, reports_id

MIGRATIONS = Path(__file__).resolve().parents[2] / "storage" / "migrations"
COVER, SHEET = reports.SUMMARY_HEADER_ROW, reports.SHEET_HEADER_ROW  # the tables' headers


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _stored_values(column: str) -> set[str]:
    """The values a column of the schema may hold, from its CHECK constraint."""
    schema = "\n".join(p.read_text() for p in sorted(MIGRATIONS.glob("*.sql")))
    [allowed] = re.findall(rf"\b{column}\b[^\n]*CHECK \({column} IN \(([^)]*)\)\)", schema)
    return set(re.findall(r"'([^']*)'", allowed))


def test_both_catalogs_have_the_same_keys_and_placeholders() -> None:
    assert set(reports_id.LABELS) == set(reports_en.LABELS)
    for key, text in reports_id.LABELS.items():
        assert _placeholders(text) == _placeholders(reports_en.LABELS[key]), key


def test_every_label_the_reports_use_is_in_the_catalogs() -> None:
    source = Path(reports.__file__).read_text()
    used = set(re.findall(r"""words\(\s*["']([a-z_.]+)["']""", source))
    used |= set(reports.SUMMARY_COLUMNS + reports.SITE_COLUMNS + reports.ABSENCE_COLUMNS)
    assert used and used <= set(reports_id.LABELS)
    stored = {f"status.{s.value}" for s in CaseStatus}
    stored |= {f"category.{c}" for c in _stored_values("category")}
    stored |= {f"ruling.{r}" for r in _stored_values("ruling")} | {"ruling.pending"}
    assert stored <= set(reports_id.LABELS)


async def _reports(tmp_path: Path, now: datetime, lang: str) -> tuple[bytes, bytes]:
    """The month's .xlsx and the case's PDF, for one case with 90 minutes credited and three
    absences: one ruled valid, one not, one waiting."""
    db = await Database.open(tmp_path / f"{lang}.sqlite3")
    try:
        await seed_site_with_cases(db, now, cases=1, pengawas_telegram_id=777)
        async with db.transaction() as store:
            [case] = await store.cases.for_agencies(None)
            attendance, _ = await store.attendance.check_in(
                case_id=case.id,
                session_id=None,
                site_id=case.site_id,
                by=None,
                start=now,
                chat_id=None,
                message_id=None,
                location=None,
                now=now,
            )
            await store.attendance.add_event(
                attendance_id=attendance,
                kind=EventKind.CHECK_OUT,
                by=None,
                now=now + timedelta(minutes=90),
                end=now + timedelta(minutes=90),
            )
            # As every attendance change does: the per-day sums the figures are read from.
            site = await store.sites.get(case.site_id)
            assert site is not None
            await record_ledger(store, case, site)
            today = now.astimezone(ZoneInfo("Asia/Makassar")).date()
            for days, category, ruling in (
                (1, "sakit", "sah"),
                (2, "tanpa_keterangan", "tidak_sah"),
                (3, "izin", None),
            ):
                absence = await store.attendance.add_absence(
                    case_id=case.id,
                    day=today + timedelta(days=days),
                    category=category,
                    reason=None,
                    source="pengawas",
                    by=None,
                    now=now,
                    chat_id=None,
                    message_id=None,
                )
                if ruling is not None:
                    assert absence is not None
                    await store.attendance.rule_absence(
                        absence, ruling=ruling, consequence=None, by=None, now=now
                    )
        store = db.reader()
        [case] = await store.cases.for_agencies(None)
        month = reports.Month(today.replace(day=1))
        texts = Texts(lang)
        return (
            await reports.monthly_xlsx(store, [case], month, texts, now=now),
            await reports.case_pdf(store, case, texts, now),
        )
    finally:
        await db.close()


def _rows(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


async def test_the_english_reports_are_in_english(tmp_path: Path, now: datetime) -> None:
    sheet, pdf = await _reports(tmp_path, now, "en")
    rows = _rows(sheet)
    assert list(rows) == ["Summary", "Absences", "Taman Uji"]
    summary = rows["Summary"]
    assert str(summary[0][0]).startswith("Community-service implementation report — ")
    assert summary[COVER - 1] == tuple(reports_en.LABELS[k] for k in reports.SUMMARY_COLUMNS)
    header, line, _total = rows["Taman Uji"][SHEET - 1 :]
    assert header == tuple(reports_en.LABELS[k] for k in reports.SITE_COLUMNS)
    assert line[-1] == "active"

    text = pdf_text(pdf)
    for label in (
        "Community-service sentence summary —",
        "Offender:",
        "Decision:",
        "Period:",
        "If not carried out without a valid reason:",
        " 1.5 of 40 hours — status: active",
        "Attendance (last 40)",
        "Absences",
        "Schedule",
        "Next sessions",
    ):
        assert label in text, label
    # Each absence: its day, its reason, its ruling.
    for reason, ruling in (
        ("ill", "valid"),
        ("no reason given", "not valid"),
        ("permission", "pending"),
    ):
        assert f"\n{reason}\n{ruling}\n" in text, reason
    # Not a word of the Indonesian catalog where it differs from the English one.
    words = [v for k, v in reports_id.LABELS.items() if v != reports_en.LABELS[k] and len(v) > 2]
    cells = {str(c) for r in (*summary, header, line) for c in r if c is not None}
    assert not [w for w in words if w in cells or f"\n{w}\n" in f"\n{text}\n"]


async def test_the_indonesian_reports_keep_their_words(tmp_path: Path, now: datetime) -> None:
    sheet, pdf = await _reports(tmp_path, now, "id")
    rows = _rows(sheet)
    assert list(rows) == ["Ringkasan", "Ketidakhadiran", "Taman Uji"]
    summary = rows["Ringkasan"]
    assert str(summary[0][0]).startswith("Laporan pelaksanaan pidana kerja sosial — ")
    assert summary[COVER - 1] == (
        "Lokasi",
        "Kasus",
        "Sesi terjadwal (sudah lewat)",
        "Sesi terlaksana",
        "Jam dikreditkan",
        "Ketidakhadiran",
        "Tidak sah",
        "Selesai",
    )
    header, line, _total = rows["Taman Uji"][SHEET - 1 :]
    assert header == (
        "Kode",
        "Nama terpidana",
        "Putusan",
        "Sesi terjadwal (sudah lewat)",
        "Sesi terlaksana",
        "Jam bulan ini",
        "Jam total",
        "Jam putusan",
        "Capaian (jam total ÷ jam putusan)",
        "Ketidakhadiran",
        "Tidak sah",
        "Status",
    )
    assert line[-1] == "aktif"
    # The same minutes give the same hours on the site's sheet and in the summary.
    assert line[5] == line[6] == summary[COVER][4] == 1.5
    text = pdf_text(pdf)
    for label in (
        "Ringkasan pelaksanaan pidana kerja sosial —",
        "Terpidana:",
        "Kerja sosial:",
        " 40 jam, 2 jam/hari, di Taman Uji",
        "Masa pelaksanaan:",
        "Bila tidak dilaksanakan tanpa alasan sah:",
        " 1,5 dari 40 jam — status: aktif",
        "Kehadiran (40 terakhir)",
        "Ketidakhadiran",
        "Sesi berikutnya",
        "08.00",
    ):
        assert label in text, label
    # Absences and rulings in words, never the stored codes.
    for reason, ruling in (
        ("sakit", "sah"),
        ("tanpa keterangan", "tidak sah"),
        ("izin", "menunggu"),
    ):
        assert f"\n{reason}\n{ruling}\n" in text, reason
    assert "tidak_sah" not in text and "tanpa_keterangan" not in text
