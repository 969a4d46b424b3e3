"""Spreadsheet import: the .xlsx template, and reading a filled .xlsx or .csv back.

Kejari staff keep their lists in Excel. The bot sends :func:`build_template`; staff fill it
and send it back; :func:`parse_upload` reads every row with the same rules as the
conversations (``domain.cases`` and ``domain.sites``) and reports every problem by sheet,
row and column. The import is all or nothing: storage imports the rows only when
``ParsedUpload.errors`` is empty, after it has resolved the raw references the rows carry
(host agency and site by name, people by Telegram id) and checked decision numbers against
the cases already stored.

The rules only: which sheets and columns there are, which are required, what each cell may
hold, and the problems as message keys with their values (``CellError``). The words a person
reads are in ``texts``: the messages in the chat catalogs (``sheet.*``), the template's
explanations and example row in ``texts.spreadsheet_id``, passed to :func:`build_template`
as :class:`TemplateWords` (domain imports nothing of the project).

Pure: bytes in, values out. No clock (``today`` is a parameter), no database, no network.
One exception is openpyxl itself: when it *writes* a workbook it spools each worksheet
through a temporary file, which :func:`build_template` cannot avoid.

The readers of single values live in ``domain.parsing``, shared with the conversations.
"""

import csv
import dataclasses
import functools
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Protocol, TypeVar

from domain import law
from domain.agencies import TIMEZONES
from domain.cases import (
    DEFAULT_SESSION_START,
    NAME_MAX,
    NAME_MIN,
    TEXT_MAX,
    TEXT_MIN,
    CaseDraft,
    CaseTerms,
    Consequence,
    Problem,
    check_draft,
)
from domain.parsing import (
    parse_consequence,
    parse_date,
    parse_float,
    parse_hours,
    parse_int,
    parse_time,
    parse_timezone,
    parse_weekdays,
    parse_yes_no,
)
from domain.phones import parse_phone
from domain.sites import (
    ACTIVITIES_MAX,
    ACTIVITY_MAX,
    ACTIVITY_MIN,
    CAPACITY_MAX,
    RADIUS_DEFAULT_M,
    RADIUS_MAX_M,
    RADIUS_MIN_M,
    SiteDraft,
    check_site,
    parse_activities,
)

MAX_UPLOAD_MB = 2
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ROWS = 5000  # data rows per sheet, the header not counted
#: An .xlsx is a zip; a small file may unpack to a huge one. Real 5000-row files unpack to
#: a few megabytes.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
_EXCEL_LAST_ROW = 1_048_576

#: The names of the data sheets: the import finds its sheets by them.
SHEET_SITES = "Lokasi"
SHEET_CASES = "Kasus"

#: First cells that mark an example row, which is skipped (compared without case).
EXAMPLE_PREFIXES = ("contoh", "example")


# --------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class CellError:
    """One problem in an upload.

    ``sheet`` is "" for a problem with the whole file; ``row`` is 0 for a problem with a
    whole sheet (1 is the header row); ``column`` is "" for a problem with a whole row.
    """

    sheet: str
    row: int
    column: str
    key: str
    values: dict[str, object] = dataclasses.field(default_factory=dict)

    @property
    def line_key(self) -> str:
        """The message key that frames this error: with or without sheet, row and column."""
        if not self.sheet:
            return "sheet.error_line_file"
        if self.row == 0:
            return "sheet.error_line_sheet"
        if not self.column:
            return "sheet.error_line_row"
        return "sheet.error_line"


@dataclass(frozen=True)
class SiteRow:
    """One valid row of the Lokasi sheet. The host agency is still a name."""

    row: int
    name: str
    host_agency_name: str
    address: str
    latitude: float
    longitude: float
    radius_m: int
    timezone: str | None  # None: the host agency's zone
    activities: tuple[str, ...]
    capacity: int
    non_commercial_declared: bool

    def to_draft(self, host_agency_id: int, agency_timezone: str) -> SiteDraft:
        return SiteDraft(
            name=self.name,
            host_agency_id=host_agency_id,
            address=self.address,
            latitude=self.latitude,
            longitude=self.longitude,
            radius_m=self.radius_m,
            timezone=self.timezone or agency_timezone,
            activities=self.activities,
            capacity=self.capacity,
            non_commercial_declared=self.non_commercial_declared,
        )


