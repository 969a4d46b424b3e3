"""The spreadsheet import: the template, reading .xlsx and .csv, and every row's checks."""

import ast
import inspect
import io
import random
import re
import string
import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import spreadsheet
from domain.cases import Consequence
from domain.parsing import (
    parse_date,
    parse_float,
    parse_int,
    parse_time,
    parse_weekdays,
    parse_yes_no,
)
from domain.spreadsheet import (
    CASE_SHEET,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    SITE_SHEET,
    CellError,
    ParsedUpload,
    build_template,
    parse_upload,
)
from tests.sheets import case, csv_bytes, site, xlsx
from texts import CATALOGS
from texts.spreadsheet_id import TEMPLATE

MESSAGES_ID = {k: v for k, v in CATALOGS["id"].items() if k.startswith("sheet.")}
MESSAGES_EN = {k: v for k, v in CATALOGS["en"].items() if k.startswith("sheet.")}

TODAY = date(2026, 3, 1)


# --------------------------------------------------------------------------------------
# Building files


def where(result: ParsedUpload) -> set[tuple[str, int, str, str]]:
    return {(e.sheet, e.row, e.column, e.key) for e in result.errors}


# --------------------------------------------------------------------------------------
# The template


def test_the_template_has_two_data_sheets_and_a_guide() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(build_template(TEMPLATE)))
    assert workbook.sheetnames == ["Lokasi", "Kasus", "Petunjuk"]
    for spec in (SITE_SHEET, CASE_SHEET):
        ws = workbook[spec.name]
        header = [c.value for c in ws[1]]
        assert header == list(spec.headers)
        assert all(c.font.bold for c in ws[1])
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width >= 20
        assert str(ws.cell(row=2, column=1).value).startswith("Contoh")
    guide = " ".join(
        str(c.value) for row in workbook["Petunjuk"].iter_rows() for c in row if c.value
    )
    for header in SITE_SHEET.headers + CASE_SHEET.headers:
        assert header in guide
    for allowed in ("ulang", "penjara", "denda", "Asia/Makassar", "Asia/Jayapura", "150"):
        assert allowed in guide


def test_the_template_reads_back_empty_because_example_rows_are_skipped() -> None:
    assert parse_upload(build_template(TEMPLATE), "templat.xlsx", today=TODAY) == ParsedUpload(
        (), (), ()
    )


def test_the_template_is_the_same_bytes_every_time() -> None:
    assert build_template(TEMPLATE) == build_template(TEMPLATE)


def test_the_example_rows_are_valid_once_the_word_contoh_is_removed() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(build_template(TEMPLATE)))
    for ws in (workbook["Lokasi"], workbook["Kasus"]):
        for cell in ws[2]:
            if isinstance(cell.value, str):
                cell.value = cell.value.removeprefix("Contoh: ")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_upload(buffer.getvalue(), "templat.xlsx", today=TODAY)
    assert result.errors == ()
    assert [s.name for s in result.sites] == ["Taman Samarendah"]
    assert [c.offender_name for c in result.cases] == ["Budi Santoso"]
    assert result.cases[0].site_name == result.sites[0].name


def test_every_column_is_explained_and_only_known_columns_have_examples() -> None:
    headers = set(SITE_SHEET.headers + CASE_SHEET.headers)
    assert set(TEMPLATE.help) == headers
    assert set(TEMPLATE.examples) <= headers
    assert len(TEMPLATE.guide_headings) == 4


def test_the_words_of_the_template_use_only_the_limits_the_rules_give() -> None:
    values = spreadsheet.template_values()
    for text in (*TEMPLATE.help.values(), *TEMPLATE.guide):
        assert _placeholders(text) <= set(values), text
        text.format(**values)
    guide = " ".join(TEMPLATE.help.values()).format(**values)
    assert f"{spreadsheet.RADIUS_MIN_M}–{spreadsheet.RADIUS_MAX_M}" in guide
    assert "Boleh kosong: 08.00." in guide  # the default start, written the Indonesian way


def test_the_declaration_offered_in_the_template_reads_as_declared() -> None:
    assert parse_yes_no(TEMPLATE.declared) is True


def test_the_domain_module_holds_rules_not_sentences() -> None:
    """Sentences a person reads are in texts/; here are only names the import reads back."""
    tree = ast.parse(inspect.getsource(spreadsheet))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    sentences = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and re.search(r"[^\W\d_]\s+[^\W\d_]", node.value)
    ]
    assert sentences == []


