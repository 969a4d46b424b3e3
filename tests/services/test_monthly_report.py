"""The month's implementation report (.xlsx) as a meeting reads and prints it: the cover
with the agency, the month in words, when it was made, a row per site and the totals; the
month's absences and rulings; a sheet per site with frozen headers, filters, number formats
and A4 landscape print setup. Its numbers are the figures (``services.figures``), checked
against what the seed must give.

Two sites of the seeded office, read at noon of the first day they both work (every date of
``tests/calendar_sweep`` gives one):

- Taman Uji: Peserta 0 credited 2 h 05 min (2.0 in the report, never rounded up), Peserta 1
  absent ill, reported by the pengawas and ruled valid by the jaksa, Peserta 2 absent with
  permission, asked by the offender (no person recorded) and not ruled yet;
- Pasar Pagi: Peserta 3 credited 1 h 10 min (1.1), Peserta 4 absent without a reason, ruled
  not valid.
"""

import io
import sys
from datetime import date, datetime, time, timedelta
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from domain.ledger import EventKind
from domain.models import Case, Session
from services import reports
from services.figures import figures_by_case
from services.ledger import record_ledger
from storage.db import Database
from tests.clock import WITA
from tests.seeds import JAKSA_TELEGRAM_ID, seed_office, seed_site
from texts import Texts, reports_en
from texts.formatting import hour_tenths

PENGAWAS = 901
HEADER = reports.SUMMARY_HEADER_ROW
SHEET_HEADER = reports.SHEET_HEADER_ROW


async def attend(db: Database, case: Case, session: Session, minutes: int) -> None:
    """The offender worked ``minutes`` from the session's start, as check-in and check-out
    record it, with the per-day sums the figures read."""
    async with db.transaction() as store:
        end = session.starts_at + timedelta(minutes=minutes)
        attendance, _ = await store.attendance.check_in(
            case_id=case.id,
            session_id=session.id,
            site_id=case.site_id,
            by=None,
            start=session.starts_at,
            chat_id=None,
            message_id=None,
            location=None,
            now=session.starts_at,
        )
        await store.attendance.add_event(
            attendance_id=attendance, kind=EventKind.CHECK_OUT, by=None, now=end, end=end
        )
        site = await store.sites.get(case.site_id)
        assert site is not None
        await record_ledger(store, case, site)


async def absent(
    db: Database,
    case: Case,
    day: date,
    category: str,
    *,
    reporter: int | None,
    at: datetime,
    reason: str | None = None,
    ruling: str | None = None,
    ruler: int | None = None,
) -> None:
    """An absence reported by the pengawas (their Telegram id) or asked by the offender
    (``reporter`` None), ruled by the jaksa when ``ruling`` says so."""
    async with db.transaction() as store:
        person = await store.people.by_telegram_id(reporter) if reporter else None
        absence = await store.attendance.add_absence(
            case_id=case.id,
            day=day,
            category=category,
            reason=reason,
            source="pengawas" if reporter else "terpidana",
            by=person.id if person else None,
            now=at,
            chat_id=None,
            message_id=None,
        )
        assert absence is not None
        if ruling is not None:
            judge = await store.people.by_telegram_id(ruler or JAKSA_TELEGRAM_ID)
            assert judge is not None
            assert await store.attendance.rule_absence(
                absence, ruling=ruling, consequence=None, by=judge.id, now=at
            )


