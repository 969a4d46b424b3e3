"""/lokasi_baru and /kasus_baru through the bot, and the schedule that results."""

from datetime import date, timedelta
from typing import Any

from domain import law
from scheduler.dispatcher import dispatch
from tests.clock import working_days
from tests.e2e.conftest import Bot, _data, create_agency, invitation_card, invite, sites_ready


async def _office(bot: Bot) -> dict[str, dict[str, Any]]:
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    await create_agency(bot, admin, "Bapas Samarinda", "Balai Pemasyarakatan")  # the PKs'
    await sites_ready(bot, admin)
    token = await invite(bot, admin, "jaksa", agency="Kejaksaan Negeri Samarinda")
    jaksa = bot.user(2100, "Rahmat", "Jaksa")
    await bot.send(jaksa, f"/start {token}")
    return {"admin": admin, "jaksa": jaksa}


async def new_case(
    bot: Bot,
    jaksa: dict[str, Any],
    *,
    number: str = "12/Pid.B/2026/PN Smr",
    hours: str = "40",
    per_day: str = "2",
    days: str = "Senin, Rabu, Jumat",
    start: str = "5 Januari 2026",
    decision: str = "2 Januari 2026",
    deadline: str | None = None,
    phone: str | None = None,
) -> list[Any]:
    """Fill /kasus_baru with typed answers (the weekdays typed, the rest by buttons); with
    ``phone``, an offender without Telegram phoned at that number."""
    await bot.send(jaksa, "/kasus_baru")
    await bot.send(jaksa, "Budi Santoso")
    await bot.send(jaksa, number)
    await bot.send(jaksa, "Pengadilan Negeri Samarinda")
    await bot.send(jaksa, decision)
    [ask_per_day] = await bot.send(jaksa, hours)
    [_ask_days] = await bot.press(jaksa, ask_per_day, _data(ask_per_day, per_day))
    [ask_site] = await bot.send(jaksa, days)
    await bot.press(jaksa, ask_site, _data(ask_site, "Taman Samarendah"))
    [ask_deadline] = await bot.send(jaksa, start)
    if deadline is None:
        [ask_time] = await bot.press(jaksa, ask_deadline, _data(ask_deadline, "6 bulan"))
    else:
        [ask_time] = await bot.send(jaksa, deadline)
    [ask_consequence] = await bot.press(jaksa, ask_time, _data(ask_time, "08.00"))
    await bot.press(jaksa, ask_consequence, _data(ask_consequence, "penjara"))
    [ask_pk] = await bot.send(jaksa, "3 bulan penjara")
    [ask_telegram] = await bot.press(jaksa, ask_pk, _data(ask_pk, "Belum ada"))
    if phone is None:
        [summary] = await bot.press(jaksa, ask_telegram, _data(ask_telegram, "Ya, memakai"))
    else:
        [ask_phone] = await bot.press(jaksa, ask_telegram, _data(ask_telegram, "Tidak memakai"))
        assert "Nomor HP" in (ask_phone.plain or "")
        [summary] = await bot.send(jaksa, phone)
    return await bot.press(jaksa, summary, _data(summary, "Simpan"))


async def test_a_site_needs_the_non_commercial_declaration(bot: Bot) -> None:
    admin = await bot.admin()
    await create_agency(bot, admin, "Pemerintah Kota Samarinda", "Pemerintah Kota")
    await bot.send(admin, "/lokasi_baru")
    [ask_host] = await bot.send(admin, "Masjid Raya")
    await bot.press(admin, ask_host, _data(ask_host, "Pemerintah Kota Samarinda"))
    await bot.send(admin, "Jl. Masjid 1")
    # A photo where a location is expected, and unreadable coordinates: asked again.
    mark = bot.fake.mark()
    await bot.handled(bot.fake.send_photo(admin))
    assert "Mohon balas" in (bot.fake.sent[mark].plain or "")
    assert "tidak terbaca" in ((await bot.send(admin, "di dekat pasar"))[0].plain or "")
    [_ask_radius] = await bot.send(admin, "-0.5021, 117.1536")
    assert "10–5000" in ((await bot.send(admin, "9000"))[0].plain or "")
    [ask_zone] = await bot.send(admin, "200")
    await bot.press(admin, ask_zone, _data(ask_zone, "WITA"))
    await bot.send(admin, "membersihkan halaman")
    assert "1–200" in ((await bot.send(admin, "0"))[0].plain or "")
    [declaration] = await bot.send(admin, "4")
    replies = await bot.press(admin, declaration, _data(declaration, "Tidak"))
    assert "tidak dapat disimpan" in (replies[0].plain or "")
    assert await bot.db.reader().sites.all() == []
    [summary] = await bot.press(admin, declaration, _data(declaration, "Ya"))
    assert "200 m" in (summary.plain or "")
    await bot.press(admin, summary, _data(summary, "Simpan"))
    [site] = await bot.db.reader().sites.all()
    assert (site.name, site.radius_m, site.capacity, site.timezone) == (
        "Masjid Raya",
        200,
        4,
        "Asia/Makassar",
    )
    assert site.activities == ("membersihkan halaman",)