@dataclass(frozen=True)
class CaseRow:
    """One valid row of the Kasus sheet. The site is a name; people are Telegram ids."""

    row: int
    offender_name: str
    decision_number: str
    court: str
    decision_date: date
    hours_total: int
    hours_per_day: int
    weekdays: frozenset[int]  # 0 = Monday ... 6 = Sunday
    site_name: str
    start_date: date
    deadline: date
    session_start: time
    consequence: Consequence
    replaced_penalty: str
    jaksa_name: str | None  # None: the person importing
    pk_name: str | None
    #: The offender has no Telegram: the mobile number their PK phones (domain.phones).
    phone: str | None = None

    @property
    def terms(self) -> CaseTerms:
        return CaseTerms(
            hours_total=self.hours_total,
            hours_per_day=self.hours_per_day,
            weekdays=self.weekdays,
            start_date=self.start_date,
            deadline=self.deadline,
            session_start=self.session_start,
        )

    def to_draft(self, site_id: int, jaksa_person_id: int, pk_person_id: int | None) -> CaseDraft:
        return CaseDraft(
            offender_name=self.offender_name,
            decision_number=self.decision_number,
            court=self.court,
            decision_date=self.decision_date,
            terms=self.terms,
            site_id=site_id,
            consequence=self.consequence,
            replaced_penalty=self.replaced_penalty,
            jaksa_person_id=jaksa_person_id,
            pk_person_id=pk_person_id,
            phone=self.phone,
        )


@dataclass(frozen=True)
class ParsedUpload:
    """The valid rows and every error. Import only when ``errors`` is empty."""

    sites: tuple[SiteRow, ...]
    cases: tuple[CaseRow, ...]
    errors: tuple[CellError, ...]


# --------------------------------------------------------------------------------------
# The columns


@dataclass(frozen=True)
class Column:
    #: The column's name in the header row, which the import reads back.
    header: str
    #: The column must be in the header row and its cells filled. The declaration is the
    #: exception: its column is required, and an empty cell is read as "not declared".
    required: bool
    width: int
    #: Formatted as text in the template so that Excel keeps what is typed: a date stays
    #: day-first whatever the computer's locale, "1,3,5" stays days, an id stays exact.
    as_text: bool = False


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)


SITE_SHEET = SheetSpec(
    SHEET_SITES,
    (
        Column("nama_lokasi", True, 32),
        Column("instansi_tuan_rumah", True, 36),
        Column("alamat", True, 36),
        Column("lintang", True, 12, as_text=True),
        Column("bujur", True, 12, as_text=True),
        Column("radius_m", False, 10),
        Column("zona_waktu", False, 16),
        Column("kegiatan", True, 40),
        Column("kapasitas", True, 10),
        Column("pernyataan_nonkomersial", True, 24),
    ),
)

CASE_SHEET = SheetSpec(
    SHEET_CASES,
    (
        Column("nama_terpidana", True, 28),
        Column("nomor_putusan", True, 26, as_text=True),
        Column("pengadilan", True, 28),
        Column("tanggal_putusan", True, 16, as_text=True),
        Column("total_jam", True, 10),
        Column("jam_per_hari", True, 12),
        Column("hari", True, 22, as_text=True),
        Column("lokasi", True, 32),
        Column("tanggal_mulai", True, 16, as_text=True),
        Column("batas_waktu", False, 16, as_text=True),
        Column("jam_mulai", False, 10, as_text=True),
        Column("akibat", True, 12),
        Column("pidana_pengganti", True, 24),
        Column("nama_jaksa", False, 28),
        Column("nama_pk", False, 28),
        Column("hp_tanpa_telegram", False, 20),
    ),
)

SHEETS: tuple[SheetSpec, ...] = (SITE_SHEET, CASE_SHEET)

