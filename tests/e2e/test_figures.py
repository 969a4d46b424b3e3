"""One case, four readers: the digest (``/ringkasan``), ``/progres``, the month's .xlsx and
the case's PDF give the same hours and the same sessions planned, because they all take them
from ``services.figures``.

The case is credited 2 hours 5 minutes on its first day, and has a session the next day. The
numbers are checked against what that seed must give, not only against one another, so a
reader that computed its own would fail here: chat shows the exact "2 jam 5 menit", the
reports one decimal never rounded up (2.0, where rounding would give 2.1), and "planned"
counts only the sessions already over, so the next day's session (in the same week and
month) is not counted while it is still to come or under way.
"""

import io
from datetime import datetime, timedelta
from datetime import time as dtime
from typing import Any

import openpyxl

from tests.clock import WITA, is_day_off, working_days
from tests.e2e.conftest import (
    Bot,
    create_agency,
    invitation_card,
    invite,
    invite_link_token,
    sites_ready,
)
from tests.e2e.test_cases import new_case
from tests.sheets import pdf_text

CREDITED = 2 * 60 + 5  # minutes credited on the first day: 08.30 to 10.35


async def _case_with_two_days(bot: Bot) -> dict[str, Any]:
    """A case at 3 hours a day (sessions 08.00-11.00) from a day whose next day is a working
    day of the same month, with its pengawas and offender; the clock at noon of that day."""
    first = next(
        day
        for day in working_days(bot.clock.today(), weekdays=range(7))
        if not is_day_off(day + timedelta(days=1)) and (day + timedelta(days=1)).month == day.month
    )
    bot.clock.set_local(first, dtime(12, 0))
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    await sites_ready(bot, admin)
    token = await invite(bot, admin, "jaksa", agency="Kejaksaan Negeri Samarinda")
    jaksa = bot.user(4100, "Jaksa", "Lapangan")
    await bot.send(jaksa, f"/start {token}")
    replies = await new_case(
        bot,
        jaksa,
        hours="40",
        per_day="3",
        days="Senin-Minggu",
        decision=(first - timedelta(days=1)).strftime("%d-%m-%Y"),
        start=first.strftime("%d-%m-%Y"),
    )
    offender_token = invite_link_token(invitation_card(replies))
    offender = bot.user(4200, "Budi", "Santoso")
    await bot.send(offender, f"/start {offender_token}")
    token = await invite(bot, jaksa, "pengawas")
    pengawas = bot.user(4300, "Pak", "Pengawas")
    await bot.send(pengawas, f"/start {token}")
    [case] = await bot.db.reader().cases.for_agencies(None)
    return {"jaksa": jaksa, "offender": offender, "pengawas": pengawas, "case": case}


async def _photo_at(bot: Bot, user: dict[str, Any], at: dtime, caption: str | None = None) -> None:
    """A photo taken at ``at`` on the clock's local day."""
    taken = datetime.combine(bot.clock.today(), at, WITA)
    await bot.handled(bot.fake.send_photo(user, caption=caption, date=int(taken.timestamp())))


async def _read_everything(bot: Bot, people: dict[str, Any]) -> dict[str, Any]:
    """What each of the four readers says about the case, as text or cells."""
    jaksa, case = people["jaksa"], people["case"]
    [digest, *_] = await bot.send(jaksa, "/ringkasan")
    [progress] = await bot.send(people["offender"], "/progres")
    [sheet] = await bot.send(jaksa, "/laporan")
    [pdf] = await bot.send(jaksa, f"/laporan {case.code}")
    assert sheet.document is not None and pdf.document is not None
    workbook = openpyxl.load_workbook(io.BytesIO(sheet.document))
    # The rows under the headers: the site and the total; the case and the site's total.
    [summary_row, _] = workbook["Ringkasan"].iter_rows(min_row=7, max_row=8, values_only=True)
    [site_row, _] = workbook["Taman Samarendah"].iter_rows(min_row=4, values_only=True)
    return {
        "digest": digest.plain or "",
        "progress": progress.plain or "",
        "summary": summary_row,
        "site": site_row,
        "pdf": " ".join(pdf_text(pdf.document).split()),
    }


def _assert_agree(read: dict[str, Any], code: str) -> None:
    # The digest (chat: exact), over the seven days ending today.
    assert "Sesi terlaksana: 1 dari 1 terjadwal (kehadiran 100%)" in read["digest"]
    assert "Jam dikreditkan pekan ini: 2 jam 5 menit · total: 2 jam 5 menit" in read["digest"]
    # /progres (chat: exact), and what is done and left add up to the 40 hours.
    assert "2 jam 5 menit dari 40 jam" in read["progress"]
    assert "Sisa 37 jam 55 menit" in read["progress"]
    # The month's .xlsx: one decimal, never rounded up; planned = sessions over by now.
    site, summary = read["site"], read["summary"]
    assert site[0] == code
    # planned, held, hours this month, hours to date, hours ordered, done, absences, not valid
    assert site[3:11] == (1, 1, 2.0, 2.0, 40, 0.05, 0, 0)
    # site, cases, planned, held, hours, absences, not valid, completed
    assert summary == ("Taman Samarendah", 1, 1, 1, 2.0, 0, 0, 0)
    # The PDF: the same figures over the whole record.
    assert "Jam dikreditkan: 2 dari 40 jam — status: aktif" in read["pdf"]
    assert (
        "Sesi: 1 hari hadir, 1 sesi terjadwal sudah lewat, 0 ketidakhadiran (0 tidak sah)"
        in read["pdf"]
    )


async def test_the_digest_progress_xlsx_and_pdf_agree_on_a_case(bot: Bot) -> None:
    people = await _case_with_two_days(bot)
    pengawas, case = people["pengawas"], people["case"]
    first = bot.clock.today()
    sessions = await bot.db.reader().cases.sessions_of(case.id)
    assert [s.day for s in sessions[:2]] == [first, first + timedelta(days=1)]
    assert sessions[0].minutes == 180  # 08.00-11.00: the 2 h 05 min fit in the day's cap

    await _photo_at(bot, pengawas, dtime(8, 30), caption=f"/hadir {case.code}")
    await bot.send(pengawas, f"/pulang {case.code}")
    await _photo_at(bot, pengawas, dtime(10, 35))
    ledger = await bot.db.reader().ledger_days.credited_by_case([case.id])
    assert ledger == {case.id: CREDITED}

    # Noon of the first day: its session is over, the next day's is still to come.
    _assert_agree(await _read_everything(bot, people), case.code)

    # The next morning, while its session is under way: still only one session is over.
    bot.clock.set_local(first + timedelta(days=1), dtime(9, 30))
    _assert_agree(await _read_everything(bot, people), case.code)