async def _two_sites(db: Database, now: datetime) -> tuple[dict[str, Case], date, datetime]:
    """The seed above; the cases by offender name, the day and the instant it is read."""
    jaksa = await seed_office(db, now)
    for name, cases, first in (("Taman Uji", 3, 0), ("Pasar Pagi", 2, 3)):
        await seed_site(
            db,
            now,
            jaksa,
            name=name,
            cases=cases,
            pengawas_telegram_id=PENGAWAS,
            hours_per_day=3,
            first_offender=first,
        )
    store = db.reader()
    cases = {c.offender_name: c for c in await store.cases.for_agencies(None)}
    first_sessions = {
        name: (await store.cases.sessions_of(case.id))[0] for name, case in cases.items()
    }
    day = max(s.day for s in first_sessions.values())
    assert {s.day for s in first_sessions.values()} == {day}  # the same days for all
    read_at = datetime.combine(day, time(12, 0), WITA)
    ruled_at = datetime.combine(day, time(11, 30), WITA)
    await attend(db, cases["Peserta 0"], first_sessions["Peserta 0"], 125)
    await attend(db, cases["Peserta 3"], first_sessions["Peserta 3"], 70)
    await absent(
        db,
        cases["Peserta 1"],
        day,
        "sakit",
        reporter=PENGAWAS,
        at=ruled_at,
        reason="demam",
        ruling="sah",
    )
    await absent(db, cases["Peserta 2"], day, "izin", reporter=None, at=ruled_at)
    await absent(
        db,
        cases["Peserta 4"],
        day,
        "tanpa_keterangan",
        reporter=PENGAWAS,
        at=ruled_at,
        ruling="tidak_sah",
    )
    return cases, day, read_at


async def _workbook(
    db: Database, now: datetime, lang: str = "id"
) -> tuple[Any, dict[str, Case], date, datetime]:
    cases, day, read_at = await _two_sites(db, now)
    month = reports.Month(day.replace(day=1))
    data = await reports.monthly_xlsx(
        db.reader(),
        list(cases.values()),
        month,
        Texts(lang),
        now=read_at,
        agency="Kejaksaan Negeri Samarinda",
        zone="Asia/Makassar",
    )
    return openpyxl.load_workbook(io.BytesIO(data)), cases, day, read_at


def _table(sheet: Worksheet, header: int) -> list[tuple[Any, ...]]:
    """The rows under a header, down to the first empty one."""
    rows = []
    for row in sheet.iter_rows(min_row=header + 1, values_only=True):
        if all(v is None for v in row):
            break
        rows.append(row)
    return rows


MONTHS_ID = [
    *("Januari", "Februari", "Maret", "April", "Mei", "Juni"),
    *("Juli", "Agustus", "September", "Oktober", "November", "Desember"),
]


async def test_the_cover_names_the_agency_the_month_and_sums_the_sites(
    db: Database, now: datetime
) -> None:
    workbook, cases, day, read_at = await _workbook(db, now)
    assert workbook.sheetnames == ["Ringkasan", "Ketidakhadiran", "Pasar Pagi", "Taman Uji"]
    cover = workbook["Ringkasan"]
    in_words = f"{MONTHS_ID[day.month - 1]} {day.year}"  # "Desember 2026"
    assert cover["A1"].value == f"Laporan pelaksanaan pidana kerja sosial — {in_words}"
    assert (cover["A2"].value, cover["B2"].value) == ("Instansi", "Kejaksaan Negeri Samarinda")
    assert (cover["A3"].value, cover["B3"].value) == ("Periode", in_words)
    assert cover["A4"].value == "Dibuat"
    assert str(cover["B4"].value).endswith(f"{day.day} {in_words}, 12.00 WITA")

    *sites, total = _table(cover, HEADER)
    # site, cases, planned, held, hours, absences, not valid, completed
    assert sites == [
        ("Pasar Pagi", 2, 2, 1, 1.1, 1, 1, 0),
        ("Taman Uji", 3, 3, 1, 2.0, 2, 0, 0),
    ]
    assert total[0] == "Jumlah"
    # The counts add up; the hours are floored from the minutes of them all (195 minutes:
    # 3.2), never more than was credited and never less than the rows.
    for column in (1, 2, 3, 5, 6, 7):
        assert total[column] == sum(row[column] for row in sites)
    assert total[4] == hour_tenths(125 + 70) / 10 == 3.2
    assert sum(row[4] for row in sites) <= total[4]

    # And they are the figures, read as the digest reads them.
    month = reports.Month(day.replace(day=1))
    figures = await figures_by_case(db.reader(), list(cases.values()), month.period, now=read_at)
    assert total[1:4] == (
        len(cases),
        sum(f.sessions_planned for f in figures.values()),
        sum(f.days_held for f in figures.values()),
    )
    assert total[5:7] == (
        sum(f.absences for f in figures.values()),
        sum(f.absences_invalid for f in figures.values()),
    )
    assert [cover.cell(HEADER + row, 5).number_format for row in (1, 2, 3)] == ["0.0"] * 3
    assert cover.freeze_panes == f"A{HEADER + 1}"
    # Printed and signed at the meeting: room for two signatures under the notes.
    values = [c for row in cover.iter_rows(values_only=True) for c in row if c is not None]
    assert "Dibuat oleh," in values and "Mengetahui," in values and "NIP." in values