#: Which header a domain Problem.field belongs to.
_SITE_FIELD_COLUMNS = {
    "name": "nama_lokasi",
    "address": "alamat",
    "radius_m": "radius_m",
    "timezone": "zona_waktu",
    "activities": "kegiatan",
    "capacity": "kapasitas",
    "declaration": "pernyataan_nonkomersial",
}
_CASE_FIELD_COLUMNS = {
    "offender_name": "nama_terpidana",
    "decision_number": "nomor_putusan",
    "court": "pengadilan",
    "decision_date": "tanggal_putusan",
    "hours_total": "total_jam",
    "hours_per_day": "jam_per_hari",
    "weekdays": "hari",
    "site_id": "lokasi",
    "start_date": "tanggal_mulai",
    "deadline": "batas_waktu",
    "session_start": "jam_mulai",
    "consequence": "akibat",
    "replaced_penalty": "pidana_pengganti",
    "jaksa_person_id": "nama_jaksa",
    "pk_person_id": "nama_pk",
    "phone": "hp_tanpa_telegram",
}
#: A problem in the key column means nothing if the column it is compared with is wrong.
_CASE_DEPENDS = {"batas_waktu": "tanggal_mulai", "tanggal_mulai": "tanggal_putusan"}


# --------------------------------------------------------------------------------------
# The template


@functools.cache
def _styles() -> dict[str, Any]:
    """The template's look; openpyxl loads on the first template or upload, not at start."""
    from openpyxl.styles import Font, PatternFill

    return {
        "header": Font(bold=True),
        "required": PatternFill("solid", fgColor="C6E0B4"),  # green: fill in
        "optional": PatternFill("solid", fgColor="E7E6E6"),  # grey: may stay empty
        "example": Font(italic=True, color="808080"),
    }


_TEXT_FORMAT = "@"
#: The template carries no timestamp, so the same code always builds the same bytes.
_FIXED_TIMESTAMP = datetime(2026, 1, 2)
_ZIP_TIMESTAMP = (2026, 1, 2, 0, 0, 0)


class TemplateWords(Protocol):
    """The words of the template, which ``texts.spreadsheet_id`` provides.

    Each member is described on ``texts.spreadsheet_id.TemplateText``. Help texts and
    guide lines are ``str.format`` templates filled with :func:`template_values`, so that a
    limit is stated where the rule is.
    """

    @property
    def title(self) -> str: ...
    @property
    def guide_sheet(self) -> str: ...
    @property
    def guide(self) -> Sequence[str]: ...
    @property
    def guide_headings(self) -> Sequence[str]: ...
    @property
    def required(self) -> str: ...
    @property
    def optional(self) -> str: ...
    @property
    def declared(self) -> str: ...
    @property
    def choice_error(self) -> str: ...
    @property
    def help(self) -> Mapping[str, str]: ...
    @property
    def examples(self) -> Mapping[str, object]: ...


def template_values() -> dict[str, object]:
    """The limits the template's words state, by placeholder name."""
    return {
        "sites": SHEET_SITES,
        "cases": SHEET_CASES,
        "max_mb": MAX_UPLOAD_MB,
        "max_rows": MAX_ROWS,
        "radius_min": RADIUS_MIN_M,
        "radius_max": RADIUS_MAX_M,
        "radius_default": RADIUS_DEFAULT_M,
        "activities_max": ACTIVITIES_MAX,
        "activity_min": ACTIVITY_MIN,
        "activity_max": ACTIVITY_MAX,
        "capacity_max": CAPACITY_MAX,
        "name_min": NAME_MIN,
        "name_max": NAME_MAX,
        "text_min": TEXT_MIN,
        "text_max": TEXT_MAX,
        "total_hours_min": law.TOTAL_HOURS_MIN,
        "total_hours_max": law.TOTAL_HOURS_MAX,
        "daily_hours_max": law.DAILY_HOURS_MAX,
        "max_span_months": law.MAX_SPAN_MONTHS,
        "default_start": DEFAULT_SESSION_START,
    }