# --------------------------------------------------------------------------------------
# A good file


def good_workbook() -> bytes:
    sites = [
        site(),
        site(
            nama_lokasi="Masjid Islamic Center",
            instansi_tuan_rumah="Biro Kesra Pemprov Kaltim",
            alamat="Jl. Slamet Riyadi, Samarinda",
            lintang=-0.5126,
            bujur=117.1217,
            radius_m=200,
            zona_waktu="WITA",
            kegiatan="Membersihkan halaman; Merapikan sandal",
            kapasitas="5",
            pernyataan_nonkomersial="Ya",
        ),
    ]
    cases = [
        case(tanggal_putusan=datetime(2026, 2, 2)),  # an Excel date cell
        case(
            nama_terpidana="  Siti   Aminah ",
            nomor_putusan="13/Pid.C/2026/PN Smr",
            tanggal_putusan="5 Januari 2026",
            total_jam="24",
            jam_per_hari="3",
            hari="senin-jumat",
            lokasi="Masjid Islamic Center",
            tanggal_mulai="2026-01-12",
            batas_waktu="30 Juni 2026",
            jam_mulai="13.30",
            akibat="Denda",
            pidana_pengganti="denda Rp5.000.000",
            nama_jaksa="  jaksa   KONSOL ",
            nama_pk="Rina Wati (Bapas Samarinda)",
        ),
        None,  # a blank row: skipped, and row numbers stay as the user sees them
        case(
            nama_terpidana="Rudi Hartono",
            nomor_putusan="7/Pid.S/2026/PN Tgr",
            pengadilan="Pengadilan Negeri Tenggarong",
            tanggal_putusan="20/2/2026",
            total_jam=8,
            jam_per_hari=8,
            hari="Sabtu",
            lokasi="Taman Kota Lama",  # registered earlier, not in this file
            tanggal_mulai=datetime(2026, 2, 28),
            jam_mulai=time(7, 30),
            akibat="ulang",
            pidana_pengganti="2 bulan penjara",
        ),
    ]
    return xlsx({"Lokasi": sites, "Kasus": cases})


def test_a_good_file_gives_its_rows_with_defaults() -> None:
    result = parse_upload(good_workbook(), "data.xlsx", today=TODAY)
    assert result.errors == ()
    park, mosque = result.sites
    assert (park.row, park.name, park.host_agency_name) == (
        2,
        "Taman Samarendah",
        "Dinas Lingkungan Hidup Kota Samarinda",
    )
    assert (park.latitude, park.longitude) == (-0.4948, 117.1436)
    assert park.radius_m == 150
    assert park.timezone is None
    assert park.activities == ("Menyapu taman", "Menyiram tanaman")
    assert park.capacity == 10
    assert park.non_commercial_declared is True
    assert (mosque.row, mosque.radius_m, mosque.timezone, mosque.capacity) == (
        3,
        200,
        "Asia/Makassar",
        5,
    )
    assert mosque.activities == ("Membersihkan halaman", "Merapikan sandal")

    andi, siti, rudi = result.cases
    assert andi.row == 2
    assert andi.decision_date == date(2026, 2, 2)
    assert andi.weekdays == frozenset({0, 2, 4})
    assert andi.start_date == date(2026, 2, 9)
    assert andi.deadline == date(2026, 8, 9)  # start + 6 months
    assert andi.session_start == time(8, 0)
    assert andi.consequence is Consequence.PRISON
    assert andi.jaksa_name is None and andi.pk_name is None

    assert siti.row == 3
    assert siti.offender_name == "Siti Aminah"
    assert siti.decision_date == date(2026, 1, 5)
    assert (siti.hours_total, siti.hours_per_day) == (24, 3)
    assert siti.weekdays == frozenset(range(5))
    assert siti.site_name == "Masjid Islamic Center"
    assert (siti.start_date, siti.deadline) == (date(2026, 1, 12), date(2026, 6, 30))
    assert siti.session_start == time(13, 30)
    assert siti.consequence is Consequence.FINE
    assert siti.replaced_penalty == "denda Rp5.000.000"
    assert (siti.jaksa_name, siti.pk_name) == ("jaksa KONSOL", "Rina Wati (Bapas Samarinda)")

    assert rudi.row == 5
    assert rudi.decision_date == date(2026, 2, 20)
    assert rudi.weekdays == frozenset({5})
    assert rudi.site_name == "Taman Kota Lama"
    assert (rudi.start_date, rudi.deadline) == (date(2026, 2, 28), date(2026, 8, 28))
    assert rudi.session_start == time(7, 30)
    assert rudi.consequence is Consequence.REPEAT
    assert rudi.terms.hours_total == 8