async def test_a_case_is_planned_around_holidays(bot: Bot) -> None:
    people = await _office(bot)
    replies = await new_case(bot, people["jaksa"])
    text = replies[0].plain or ""
    assert "KS-" in text and "20 sesi (40 jam)" in text
    photo = invitation_card(replies)
    assert "Budi Santoso" in (photo.plain or "")
    [case] = await bot.db.reader().cases.for_agencies(None)
    sessions = await bot.db.reader().cases.sessions_of(case.id)
    days = [s.day for s in sessions]
    assert len(days) == 20 and all(d.weekday() in (0, 2, 4) for d in days)
    assert date(2026, 1, 16) not in days  # Isra' Mi'raj
    assert date(2026, 2, 16) not in days  # cuti bersama Imlek
    assert days[0] == date(2026, 1, 5)
    # 08.00 WITA is 00.00 UTC
    assert sessions[0].starts_at.hour == 0 and sessions[0].minutes == 120
    # The offender's invitation links them to the case.
    token = photo.plain.split("start=")[1].split()[0]  # type: ignore[union-attr]
    offender = bot.user(2200, "Budi")
    await bot.send(offender, f"/start {token}")
    [view] = await bot.send(offender, "/jadwal")
    assert case.code in (view.plain or "") and "0 menit dari 40 jam" in (view.plain or "")


async def test_the_shortfall_is_said_plainly(bot: Bot) -> None:
    people = await _office(bot)
    replies = await new_case(
        bot, people["jaksa"], hours="100", per_day="1", days="Senin", deadline="5 Maret 2026"
    )
    text = replies[0].plain or ""
    assert "kurang" in text and "jam" in text
    [case] = await bot.db.reader().cases.for_agencies(None)
    sessions = await bot.db.reader().cases.sessions_of(case.id)
    assert sum(s.minutes for s in sessions) < 100 * 60
    assert f"kurang {100 - len(sessions)} jam" in text