async def test_each_site_sheet_is_ready_to_filter_and_to_print(db: Database, now: datetime) -> None:
    workbook, cases, day, _ = await _workbook(db, now)
    sheet = workbook["Taman Uji"]
    in_words = f"{MONTHS_ID[day.month - 1]} {day.year}"
    assert sheet["A1"].value == f"Taman Uji — {in_words}"
    assert sheet["A2"].value == "Instansi tuan rumah: Dinas Lingkungan Hidup Kota Samarinda · Jl. 1"
    *rows, total = _table(sheet, SHEET_HEADER)
    code = {name: case.code for name, case in cases.items()}
    # code, name, decision, planned, held, hours month, to date, ordered, done, absences,
    # not valid, status
    assert rows == [
        (code["Peserta 0"], "Peserta 0", "0/Uji", 1, 1, 2.0, 2.0, 40, 0.05, 0, 0, "aktif"),
        (code["Peserta 1"], "Peserta 1", "1/Uji", 1, 0, 0.0, 0.0, 40, 0.0, 1, 0, "aktif"),
        (code["Peserta 2"], "Peserta 2", "2/Uji", 1, 0, 0.0, 0.0, 40, 0.0, 1, 0, "aktif"),
    ]
    assert total == ("Jumlah", "3 kasus", None, 3, 1, 2.0, 2.0, 120, 0.01, 2, 0, None)
    # The site's total is its row on the cover.
    [cover_row] = [r for r in _table(workbook["Ringkasan"], HEADER) if r[0] == "Taman Uji"]
    assert (total[3], total[4], total[5], total[9], total[10]) == cover_row[2:7]

    last = SHEET_HEADER + len(rows)
    assert sheet.freeze_panes == f"C{SHEET_HEADER + 1}"  # the header, the code and the name
    assert sheet.auto_filter.ref == f"A{SHEET_HEADER}:L{last}"  # not the total
    for column in "FG":
        assert {sheet[f"{column}{r}"].number_format for r in range(4, last + 2)} == {"0.0"}
    assert {sheet[f"I{r}"].number_format for r in range(4, last + 2)} == {"0%"}
    assert all(isinstance(sheet[f"F{r}"].value, int | float) for r in range(4, last + 2))
    assert 8 <= sheet.column_dimensions["B"].width <= 40
    assert sheet.column_dimensions["C"].width >= len("Putusan")

    for each in workbook.worksheets:
        assert each.page_setup.orientation == "landscape", each.title
        assert int(each.page_setup.paperSize) == int(each.PAPERSIZE_A4) == 9
        assert each.page_setup.fitToWidth == 1 and each.page_setup.fitToHeight == 0
        assert each.sheet_properties.pageSetUpPr.fitToPage
        assert each.oddFooter.center.text == "Halaman &P dari &N"
        assert "Kejaksaan Negeri Samarinda — " in each.oddFooter.left.text
    assert sheet.print_title_rows == f"${SHEET_HEADER}:${SHEET_HEADER}"
    assert workbook["Ringkasan"].print_title_rows == f"${HEADER}:${HEADER}"