def test_rows_convert_to_the_drafts_the_conversations_build() -> None:
    result = parse_upload(good_workbook(), "data.xlsx", today=TODAY)
    draft = result.sites[0].to_draft(host_agency_id=7, agency_timezone="Asia/Makassar")
    assert (draft.host_agency_id, draft.timezone) == (7, "Asia/Makassar")
    case_draft = result.cases[1].to_draft(site_id=3, jaksa_person_id=11, pk_person_id=None)
    assert case_draft.terms.deadline == date(2026, 6, 30)
    assert (case_draft.site_id, case_draft.jaksa_person_id) == (3, 11)


# --------------------------------------------------------------------------------------
# Errors


def test_every_error_is_reported_by_sheet_row_and_column() -> None:
    sites = [
        site(nama_lokasi=None, lintang="utara", kapasitas="lima"),
        site(
            nama_lokasi="Kantor Lurah",
            pernyataan_nonkomersial="tidak",
            radius_m=5,
            zona_waktu="Asia/Tokyo",
        ),
        site(nama_lokasi="Pantai", lintang="117,1", bujur="-0,5"),  # swapped
        site(nama_lokasi="Balai Desa", pernyataan_nonkomersial=None, kegiatan=None),
    ]
    cases = [
        case(total_jam=300, jam_per_hari=9, hari="tiap pekan"),
        case(
            nomor_putusan="2/Pid.C/2026/PN Smr",
            tanggal_putusan="32-01-2026",
            tanggal_mulai="kemarin",
            batas_waktu="2027-01-01",  # too late, but the start is unreadable: not reported
            jam_mulai="jam delapan",
            akibat="kurungan",
        ),
        case(
            nomor_putusan="3/Pid.C/2026/PN Smr",
            tanggal_putusan="01-04-2026",
            tanggal_mulai="15-04-2026",
            batas_waktu="31-12-2026",
            pidana_pengganti=None,
        ),
        case(
            nomor_putusan="4/Pid.C/2026/PN Smr",
            nama_terpidana="Al",
            tanggal_putusan="01-02-2026",
            tanggal_mulai="10-01-2026",
            total_jam="8,5",
        ),
    ]
    result = parse_upload(xlsx({"Lokasi": sites, "Kasus": cases}), "x.xlsx", today=TODAY)
    assert result.sites == () and result.cases == ()
    assert where(result) == {
        ("Lokasi", 2, "nama_lokasi", "sheet.required"),
        ("Lokasi", 2, "lintang", "sheet.bad_number"),
        ("Lokasi", 2, "kapasitas", "sheet.bad_integer"),
        ("Lokasi", 3, "radius_m", "site.bad_radius"),
        ("Lokasi", 3, "zona_waktu", "sheet.bad_timezone"),
        ("Lokasi", 3, "pernyataan_nonkomersial", "site.declaration_required"),
        ("Lokasi", 4, "lintang", "site.bad_location"),
        ("Lokasi", 5, "kegiatan", "sheet.required"),
        ("Lokasi", 5, "pernyataan_nonkomersial", "site.declaration_required"),
        ("Kasus", 2, "total_jam", "case.bad_hours_total"),
        ("Kasus", 2, "jam_per_hari", "case.bad_hours_per_day"),
        ("Kasus", 2, "hari", "sheet.bad_weekdays"),
        ("Kasus", 3, "tanggal_putusan", "sheet.bad_date"),
        ("Kasus", 3, "tanggal_mulai", "sheet.bad_date"),
        ("Kasus", 3, "jam_mulai", "sheet.bad_time"),
        ("Kasus", 3, "akibat", "sheet.bad_consequence"),
        ("Kasus", 4, "tanggal_putusan", "case.decision_in_future"),
        ("Kasus", 4, "batas_waktu", "case.deadline_too_late"),
        ("Kasus", 4, "pidana_pengganti", "sheet.required"),
        ("Kasus", 5, "nama_terpidana", "case.bad_text"),
        ("Kasus", 5, "tanggal_mulai", "case.start_before_decision"),
        ("Kasus", 5, "total_jam", "sheet.bad_integer"),
    }
    assert len(result.errors) == len(where(result))
    # In reading order: sheet, then row, then column as in the template.
    order = [(e.sheet, e.row) for e in result.errors]
    assert order == sorted(order, key=lambda p: (p[0] != "Lokasi", p[1]))