async def test_every_answer_is_checked_as_it_is_given(bot: Bot) -> None:
    people = await _office(bot)
    jaksa = people["jaksa"]
    await bot.send(jaksa, "/kasus_baru")
    assert "3–120" in ((await bot.send(jaksa, "B"))[0].plain or "")
    await bot.send(jaksa, "Budi Santoso")
    await bot.send(jaksa, "12/Pid.B/2026/PN Smr")
    await bot.send(jaksa, "PN Samarinda")
    assert "tidak terbaca" in ((await bot.send(jaksa, "kemarin"))[0].plain or "")
    future = (bot.clock.today() + timedelta(days=30)).strftime("%d-%m-%Y")
    assert "masa depan" in ((await bot.send(jaksa, future))[0].plain or "")
    await bot.send(jaksa, "2 Januari 2026")
    assert "8–240" in ((await bot.send(jaksa, "300"))[0].plain or "")
    assert "8–240" in ((await bot.send(jaksa, "7"))[0].plain or "")
    [_ask_per_day] = await bot.send(jaksa, "40")
    assert "1–8" in ((await bot.send(jaksa, "9"))[0].plain or "")
    [ask_days] = await bot.send(jaksa, "2")
    # Tapping days toggles them on the same keyboard; "Selesai" with none chosen is refused.
    replies = await bot.press(jaksa, ask_days, _data(ask_days, "Selesai"))
    assert "paling sedikit satu" in (replies[0].plain or "")
    await bot.press(jaksa, ask_days, _data(ask_days, "Selasa"))
    assert "✅ Selasa" in ask_days.button_texts()
    [ask_site] = await bot.press(jaksa, ask_days, _data(ask_days, "Selesai"))
    [_ask_start] = await bot.press(jaksa, ask_site, _data(ask_site, "Taman Samarendah"))
    assert "sebelum tanggal putusan" in ((await bot.send(jaksa, "1 Januari 2026"))[0].plain or "")
    [_ask_deadline] = await bot.send(jaksa, "6 Januari 2026")
    latest = law.latest_deadline(date(2026, 1, 6))
    replies = await bot.send(jaksa, (latest + timedelta(days=1)).strftime("%d-%m-%Y"))
    assert "paling lambat 6 bulan" in (replies[0].plain or "")
    [_ask_time] = await bot.send(jaksa, "30-06-2026")
    assert "melewati tengah malam" in ((await bot.send(jaksa, "23.00"))[0].plain or "")
    [ask_consequence] = await bot.send(jaksa, "07.30")
    # Text where a button is expected.
    assert "tombol" in ((await bot.send(jaksa, "penjara"))[0].plain or "")
    await bot.press(jaksa, ask_consequence, _data(ask_consequence, "denda"))
    [ask_pk] = await bot.send(jaksa, "denda Rp5.000.000")
    [ask_telegram] = await bot.press(jaksa, ask_pk, _data(ask_pk, "Belum ada"))
    [summary] = await bot.press(jaksa, ask_telegram, _data(ask_telegram, "Ya, memakai Telegram"))
    assert "Selasa" in (summary.plain or "") and "07.30" in (summary.plain or "")
    assert await bot.db.reader().cases.for_agencies(None) == []  # nothing before confirming
    await bot.press(jaksa, summary, _data(summary, "Simpan"))
    [case] = await bot.db.reader().cases.for_agencies(None)
    assert (case.weekdays, case.deadline, case.consequence.value) == (
        frozenset({1}),
        date(2026, 6, 30),
        "denda",
    )


async def test_one_decision_is_one_case(bot: Bot) -> None:
    people = await _office(bot)
    await new_case(bot, people["jaksa"])
    await bot.send(people["jaksa"], "/kasus_baru")
    await bot.send(people["jaksa"], "Budi Santoso")
    replies = await bot.send(people["jaksa"], "12/PID.B/2026/PN SMR")
    assert "sudah tercatat" in (replies[0].plain or "")


async def test_only_admins_and_jaksa_create_cases_and_sites(bot: Bot) -> None:
    people = await _office(bot)
    for role, user_id, agency in (
        ("pk", 2301, "Bapas Samarinda"),
        ("pejabat", 2302, "Kejaksaan Negeri Samarinda"),
        ("terpidana", 2303, "Kejaksaan Negeri Samarinda"),
    ):
        token = await invite(bot, people["admin"], role, agency=agency)
        user = bot.user(user_id, role.upper())
        await bot.send(user, f"/start {token}")
        for command in ("/kasus_baru", "/lokasi_baru"):
            replies = await bot.send(user, command)
            assert "tidak tersedia untuk peran Anda" in (replies[0].plain or ""), (role, command)
    token = await invite(bot, people["admin"], "pengawas", agency="Kejaksaan Negeri Samarinda")
    pengawas = bot.user(2304, "Pengawas")
    await bot.send(pengawas, f"/start {token}")
    assert "tidak tersedia" in ((await bot.send(pengawas, "/kasus_baru"))[0].plain or "")
    assert await bot.db.reader().cases.for_agencies(None) == []