def _fill_data_sheet(sheet: Any, spec: SheetSpec, words: TemplateWords) -> None:
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.header)
        header.font = _styles()["header"]
        header.fill = _styles()["required"] if column.required else _styles()["optional"]
        example = sheet.cell(row=2, column=index, value=words.examples.get(column.header))
        example.font = _styles()["example"]
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.as_text:
            dimension.number_format = _TEXT_FORMAT
            example.number_format = _TEXT_FORMAT
    sheet.freeze_panes = "A2"


def _add_choices(
    ws: Any, spec: SheetSpec, header: str, choices: Sequence[str], words: TemplateWords
) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    letter = get_column_letter(spec.headers.index(header) + 1)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=header,
        error=words.choice_error.format(choices=", ".join(choices)),
    )
    validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    ws.add_data_validation(validation)


def _fill_guide(sheet: Any, words: TemplateWords) -> None:
    from openpyxl.styles import Alignment, Font

    values = template_values()
    lines = [line.format(**values) for line in words.guide]
    for index, line in enumerate(lines, start=1):
        sheet.cell(row=index, column=1, value=line)
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    top = len(lines) + 1
    for index, title in enumerate(words.guide_headings, start=1):
        sheet.cell(row=top, column=index, value=title).font = _styles()["header"]
    row = top + 1
    for spec in SHEETS:
        for column in spec.columns:
            required = words.required if column.required else words.optional
            explanation = words.help[column.header].format(**values)
            for index, value in enumerate((spec.name, column.header, required, explanation), 1):
                cell = sheet.cell(row=row, column=index, value=value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    for letter, width in zip("ABCD", (10, 26, 12, 90), strict=True):
        sheet.column_dimensions[letter].width = width


def _deterministic_zip(data: bytes) -> bytes:
    """The same archive with fixed entry timestamps."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIMESTAMP)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return out.getvalue()


def build_template(words: TemplateWords) -> bytes:
    """The .xlsx to fill: sheets Lokasi and Kasus with an example row each, and a guide."""
    import openpyxl
    from openpyxl.writer.excel import ExcelWriter

    workbook = openpyxl.Workbook()
    sites = workbook.active
    sites.title = SHEET_SITES
    _fill_data_sheet(sites, SITE_SHEET, words)
    _add_choices(sites, SITE_SHEET, "zona_waktu", TIMEZONES, words)
    _add_choices(sites, SITE_SHEET, "pernyataan_nonkomersial", (words.declared,), words)
    cases = workbook.create_sheet(SHEET_CASES)
    _fill_data_sheet(cases, CASE_SHEET, words)
    _add_choices(cases, CASE_SHEET, "akibat", tuple(c.value for c in Consequence), words)
    _fill_guide(workbook.create_sheet(words.guide_sheet), words)
    props = workbook.properties
    props.creator = props.lastModifiedBy = "kerjasosial"
    props.title = words.title
    props.created = props.modified = _FIXED_TIMESTAMP
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps the current time.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _deterministic_zip(buffer.getvalue())


# --------------------------------------------------------------------------------------
# Reading an upload into raw rows


class _NotSpreadsheet(Exception):
    pass


class _TooLarge(Exception):
    pass


@dataclass
class _RawSheet:
    spec: SheetSpec
    header: tuple[object, ...]
    rows: list[tuple[int, tuple[object, ...]]]  # (row number as the user sees it, cells)
    too_many_rows: bool = False


_BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"RIFF",  # WebP
    b"\xd0\xcf\x11\xe0",  # the old .xls and .doc
    b"\x1f\x8b",  # gzip
    b"Rar!",
    b"7z\xbc\xaf",
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _is_blank(cells: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


def _is_example(cells: Sequence[object]) -> bool:
    for value in cells:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        return isinstance(value, str) and value.strip().casefold().startswith(EXAMPLE_PREFIXES)
    return False


def _collect_rows(spec: SheetSpec, rows: Iterator[tuple[object, ...]]) -> _RawSheet:
    """Header and non-blank data rows; stops reading past MAX_ROWS data rows."""
    header = next(rows, ())
    sheet = _RawSheet(spec, tuple(header), [])
    for number, cells in enumerate(rows, start=2):
        if number > _EXCEL_LAST_ROW:
            break
        if _is_blank(cells) or _is_example(cells):
            continue
        if len(sheet.rows) == MAX_ROWS:
            sheet.too_many_rows = True
            break
        sheet.rows.append((number, tuple(cells)))
    return sheet


def _read_xlsx(data: bytes) -> list[_RawSheet]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise _NotSpreadsheet from exc
    if "xl/workbook.xml" not in {e.filename for e in entries}:
        raise _NotSpreadsheet  # another kind of zip: .docx, .ods, photos...
    if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise _TooLarge
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise _NotSpreadsheet from exc
    try:
        by_name = {spec.name.casefold(): spec for spec in SHEETS}
        sheets: list[_RawSheet] = []
        for ws in workbook.worksheets:
            spec = by_name.get(str(ws.title).strip().casefold())
            if spec is None or not hasattr(ws, "iter_rows"):
                continue
            if hasattr(ws, "reset_dimensions"):
                # A stated size may reach row 1048576; read only the rows that exist.
                ws.reset_dimensions()
            sheets.append(_collect_rows(spec, ws.iter_rows(values_only=True)))
        return sheets
    except Exception as exc:
        raise _NotSpreadsheet from exc
    finally:
        workbook.close()


def _normalize_header(value: object) -> str:
    if value is None:
        return ""
    return "_".join(str(value).strip().casefold().replace("-", " ").split())


def _spec_for_header(header: Sequence[object]) -> SheetSpec | None:
    names = {_normalize_header(v) for v in header}
    scores = [(len(names & set(spec.headers)), spec) for spec in SHEETS]
    best, spec = max(scores, key=lambda pair: pair[0])
    return spec if best > 0 else None


def _decode_text(data: bytes, filename: str) -> str:
    if data.startswith(_BINARY_MAGIC):
        raise _NotSpreadsheet
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if not filename.casefold().endswith(".csv"):
            raise _NotSpreadsheet from exc
        # Excel's plain "CSV" (not "CSV UTF-8") is saved in the Windows code page.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc2:
            raise _NotSpreadsheet from exc2
    if _CONTROL_CHARS.search(text):
        raise _NotSpreadsheet
    return text


def _read_csv(data: bytes, filename: str) -> list[_RawSheet]:
    text = _decode_text(data, filename)
    first_line, _, rest = text.partition("\n")
    hint = first_line.strip().casefold()
    if len(hint) == 5 and hint.startswith("sep="):  # Excel's "sep=;" line, hidden by Excel
        delimiter, text = hint[4], rest
        first_line = rest.partition("\n")[0]
    else:
        delimiter = max(";,\t", key=first_line.count)
    try:
        rows = [
            tuple(cells) for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise _NotSpreadsheet from exc
    header = rows[0] if rows else ()
    spec = _spec_for_header(header)
    if spec is None:
        if filename.casefold().endswith(".csv"):
            return []  # a table, but not ours: no known sheet
        raise _NotSpreadsheet
    cells: Iterator[tuple[object, ...]] = iter(
        tuple(None if not v.strip() else v for v in row) for row in rows
    )
    return [_collect_rows(spec, cells)]


# --------------------------------------------------------------------------------------
# Validating rows

T = TypeVar("T")

_EXCEL_ERRORS = frozenset(
    {"#null!", "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#n/a", "#spill!", "#calc!"}
)
_SHOWN_VALUE_MAX = 40


def _shown(value: object) -> str:
    """A cell value as the user would recognise it in a message, cut short."""
    text = _cell_text(value) or ""
    return text if len(text) <= _SHOWN_VALUE_MAX else text[: _SHOWN_VALUE_MAX - 1] + "…"


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value.time() == time():
        value = value.date()
    text = " ".join(str(value).split())
    return text or None


class _Row:
    """The cells of one row by header, and the errors found in them."""

    def __init__(
        self, sheet: str, number: int, cells: dict[str, object], errors: list[CellError]
    ) -> None:
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self.errors = errors
        self.bad: set[str] = set()

    def error(self, column: str, key: str, values: dict[str, object] | None = None) -> None:
        self.bad.add(column)
        self.errors.append(CellError(self.sheet, self.number, column, key, values or {}))

    def raw(self, column: str) -> object:
        """The cell, or None when it is empty or the column is absent; reports #N/A & co."""
        value = self.cells.get(column)
        if isinstance(value, str):
            value = value.strip() or None
            if value is not None and value.casefold() in _EXCEL_ERRORS:
                self.error(column, "sheet.formula_error", {"value": value})
                return None
        return value

    def text(self, column: str) -> str | None:
        """A required text cell with its spaces tidied."""
        text = _cell_text(self.raw(column))
        if text is None and column not in self.bad:
            self.error(column, "sheet.required")
        return text

    def activities(self, column: str) -> tuple[str, ...]:
        """A list in one cell: separated by commas or semicolons, or one per line."""
        raw = self.raw(column)
        activities = parse_activities(str(raw)) if raw is not None else ()
        if not activities and column not in self.bad:
            self.error(column, "sheet.required")
        return activities

    def value(
        self,
        column: str,
        parse: Callable[[object], T | None],
        bad_key: str,
        *,
        required: bool = True,
        values: dict[str, object] | None = None,
    ) -> T | None:
        raw = self.raw(column)
        if raw is None:
            if required and column not in self.bad:
                self.error(column, "sheet.required")
            return None
        parsed = parse(raw)
        if parsed is None:
            self.error(column, bad_key, {"value": _shown(raw), **(values or {})})
        return parsed

    def problems(
        self,
        problems: Sequence[Problem],
        columns: dict[str, str],
        depends: dict[str, str] | None = None,
    ) -> None:
        """Domain problems as cell errors, except where the cell already has a reading error."""
        for problem in problems:
            column = columns.get(problem.field, "")
            other = (depends or {}).get(column)
            if column in self.bad or (other is not None and other in self.bad):
                continue
            self.error(column, problem.key, dict(problem.values))


def _duplicate_key(text: str) -> str:
    return " ".join(text.split()).casefold()


class _Duplicates:
    def __init__(self) -> None:
        self.first: dict[str, int] = {}

    def check(self, row: _Row, column: str, text: str | None) -> None:
        if text is None or column in row.bad:
            return
        key = _duplicate_key(text)
        if key in self.first:
            row.error(
                column, "sheet.duplicate_in_file", {"value": text, "first_row": self.first[key]}
            )
        else:
            self.first[key] = row.number


def _site_row(row: _Row, names: _Duplicates) -> SiteRow | None:
    name = row.text("nama_lokasi")
    names.check(row, "nama_lokasi", name)
    host = row.text("instansi_tuan_rumah")
    address = row.text("alamat")
    latitude = row.value("lintang", parse_float, "sheet.bad_number")
    longitude = row.value("bujur", parse_float, "sheet.bad_number")
    radius = row.value("radius_m", parse_int, "sheet.bad_integer", required=False)
    zone = row.value(
        "zona_waktu",
        parse_timezone,
        "sheet.bad_timezone",
        required=False,
        values={"allowed": ", ".join(TIMEZONES)},
    )
    activities = row.activities("kegiatan")
    capacity = row.value("kapasitas", parse_int, "sheet.bad_integer")
    declared = row.value(
        "pernyataan_nonkomersial", parse_yes_no, "sheet.bad_yes_no", required=False
    )
    draft = SiteDraft(
        name=name or "",
        host_agency_id=0,  # resolved from the name by storage
        address=address or "",
        latitude=latitude if latitude is not None else 0.0,
        longitude=longitude if longitude is not None else 0.0,
        radius_m=radius if radius is not None else RADIUS_DEFAULT_M,
        timezone=zone or TIMEZONES[0],
        activities=activities,
        capacity=capacity if capacity is not None else 1,
        non_commercial_declared=bool(declared),
    )
    # check_site names both coordinates "location"; point at the one out of range.
    latitude_wrong = latitude is not None and not -90 <= latitude <= 90
    location_column = "lintang" if latitude_wrong else "bujur"
    problems = check_site(draft)
    if "lintang" in row.bad or "bujur" in row.bad:
        problems = [p for p in problems if p.field != "location"]
    row.problems(problems, {**_SITE_FIELD_COLUMNS, "location": location_column})
    if row.bad:
        return None
    assert name and host and address and activities
    assert latitude is not None and longitude is not None
    return SiteRow(
        row=row.number,
        name=name,
        host_agency_name=host,
        address=address,
        latitude=latitude,
        longitude=longitude,
        radius_m=draft.radius_m,
        timezone=zone,
        activities=activities,
        capacity=draft.capacity,
        non_commercial_declared=bool(declared),
    )


def _case_row(row: _Row, numbers: _Duplicates, today: date) -> CaseRow | None:
    offender = row.text("nama_terpidana")
    number = row.text("nomor_putusan")
    numbers.check(row, "nomor_putusan", number)
    court = row.text("pengadilan")
    decision_date = row.value("tanggal_putusan", parse_date, "sheet.bad_date")
    hours_total = row.value("total_jam", parse_hours, "sheet.bad_integer")
    hours_per_day = row.value("jam_per_hari", parse_hours, "sheet.bad_integer")
    weekdays = row.value("hari", parse_weekdays, "sheet.bad_weekdays")
    site = row.text("lokasi")
    start = row.value("tanggal_mulai", parse_date, "sheet.bad_date")
    deadline = row.value("batas_waktu", parse_date, "sheet.bad_date", required=False)
    session_start = row.value("jam_mulai", parse_time, "sheet.bad_time", required=False)
    consequence = row.value(
        "akibat",
        parse_consequence,
        "sheet.bad_consequence",
        values={"allowed": ", ".join(c.value for c in Consequence)},
    )
    penalty = row.text("pidana_pengganti")
    # People by name: matched against those registered when the import is written.
    jaksa = _cell_text(row.raw("nama_jaksa"))
    pk = _cell_text(row.raw("nama_pk"))
    phone = row.value("hp_tanpa_telegram", _phone, "sheet.bad_phone", required=False)

    # Placeholders stand in for unreadable cells so that the shared check can run; the
    # problems it finds in those cells (or in cells compared with them) are dropped.
    decision_or_placeholder = decision_date or start or today
    start_or_placeholder = start or decision_or_placeholder
    deadline = deadline or law.latest_deadline(start_or_placeholder)
    terms = CaseTerms(
        hours_total=hours_total if hours_total is not None else 0,
        hours_per_day=hours_per_day if hours_per_day is not None else 0,
        weekdays=weekdays or frozenset(),
        start_date=start_or_placeholder,
        deadline=deadline,
        session_start=session_start or DEFAULT_SESSION_START,
    )
    draft = CaseDraft(
        offender_name=offender or "",
        decision_number=number or "",
        court=court or "",
        decision_date=decision_or_placeholder,
        terms=terms,
        site_id=0,  # resolved from the name by storage
        consequence=consequence or Consequence.REPEAT,
        replaced_penalty=penalty or "",
        jaksa_person_id=0,  # resolved from the Telegram id by storage
        pk_person_id=None,
    )
    row.problems(check_draft(draft, today), _CASE_FIELD_COLUMNS, _CASE_DEPENDS)
    if row.bad:
        return None
    assert offender and number and court and site and penalty and consequence
    assert decision_date and start and weekdays
    return CaseRow(
        row=row.number,
        offender_name=offender,
        decision_number=number,
        court=court,
        decision_date=decision_date,
        hours_total=terms.hours_total,
        hours_per_day=terms.hours_per_day,
        weekdays=weekdays,
        site_name=site,
        start_date=start,
        deadline=deadline,
        session_start=terms.session_start,
        consequence=consequence,
        replaced_penalty=penalty,
        jaksa_name=jaksa,
        pk_name=pk,
        phone=phone,
    )


def _phone(raw: object) -> str | None:
    return parse_phone(str(raw)) if isinstance(raw, str | int) else None


def _header_errors(sheet: _RawSheet, errors: list[CellError]) -> dict[str, int] | None:
    """Where each known column is; None when the rows cannot be read at all."""
    spec = sheet.spec
    positions: dict[str, int] = {}
    unknown: list[str] = []
    duplicated: list[str] = []
    for index, raw in enumerate(sheet.header):
        name = _normalize_header(raw)
        if not name:
            continue  # a column without a header (notes, say) is ignored
        if name not in spec.headers:
            unknown.append(" ".join(str(raw).split()))
        elif name in positions:
            duplicated.append(name)
        else:
            positions[name] = index
    missing = [c.header for c in spec.columns if c.required and c.header not in positions]
    for key, columns in (
        ("sheet.missing_columns", missing),
        ("sheet.unknown_columns", unknown),
        ("sheet.duplicate_columns", duplicated),
    ):
        if columns:
            errors.append(CellError(spec.name, 1, "", key, {"columns": ", ".join(columns)}))
    return None if missing or duplicated else positions


def _validate(
    sheets: list[_RawSheet], today: date
) -> tuple[list[SiteRow], list[CaseRow], list[CellError]]:
    sites: list[SiteRow] = []
    cases: list[CaseRow] = []
    errors: list[CellError] = []
    for sheet in sorted(sheets, key=lambda s: SHEETS.index(s.spec)):
        spec = sheet.spec
        if sheet.too_many_rows:
            errors.append(CellError(spec.name, 0, "", "sheet.too_many_rows", {"max": MAX_ROWS}))
            continue
        if _is_blank(sheet.header) and not sheet.rows:
            continue  # an emptied sheet: nothing to import there
        positions = _header_errors(sheet, errors)
        if positions is None:
            continue
        duplicates = _Duplicates()
        for number, cells in sheet.rows:
            values = {name: cells[i] if i < len(cells) else None for name, i in positions.items()}
            if _is_blank(list(values.values())):
                continue  # something only in columns that are not ours
            row = _Row(spec.name, number, values, errors)
            if spec is SITE_SHEET:
                site = _site_row(row, duplicates)
                if site is not None:
                    sites.append(site)
            else:
                case = _case_row(row, duplicates, today)
                if case is not None:
                    cases.append(case)
    return sites, cases, errors


def _error_order(error: CellError) -> tuple[int, int, int]:
    specs = {spec.name: spec for spec in SHEETS}
    spec = specs.get(error.sheet)
    sheet_index = SHEETS.index(spec) + 1 if spec else 0
    column_index = (
        spec.headers.index(error.column) + 1 if spec and error.column in spec.headers else 0
    )
    return sheet_index, error.row, column_index


def _only(key: str, values: dict[str, object] | None = None) -> ParsedUpload:
    return ParsedUpload((), (), (CellError("", 0, "", key, values or {}),))


def parse_upload(data: bytes, filename: str, *, today: date) -> ParsedUpload:
    """Read a filled template (.xlsx) or one sheet of it (.csv). Never raises.

    ``today`` is the importer's local date, for "the decision is not in the future".
    Example rows (first cell "Contoh..."/"Example...") and blank rows are skipped. Rows
    with a problem are left out of ``sites``/``cases`` and every problem is in ``errors``.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        return _only("sheet.too_large", {"max_mb": MAX_UPLOAD_MB})
    data = bytes(data)  # Telegram downloads give a bytearray
    try:
        if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
            sheets = _read_xlsx(data)
        else:
            sheets = _read_csv(data, filename or "")
    except _TooLarge:
        return _only("sheet.too_large", {"max_mb": MAX_UPLOAD_MB})
    except _NotSpreadsheet:
        return _only("sheet.not_spreadsheet")
    if not sheets:
        return _only("sheet.no_known_sheet", {"sheets": f"{SHEET_SITES}, {SHEET_CASES}"})
    sites, cases, errors = _validate(sheets, today)
    return ParsedUpload(tuple(sites), tuple(cases), tuple(sorted(errors, key=_error_order)))