def test_domain_problems_keep_their_keys_and_values() -> None:
    result = parse_upload(
        xlsx({"Kasus": [case(total_jam=300, batas_waktu="31-12-2026")]}), "x.xlsx", today=TODAY
    )
    by_column = {e.column: e for e in result.errors}
    assert by_column["total_jam"].values == {"min": 8, "max": 240}
    assert by_column["batas_waktu"].key == "case.deadline_too_late"
    assert by_column["batas_waktu"].values == {"latest": date(2026, 8, 9)}


def test_unreadable_values_are_quoted_back() -> None:
    result = parse_upload(xlsx({"Kasus": [case(hari="Senen")]}), "x.xlsx", today=TODAY)
    (error,) = result.errors
    assert (error.column, error.key, error.values) == (
        "hari",
        "sheet.bad_weekdays",
        {"value": "Senen"},
    )
    long_value = "x" * 500
    result = parse_upload(xlsx({"Kasus": [case(tanggal_mulai=long_value)]}), "x.xlsx", today=TODAY)
    assert len(str(result.errors[0].values["value"])) <= 40


def test_a_failed_formula_is_named() -> None:
    result = parse_upload(xlsx({"Kasus": [case(total_jam="#N/A")]}), "x.xlsx", today=TODAY)
    assert where(result) == {("Kasus", 2, "total_jam", "sheet.formula_error")}


def test_duplicate_decision_numbers_and_site_names_within_the_file() -> None:
    sites = [site(), site(nama_lokasi="taman  SAMARENDAH")]
    cases = [
        case(),
        case(nama_terpidana="Budi", nomor_putusan="99/Pid.C/2026/PN Smr"),
        case(nama_terpidana="Cici", nomor_putusan=" 12/pid.b/2026/PN  Smr"),
    ]
    result = parse_upload(xlsx({"Lokasi": sites, "Kasus": cases}), "x.xlsx", today=TODAY)
    assert where(result) == {
        ("Lokasi", 3, "nama_lokasi", "sheet.duplicate_in_file"),
        ("Kasus", 4, "nomor_putusan", "sheet.duplicate_in_file"),
    }
    case_error = next(e for e in result.errors if e.sheet == "Kasus")
    assert case_error.values == {"value": "12/pid.b/2026/PN Smr", "first_row": 2}
    # The rows without a problem are still read, for a preview; nothing is imported.
    assert [c.row for c in result.cases] == [2, 3]


def test_example_rows_are_skipped_wherever_they_are() -> None:
    rows = [case(nama_terpidana="Contoh: Budi"), case(), case(nama_terpidana="Example only")]
    result = parse_upload(xlsx({"Kasus": rows}), "x.xlsx", today=TODAY)
    assert result.errors == ()
    assert [c.row for c in result.cases] == [3]


# --------------------------------------------------------------------------------------
# Columns and sheets


def test_columns_may_come_in_any_order_and_any_case() -> None:
    row = case()
    headers = [f"  {name.upper()} " for name in reversed(list(row))]
    shuffled = {h: row[h.strip().lower()] for h in headers}
    data = xlsx({"KASUS": [shuffled]})
    result = parse_upload(data, "x.xlsx", today=TODAY)
    assert result.errors == ()
    assert result.cases[0].decision_number == "12/Pid.B/2026/PN Smr"


def test_optional_columns_may_be_left_out() -> None:
    row = case()
    for optional in ("batas_waktu", "jam_mulai", "nama_jaksa", "nama_pk"):
        del row[optional]
    result = parse_upload(xlsx({"Kasus": [row]}), "x.xlsx", today=TODAY)
    assert result.errors == ()
    assert result.cases[0].session_start == time(8, 0)