async def test_a_pengawas_sees_this_weeks_sessions_at_their_site(bot: Bot) -> None:
    people = await _office(bot)
    today = bot.clock.today()
    monday = today - timedelta(days=today.weekday())
    await new_case(
        bot,
        people["jaksa"],
        days="Senin-Minggu",
        decision=(monday - timedelta(days=3)).strftime("%d-%m-%Y"),
        start=monday.strftime("%d-%m-%Y"),
    )
    token = await invite(bot, people["jaksa"], "pengawas")
    pengawas = bot.user(2400, "Pak", "Pengawas")
    await bot.send(pengawas, f"/start {token}")
    [case] = await bot.db.reader().cases.for_agencies(None)
    sessions = await bot.db.reader().cases.sessions_of(case.id)
    # Every day of the week is a working day for this case, so a week always holds some.
    assert any(monday <= s.day < monday + timedelta(days=7) for s in sessions)
    [week] = await bot.send(pengawas, "/jadwal")
    assert "Taman Samarendah" in (week.plain or "")
    assert "Budi Santoso" in (week.plain or "")


async def test_an_admin_corrects_the_holiday_calendar(bot: Bot) -> None:
    people = await _office(bot)
    admin = people["admin"]
    [listing] = await bot.send(admin, "/libur")
    assert "cuti bersama" in (listing.plain or "").lower()
    # A day off added before planning is skipped by the planner; removing cuti bersama
    # makes 16 February 2026 (cuti bersama Imlek) a working day again.
    [added] = await bot.send(admin, "/libur tambah 07-01-2026 Hari jadi kota")
    assert "Rabu, 7 Januari 2026" in (added.plain or "")
    await bot.send(admin, "/libur cuti_bersama tidak")
    await new_case(bot, people["jaksa"])
    [case] = await bot.db.reader().cases.for_agencies(None)
    days = [s.day for s in await bot.db.reader().cases.sessions_of(case.id)]
    assert date(2026, 1, 7) not in days
    assert date(2026, 2, 16) in days
    # Adding a day off that already has sessions says so.
    [warned] = await bot.send(admin, "/libur tambah 09-01-2026 Banjir")
    assert "sudah ada 1 sesi" in (warned.plain or "").lower()
    assert "Cara" not in (warned.plain or "")
    # Only admins manage the calendar.
    replies = await bot.send(people["jaksa"], "/libur")
    assert "tidak tersedia untuk peran Anda" in (replies[0].plain or "")
    assert "/libur" in ((await bot.send(admin, "/libur pindah"))[0].plain or "")


async def test_a_session_is_moved_or_cancelled_with_a_reason(bot: Bot) -> None:
    people = await _office(bot)
    jaksa = people["jaksa"]
    today = bot.clock.today()
    await new_case(
        bot,
        jaksa,
        days="Senin-Jumat",
        decision=today.strftime("%d-%m-%Y"),
        start=(today + timedelta(days=1)).strftime("%d-%m-%Y"),
    )
    [case] = await bot.db.reader().cases.for_agencies(None)
    sessions = await bot.db.reader().cases.sessions_of(case.id)
    first, second = sessions[0], sessions[1]
    [choose] = await bot.send(jaksa, f"/ubah_jadwal {case.code}")
    await bot.press(jaksa, choose, f"ubj:v1:s:{first.id}")
    [ask_reason] = await bot.press(jaksa, choose, _data(choose, "Pindahkan"))
    assert "Alasan" in (ask_reason.plain or "")
    assert "5–300" in ((await bot.send(jaksa, "ok"))[0].plain or "")
    [_ask_date] = await bot.send(jaksa, "Lokasi dipakai acara kelurahan")
    # The offender already works on the second session's day.
    replies = await bot.send(jaksa, second.day.strftime("%d-%m-%Y"))
    assert "sudah punya sesi" in (replies[0].plain or "")
    replies = await bot.send(jaksa, (case.deadline + timedelta(days=1)).strftime("%d-%m-%Y"))
    assert "di luar masa" in (replies[0].plain or "")
    # The first day after the last session that the calendar lets the case work.
    free_day = next(working_days(sessions[-1].day + timedelta(days=1), weekdays=case.weekdays))
    assert free_day <= case.deadline
    [moved] = await bot.send(jaksa, free_day.strftime("%d-%m-%Y"))
    assert "dipindahkan" in (moved.plain or "")
    moved_session = await bot.db.reader().cases.session(first.id)
    assert moved_session is not None and moved_session.day == free_day
    async with bot.db.reader().conn.execute(
        "SELECT kind, reason FROM session_events WHERE session_id = ?", (first.id,)
    ) as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [
            ("moved", "Lokasi dipakai acara kelurahan")
        ]
    # Cancelling the second session.
    [choose] = await bot.send(jaksa, f"/ubah_jadwal {case.code}")
    await bot.press(jaksa, choose, f"ubj:v1:s:{second.id}")
    await bot.press(jaksa, choose, _data(choose, "Batalkan"))
    [done] = await bot.send(jaksa, "Terpidana sakit menurut surat dokter")
    assert "dibatalkan" in (done.plain or "")
    planned = {s.id for s in await bot.db.reader().cases.sessions_of(case.id)}
    assert second.id not in planned and first.id in planned
    # Someone without the role is refused, and nothing changes.
    token = await invite(bot, jaksa, "pk")
    pk = bot.user(2500, "PK")
    await bot.send(pk, f"/start {token}")
    assert "tidak tersedia" in ((await bot.send(pk, f"/ubah_jadwal {case.code}"))[0].plain or "")


