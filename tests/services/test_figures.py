"""Cases' figures (``services.figures``): every reader gives a case the same numbers, and a
province's cost the same few queries as one case's."""

import io
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

from domain.digest import reported_week, week_of
from services import digest, reports
from services.attendance import Message, Photo, check_in, check_out
from services.figures import figures_by_case, figures_of
from services.origin import Origin
from storage.db import Database
from storage.repositories import Store
from tests.seeds import actor_of, seed_site_with_cases
from tests.sheets import pdf_text
from texts import Texts

PENGAWAS = 777
WITA = ZoneInfo("Asia/Makassar")


async def _statements(store: Store, run: Callable[[], Awaitable[object]]) -> int:
    """How many SQL statements ``run`` sends through ``store``'s connection."""
    seen: list[str] = []
    await store.conn.set_trace_callback(seen.append)
    try:
        await run()
    finally:
        await store.conn.set_trace_callback(None)
    return len(seen)


async def _reads(tmp_path: Path, now: datetime, cases: int) -> tuple[int, int, int]:
    """Statements for the figures, the digest and the month's .xlsx over ``cases`` cases with
    a credited session each."""
    db = await Database.open(tmp_path / f"{cases}.sqlite3")
    try:
        codes = await seed_site_with_cases(db, now, cases=cases, pengawas_telegram_id=PENGAWAS)
        actor = await actor_of(db, PENGAWAS)
        store = db.reader()
        for number, code in enumerate(codes):
            case = await store.cases.by_code(code)
            assert case is not None
            [first, *_] = await store.cases.sessions_of(case.id)
            origin = Origin(db, actor, first.ends_at + timedelta(minutes=5))
            came = await check_in(
                origin,
                case_id=case.id,
                photo=Photo(f"in{number}", f"in{number}", 1),
                message=Message(1, 2 * number, first.starts_at),
            )
            assert came.attendance_id is not None
            await check_out(
                origin,
                attendance_id=came.attendance_id,
                end=first.ends_at,
                message=Message(1, 2 * number + 1, first.ends_at),
                photo=Photo(f"out{number}", f"out{number}", 1),
            )
        all_cases = await digest.cases_in_scope(store, None)
        assert len(all_cases) == cases
        later = first.ends_at + timedelta(hours=1)
        today = later.astimezone(WITA).date()
        week = reported_week(today)
        month = reports.Month(today.replace(day=1))
        by_case = await figures_by_case(store, all_cases, week_of(week), now=later)
        assert sum(f.days_held for f in by_case.values()) == cases
        return (
            await _statements(
                store, lambda: figures_by_case(store, all_cases, week_of(week), now=later)
            ),
            await _statements(
                store,
                lambda: digest.compute(store, all_cases, week_start=week, today=today, now=later),
            ),
            await _statements(
                store,
                lambda: reports.monthly_xlsx(store, all_cases, month, Texts("id"), now=later),
            ),
        )
    finally:
        await db.close()


async def test_the_queries_do_not_grow_with_the_cases(tmp_path: Path, now: datetime) -> None:
    one = await _reads(tmp_path, now, 1)
    many = await _reads(tmp_path, now, 6)
    assert one == many
    assert one[0] == 3  # credited days, planned sessions, standing absences


async def test_every_reader_gives_the_case_the_same_numbers(db: Database, now: datetime) -> None:
    """The digest, /progres's figures, the month's .xlsx (site sheet and summary) and the PDF,
    for a case credited 2 h 05 min on one session and read while its next session is under
    way: exact time in chat, one decimal never rounded up in the reports (2.0, where
    rounding would say 2.1), and only the session already over counted as planned."""
    [code] = await seed_site_with_cases(
        db, now, cases=1, pengawas_telegram_id=PENGAWAS, hours_per_day=3
    )
    store = db.reader()
    case = await store.cases.by_code(code)
    assert case is not None
    [attended, following, *_] = await store.cases.sessions_of(case.id)
    checked_out = attended.starts_at + timedelta(hours=2, minutes=5)
    origin = Origin(db, await actor_of(db, PENGAWAS), checked_out + timedelta(minutes=5))
    came = await check_in(
        origin,
        case_id=case.id,
        photo=Photo("a", "a", 1),
        message=Message(1, 1, attended.starts_at),
    )
    assert came.attendance_id is not None
    await check_out(
        origin,
        attendance_id=came.attendance_id,
        end=checked_out,
        message=Message(1, 2, checked_out),
        photo=Photo("b", "b", 1),
    )
    moment = following.starts_at + timedelta(minutes=30)
    today = moment.astimezone(WITA).date()

    week = reported_week(today)
    result = await digest.compute(store, [case], week_start=week, today=today, now=moment)
    # Days off may put the attended session before the seven days (the sweep's dates).
    in_week = 1 if attended.day >= week else 0
    assert (result.sessions_held, result.sessions_planned) == (in_week, in_week)
    assert (result.credited_minutes_week, result.credited_minutes_total) == (125 * in_week, 125)
    text = digest.render(Texts("id"), "Uji", result)
    assert "· total: 2 jam 5 menit" in text
    if in_week:
        assert "Jam dikreditkan pekan ini: 2 jam 5 menit · total" in text

    progress = await figures_of(store, case, now=moment)  # what /progres shows
    assert (progress.credited_minutes, progress.remaining_minutes) == (125, 40 * 60 - 125)
    assert progress.sessions_planned == 1

    # The month of the attended session: the next one is either later in it, and not over
    # yet, or in the next month.
    month = reports.Month(attended.day.replace(day=1))
    workbook = openpyxl.load_workbook(
        io.BytesIO(await reports.monthly_xlsx(store, [case], month, Texts("id"), now=moment))
    )
    summary, site = workbook["Ringkasan"], workbook["Taman Uji"]
    first = reports.SHEET_HEADER_ROW + 1  # the case's row, then the site's total
    [row, _] = list(site.iter_rows(min_row=first, values_only=True))
    # planned, held, hours this month, to date, ordered, done (5%), absences, not valid
    assert row[3:11] == (1, 1, 2.0, 2.0, 40, 0.05, 0, 0)
    assert [site.cell(first, column).number_format for column in (6, 7)] == ["0.0", "0.0"]
    [total, _] = list(
        summary.iter_rows(min_row=reports.SUMMARY_HEADER_ROW + 1, max_row=8, values_only=True)
    )
    assert total == ("Taman Uji", 1, 1, 1, 2.0, 0, 0, 0)

    pdf = " ".join(pdf_text(await reports.case_pdf(store, case, Texts("id"), moment)).split())
    assert "Jam dikreditkan: 2 dari 40 jam — status: aktif" in pdf
    assert "Sesi: 1 hari hadir, 1 sesi terjadwal sudah lewat, 0 ketidakhadiran (0 tidak sah)" in pdf