def test_missing_unknown_and_repeated_columns() -> None:
    row = case()
    del row["total_jam"], row["akibat"]
    row["catatan jaksa"] = "segera"
    headers = [*row, "hari"]
    result = parse_upload(xlsx({"Kasus": [row]}, {"Kasus": headers}), "x.xlsx", today=TODAY)
    errors = {e.key: e for e in result.errors}
    assert set(errors) == {
        "sheet.missing_columns",
        "sheet.unknown_columns",
        "sheet.duplicate_columns",
    }
    assert errors["sheet.missing_columns"].values == {"columns": "total_jam, akibat"}
    assert errors["sheet.unknown_columns"].values == {"columns": "catatan jaksa"}
    assert errors["sheet.duplicate_columns"].values == {"columns": "hari"}
    assert all((e.sheet, e.row, e.column) == ("Kasus", 1, "") for e in result.errors)
    assert result.cases == ()


def test_unknown_columns_alone_still_let_every_row_be_checked() -> None:
    row = case(total_jam=2)
    row["catatan"] = "x"
    result = parse_upload(xlsx({"Kasus": [row]}), "x.xlsx", today=TODAY)
    assert {e.key for e in result.errors} == {"sheet.unknown_columns", "case.bad_hours_total"}


def test_a_workbook_without_lokasi_or_kasus() -> None:
    result = parse_upload(xlsx({"Sheet1": [case()]}), "x.xlsx", today=TODAY)
    assert where(result) == {("", 0, "", "sheet.no_known_sheet")}


def test_an_empty_known_sheet_is_ignored() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Lokasi"
    kasus = workbook.create_sheet("Kasus")
    row = case()
    kasus.append(list(row))
    kasus.append(list(row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_upload(buffer.getvalue(), "x.xlsx", today=TODAY)
    assert result.errors == () and len(result.cases) == 1


def test_too_many_rows() -> None:
    rows = [site(nama_lokasi=f"Lokasi {i}") for i in range(MAX_ROWS + 1)]
    result = parse_upload(csv_bytes(rows), "lokasi.csv", today=TODAY)
    assert where(result) == {("Lokasi", 0, "", "sheet.too_many_rows")}
    assert result.errors[0].values == {"max": MAX_ROWS}


# --------------------------------------------------------------------------------------
# CSV


def test_an_indonesian_excel_csv_with_semicolons_and_a_bom() -> None:
    rows = [site(), site(nama_lokasi="Pasar Pagi", lintang="-0,5021", bujur="117,1537")]
    data = csv_bytes(rows, delimiter=";", bom=True)
    assert data.startswith(b"\xef\xbb\xbfnama_lokasi;")
    result = parse_upload(data, "lokasi.csv", today=TODAY)
    assert result.errors == ()
    assert [(s.name, s.latitude) for s in result.sites] == [
        ("Taman Samarendah", -0.4948),
        ("Pasar Pagi", -0.5021),
    ]
    assert result.sites[0].activities == ("Menyapu taman", "Menyiram tanaman")


def test_a_comma_csv_of_cases_is_recognised_by_its_header() -> None:
    data = csv_bytes([case(), case(nomor_putusan="13/Pid.C/2026/PN Smr", total_jam=7)])
    result = parse_upload(data, "export (1).csv", today=TODAY)
    assert where(result) == {("Kasus", 3, "total_jam", "case.bad_hours_total")}
    assert [c.row for c in result.cases] == [2]


def test_a_csv_in_the_windows_code_page() -> None:
    data = csv_bytes([site(alamat="Jl. Café, Samarinda")]).decode().encode("cp1252")
    result = parse_upload(data, "lokasi.csv", today=TODAY)
    assert result.errors == ()
    assert result.sites[0].address == "Jl. Café, Samarinda"


def test_excel_sep_line_is_understood() -> None:
    data = b"sep=;\r\n" + csv_bytes([site()], delimiter=";")
    result = parse_upload(data, "lokasi.csv", today=TODAY)
    assert result.errors == ()
    assert result.sites[0].row == 2


def test_a_csv_with_other_columns() -> None:
    result = parse_upload(b"nama,umur\r\nBudi,30\r\n", "orang.csv", today=TODAY)
    assert where(result) == {("", 0, "", "sheet.no_known_sheet")}


# --------------------------------------------------------------------------------------
# Not a spreadsheet, too large


def _zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


NOT_SPREADSHEETS = {
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a.pdf"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(40)), "foto.png"),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(30), "foto.jpg"),
    "garbage": (random.Random(85).randbytes(4000), "data.xlsx"),
    "garbage named csv": (random.Random(7).randbytes(4000), "data.csv"),
    "zip": (_zip_of({"readme.txt": b"hello"}), "arsip.zip"),
    "docx": (_zip_of({"word/document.xml": b"<w:document/>"}), "surat.docx"),
    "fake xlsx": (_zip_of({"xl/workbook.xml": b"not xml at all"}), "kasus.xlsx"),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "kasus.xls"),
    "text": (b"Mohon dicek, terima kasih.", "pesan.txt"),
}


@pytest.mark.parametrize("name", list(NOT_SPREADSHEETS))
def test_anything_else_is_not_a_spreadsheet(name: str) -> None:
    data, filename = NOT_SPREADSHEETS[name]
    result = parse_upload(data, filename, today=TODAY)
    assert result == ParsedUpload((), (), (CellError("", 0, "", "sheet.not_spreadsheet", {}),))


def test_a_truncated_xlsx_is_not_a_spreadsheet() -> None:
    data = build_template(TEMPLATE)
    result = parse_upload(data[: len(data) // 2], "templat.xlsx", today=TODAY)
    assert where(result) == {("", 0, "", "sheet.not_spreadsheet")}


def test_a_file_over_2_mb_is_refused_without_being_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_read(*args: object) -> None:
        raise AssertionError("read")

    monkeypatch.setattr(spreadsheet, "_read_xlsx", must_not_read)
    monkeypatch.setattr(spreadsheet, "_read_csv", must_not_read)
    data = b"PK\x03\x04" + bytes(MAX_UPLOAD_BYTES)
    result = parse_upload(data, "besar.xlsx", today=TODAY)
    assert result.errors == (CellError("", 0, "", "sheet.too_large", {"max_mb": 2}),)


def test_a_small_zip_that_unpacks_huge_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spreadsheet, "MAX_UNPACKED_BYTES", 1000)
    result = parse_upload(build_template(TEMPLATE), "templat.xlsx", today=TODAY)
    assert where(result) == {("", 0, "", "sheet.too_large")}


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["a.xlsx", "a.csv", "", "a.pdf"]))
def test_parse_upload_never_raises(data: bytes, filename: str) -> None:
    result = parse_upload(data, filename, today=TODAY)
    assert result.sites == () and result.cases == ()