async def test_who_sees_which_case(bot: Bot) -> None:
    people = await _office(bot)
    admin = people["admin"]
    await new_case(bot, people["jaksa"])
    [case] = await bot.db.reader().cases.for_agencies(None)
    await create_agency(bot, admin, "Kejaksaan Negeri Balikpapan", "Kejaksaan Negeri")
    viewers = {}
    for key, user_id, role, agency in [
        ("official_here", 2601, "pejabat", "Kejaksaan Negeri Samarinda"),
        ("official_elsewhere", 2602, "pejabat", "Kejaksaan Negeri Balikpapan"),
        ("jaksa_elsewhere", 2603, "jaksa", "Kejaksaan Negeri Balikpapan"),
        ("pk_not_assigned", 2604, "pk", "Bapas Samarinda"),
    ]:
        token = await invite(bot, admin, role, agency=agency)
        viewers[key] = bot.user(user_id, key)
        await bot.send(viewers[key], f"/start {token}")
    for key, sees in [
        ("official_here", True),
        ("official_elsewhere", False),
        ("jaksa_elsewhere", False),
        ("pk_not_assigned", False),
    ]:
        [reply] = await bot.send(viewers[key], f"/jadwal {case.code}")
        assert ("Budi Santoso" in (reply.plain or "")) is sees, key


async def test_a_jaksa_asks_the_bapas_for_a_pk_and_one_takes_the_case(bot: Bot) -> None:
    people = await _office(bot)  # one Bapas: no choice to make
    jaksa, admin = people["jaksa"], people["admin"]
    await new_case(bot, jaksa)
    [case] = await bot.db.reader().cases.for_agencies(None)
    token = await invite(bot, admin, "pk", agency="Bapas Samarinda")
    pk = bot.user(2700, "Dewi", "PK")
    await bot.send(pk, f"/start {token}")
    [view] = await bot.send(jaksa, f"/jadwal {case.code}")
    assert view.button_texts() == ["🙋 Minta PK dari Bapas"]
    mark = bot.fake.mark()
    [sent] = await bot.press(jaksa, view, view.callback_data()[0])
    assert "Bapas Samarinda" in (sent.plain or "")
    await dispatch(bot.app.bot, bot.db, bot.clock())
    [request] = [m for m in bot.fake.sent[mark:] if m.chat_id == pk["id"]]
    take = request.callback_data()[0]
    # The jaksa cannot take it (a forged press: not a PK); the PK can.
    forged = bot.fake.press(jaksa, request, take)
    await bot.handled(forged)
    assert (await bot.db.reader().cases.get(case.id)).pk_person_id is None  # type: ignore[union-attr]
    [yours] = await bot.press(pk, request, take)
    assert case.code in (yours.plain or "")
    after = await bot.db.reader().cases.get(case.id)
    pk_person = await bot.db.reader().people.by_telegram_id(pk["id"])
    assert after is not None and pk_person is not None and after.pk_person_id == pk_person.id
    [view] = await bot.send(jaksa, f"/jadwal {case.code}")
    assert view.button_texts() == []  # it has its PK