async def test_the_absences_sheet_lists_each_absence_and_its_ruling(
    db: Database, now: datetime
) -> None:
    workbook, cases, day, _ = await _workbook(db, now)
    sheet = workbook["Ketidakhadiran"]
    assert [c.value for c in sheet[SHEET_HEADER]] == [
        "Tanggal",
        "Kode",
        "Nama terpidana",
        "Lokasi",
        "Alasan",
        "Keterangan",
        "Dilaporkan oleh",
        "Keputusan",
        "Diputuskan oleh",
        "Diputuskan pada",
    ]
    rows = _table(sheet, SHEET_HEADER)
    code = {name: case.code for name, case in cases.items()}
    ruled = f"{day.day} {MONTHS_ID[day.month - 1][:3]} {day.year} 11.30 WITA"
    midnight = datetime.combine(day, time())
    assert rows == [
        (
            midnight,
            code["Peserta 1"],
            "Peserta 1",
            "Taman Uji",
            "sakit",
            "demam",
            "Pengawas (pengawas)",
            "sah",
            "Jaksa Konsol",
            ruled,
        ),
        (
            *(midnight, code["Peserta 2"], "Peserta 2", "Taman Uji", "izin", "—"),
            *("terpidana", "menunggu", "—", "—"),
        ),
        (
            *(midnight, code["Peserta 4"], "Peserta 4", "Pasar Pagi", "tanpa keterangan", "—"),
            *("Pengawas (pengawas)", "tidak sah", "Jaksa Konsol", ruled),
        ),
    ]
    # As many as the cover counts, the same as the figures.
    [*_, total] = _table(workbook["Ringkasan"], HEADER)
    assert len(rows) == total[5] and sum(r[7] == "tidak sah" for r in rows) == total[6]
    assert sheet.cell(SHEET_HEADER + 1, 1).number_format == "dd-mm-yyyy"
    assert sheet.freeze_panes == f"A{SHEET_HEADER + 1}"
    assert sheet.auto_filter.ref == f"A{SHEET_HEADER}:J{SHEET_HEADER + 3}"
    assert sheet.print_title_rows == f"${SHEET_HEADER}:${SHEET_HEADER}"


async def test_the_english_report_says_the_month_in_english(db: Database, now: datetime) -> None:
    workbook, _, day, _ = await _workbook(db, now, lang="en")
    assert workbook.sheetnames[:2] == ["Summary", "Absences"]
    cover = workbook["Summary"]
    in_words = f"{date(2000, day.month, 1):%B} {day.year}"
    assert cover["B3"].value == in_words
    assert cover["A1"].value == f"Community-service implementation report — {in_words}"
    assert _table(cover, HEADER)[-1][0] == reports_en.LABELS["xlsx.total"]
    assert cover.oddFooter.center.text == "Page &P of &N"


async def test_an_admins_report_covers_every_agency_and_a_quiet_month_says_so(
    db: Database, now: datetime
) -> None:
    await seed_office(db, now)
    data = await reports.monthly_xlsx(
        db.reader(), [], reports.Month(date(2026, 12, 1)), Texts("id"), now=now
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Ringkasan", "Ketidakhadiran"]
    cover = workbook["Ringkasan"]
    assert cover["B2"].value == "Semua instansi" and cover["B3"].value == "Desember 2026"
    assert _table(cover, HEADER) == [("Jumlah", 0, 0, 0, 0.0, 0, 0, 0)]
    absences = workbook["Ketidakhadiran"]
    assert absences.cell(SHEET_HEADER + 1, 1).value == "Tidak ada ketidakhadiran pada bulan ini."
    # The file says when it was made: the report's "now", not the machine's clock.
    assert workbook.properties.created == now.replace(tzinfo=None, microsecond=0)
    assert workbook.properties.modified == workbook.properties.created


def test_importing_the_reports_loads_neither_openpyxl_nor_reportlab() -> None:
    import subprocess

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, services.reports, handlers.reports; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'reportlab'}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"