# --------------------------------------------------------------------------------------
# Readers for single values

MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MONTHS_SHORT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


@pytest.mark.parametrize("month", range(1, 13))
def test_indonesian_month_names_full_and_short(month: int) -> None:
    assert parse_date(f"5 {MONTHS_ID[month - 1]} 2026") == date(2026, month, 5)
    assert parse_date(f"5 {MONTHS_SHORT[month - 1]} 2026") == date(2026, month, 5)
    assert parse_date(f"05 {MONTHS_SHORT[month - 1].upper()}. 2026") == date(2026, month, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5 Januari 2026", date(2026, 1, 5)),
        ("05-01-2026", date(2026, 1, 5)),
        ("2026-01-05", date(2026, 1, 5)),
        ("5/1/2026", date(2026, 1, 5)),
        ("5.1.2026", date(2026, 1, 5)),
        ("05/01/26", date(2026, 1, 5)),
        ("Senin, 5 Januari 2026", date(2026, 1, 5)),
        ("Jum'at, 9 Januari 2026", date(2026, 1, 9)),
        ("17 Agt 2026", date(2026, 8, 17)),
        ("30 Nopember 2026", date(2026, 11, 30)),
        ("5-Jan-26", date(2026, 1, 5)),
        ("January 5, 2026", date(2026, 1, 5)),
        ("5 December 2026", date(2026, 12, 5)),
        ("2026-01-05 00:00:00", date(2026, 1, 5)),
        ("31 Februari 2026", None),
        ("13/13/2026", None),
        ("besok", None),
        ("5 Jamuari 2026", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_parse_date_takes_excel_cells() -> None:
    assert parse_date(datetime(2026, 1, 5, 0, 0)) == date(2026, 1, 5)
    assert parse_date(date(2026, 1, 5)) == date(2026, 1, 5)
    assert parse_date(46027) == date(2026, 1, 5)  # an Excel serial number
    assert parse_date(2026) is None  # a year alone is not a date
    assert parse_date(True) is None


@settings(max_examples=80, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_every_written_form_of_a_date_reads_back(day: date) -> None:
    month_id = MONTHS_ID[day.month - 1]
    for text in (
        f"{day.day} {month_id} {day.year}",
        f"{day:%d-%m-%Y}",
        f"{day.day}/{day.month}/{day.year}",
        day.isoformat(),
        f"{day.day} {MONTHS_SHORT[day.month - 1].lower()} {day.year}",
    ):
        assert parse_date(text) == day, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08.00", time(8, 0)),
        ("8:00", time(8, 0)),
        ("8.00", time(8, 0)),
        ("8", time(8, 0)),
        ("13.30", time(13, 30)),
        ("07:45:00", time(7, 45)),
        ("pukul 08.00", time(8, 0)),
        ("2 pm", time(14, 0)),
        ("12 am", time(0, 0)),
        ("24.00", None),
        ("8.5", None),
        ("08.60", None),
        ("delapan", None),
        ("08.00-12.00", None),
    ],
)
def test_parse_time(text: str, expected: time | None) -> None:
    assert parse_time(text) == expected


def test_parse_time_takes_excel_cells() -> None:
    assert parse_time(time(7, 30)) == time(7, 30)
    assert parse_time(8 / 24) == time(8, 0)  # a time stored as a fraction of a day
    assert parse_time(9) == time(9, 0)
    assert parse_time(datetime(1899, 12, 30, 8, 0)) == time(8, 0)
    assert parse_time(datetime(2026, 1, 5)) is None  # a date in the time column


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Senin, Rabu, Jumat", {0, 2, 4}),
        ("senin-jumat", {0, 1, 2, 3, 4}),
        ("Senin - Jumat", {0, 1, 2, 3, 4}),
        ("Senin s.d. Kamis", {0, 1, 2, 3}),
        ("senin s/d rabu", {0, 1, 2}),
        ("Senin sampai dengan Rabu", {0, 1, 2}),
        ("1,3,5", {0, 2, 4}),
        ("1-5", {0, 1, 2, 3, 4}),
        ("6;7", {5, 6}),
        ("Selasa dan Kamis", {1, 3}),
        ("Sabtu Minggu", {5, 6}),
        ("Jum'at", {4}),
        ("Ahad", {6}),
        ("Jumat-Senin", {4, 5, 6, 0}),
        ("Monday, Wednesday, Friday", {0, 2, 4}),
        ("Mon-Fri", {0, 1, 2, 3, 4}),
        ("tue and thu", {1, 3}),
        ("setiap hari", {0, 1, 2, 3, 4, 5, 6}),
        ("Senen", None),
        ("0,8", None),
        ("Senin-", None),
        ("", None),
    ],
)
def test_parse_weekdays(text: str, expected: set[int] | None) -> None:
    result = parse_weekdays(text)
    assert result == (frozenset(expected) if expected is not None else None)


def test_parse_weekdays_takes_number_cells() -> None:
    assert parse_weekdays(3) == frozenset({2})
    assert parse_weekdays(7.0) == frozenset({6})
    assert parse_weekdays(1.3) is None  # "1,3" turned into a decimal by Excel
    assert parse_weekdays(8) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ya", True),
        ("Ya", True),
        (" YES ", True),
        ("y", True),
        ("iya", True),
        (True, True),
        (1, True),
        ("tidak", False),
        ("Tidak", False),
        ("no", False),
        ("t", False),
        (False, False),
        (0, False),
        ("mungkin", None),
        (2, None),
        (None, None),
    ],
)
def test_parse_yes_no(value: object, expected: bool | None) -> None:
    assert parse_yes_no(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("40", 40),
        (" 40 ", 40),
        ("+3", 3),
        ("-2", -2),
        ("1.000", 1000),
        (40, 40),
        (40.0, 40),
        ("5123456789", 5123456789),
        (8.5, None),
        ("8,5", None),
        ("1.23E+09", None),  # an id Excel displayed in scientific notation: digits lost
        ("empat", None),
        ("9" * 5000, None),
        (True, None),
    ],
)
def test_parse_int(value: object, expected: int | None) -> None:
    assert parse_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("-0.502106", -0.502106),
        ("-0,502106", -0.502106),
        ("117,15°", 117.15),
        ("−0,5", -0.5),
        (117, 117.0),
        (-0.5, -0.5),
        ("1.234,5", None),
        ("-0.5, 117.1", None),
        ("nan", None),
        (float("inf"), None),
        ("", None),
    ],
)
def test_parse_float(value: object, expected: float | None) -> None:
    assert parse_float(value) == expected


# --------------------------------------------------------------------------------------
# Messages


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert set(MESSAGES_ID) == set(MESSAGES_EN)
    for key, text in MESSAGES_ID.items():
        assert _placeholders(text) == _placeholders(MESSAGES_EN[key]), key
        assert not re.search(r"[<>&]", text + MESSAGES_EN[key]), key  # nothing to escape
        assert not re.search(r"\bPKS\b", text + MESSAGES_EN[key]), key


def test_every_sheet_key_the_parser_uses_has_a_message() -> None:
    used = set(re.findall(r'"(sheet\.[a-z_]+)"', inspect.getsource(spreadsheet)))
    assert used == set(MESSAGES_ID)


def test_the_values_of_each_error_fill_its_message() -> None:
    result = parse_upload(
        xlsx(
            {
                "Lokasi": [site(zona_waktu="Tokyo", lintang="x"), site()],
                "Kasus": [case(akibat="kurungan", tanggal_mulai="x"), case(jam_mulai="x")],
            }
        ),
        "x.xlsx",
        today=TODAY,
    )
    sheet_errors = [e for e in result.errors if e.key.startswith("sheet.")]
    assert len(sheet_errors) >= 5
    for error in sheet_errors:
        for messages in (MESSAGES_ID, MESSAGES_EN):
            message = messages[error.key].format(**error.values)
            line = messages[error.line_key].format(
                sheet=error.sheet, row=error.row, column=error.column, message=message
            )
            assert error.column in line


def test_the_line_frame_follows_what_the_error_is_about() -> None:
    assert CellError("", 0, "", "sheet.too_large").line_key == "sheet.error_line_file"
    assert CellError("Kasus", 0, "", "sheet.too_many_rows").line_key == "sheet.error_line_sheet"
    assert CellError("Kasus", 1, "", "sheet.missing_columns").line_key == "sheet.error_line_row"
    assert CellError("Kasus", 4, "hari", "sheet.required").line_key == "sheet.error_line"


def test_activities_may_be_one_per_line_in_a_cell() -> None:
    data = xlsx({"Lokasi": [site(kegiatan="Menyapu taman\nMenyiram tanaman\n- Mengecat pagar")]})
    result = parse_upload(data, "x.xlsx", today=TODAY)
    assert result.sites[0].activities == ("Menyapu taman", "Menyiram tanaman", "Mengecat pagar")


def test_a_bytearray_from_telegram_is_read() -> None:
    result = parse_upload(bytearray(good_workbook()), "data.xlsx", today=TODAY)
    assert result.errors == () and len(result.cases) == 3


def test_cells_in_columns_without_a_header_are_ignored() -> None:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "Kasus"
    row = case()
    ws.append([*row, None])
    ws.append([*row.values(), "catatan"])
    ws.append([None] * len(row) + ["baris kosong dengan catatan"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_upload(buffer.getvalue(), "x.xlsx", today=TODAY)
    assert result.errors == () and [c.row for c in result.cases] == [2]


def test_an_offender_without_telegram_is_imported_with_the_number_to_phone() -> None:
    """Issue #16: a case can say its offender has no Telegram on import too."""
    rows = [
        case(hp_tanpa_telegram="0812 3456 7890"),
        case(nomor_putusan="13/Pid.B/2026/PN Smr", hp_tanpa_telegram=None),
    ]
    result = parse_upload(xlsx({"Kasus": rows}), "x.xlsx", today=TODAY)
    assert result.errors == ()
    assert [c.phone for c in result.cases] == ["081234567890", None]
    assert result.cases[0].to_draft(1, 1, None).phone == "081234567890"
    bad = parse_upload(xlsx({"Kasus": [case(hp_tanpa_telegram="12345")]}), "x.xlsx", today=TODAY)
    [error] = bad.errors
    assert (error.column, error.key) == ("hp_tanpa_telegram", "sheet.bad_phone")
    assert bad.cases == ()
