"""A day on a work site: check-in with a photo, check-out, the ledger and the offender's view."""

import stat
from datetime import datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.dispatcher import dispatch
from tests.clock import is_day_off, working_days
from tests.e2e.conftest import (
    Bot,
    create_agency,
    invitation_card,
    invite,
    invite_link_token,
    sites_ready,
)
from tests.e2e.test_cases import new_case


async def _site_day(bot: Bot, *, hours: str = "40", per_day: str = "2") -> dict[str, Any]:
    """An office, a site, a case with a session every day from today, its pengawas and offender.

    "Today" is the first day from the suite's date that is not a day off and whose next day is
    not one either, so that it has a session and tomorrow's is reminded tonight; the bot's
    clock is set to noon there, so that no test's hours straddle midnight.
    """
    site_today = next(
        day
        for day in working_days(bot.clock.today(), weekdays=range(7))
        if not is_day_off(day + timedelta(days=1))
    )
    bot.clock.set_local(site_today, dtime(12, 0))
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    await sites_ready(bot, admin)
    token = await invite(bot, admin, "jaksa", agency="Kejaksaan Negeri Samarinda")
    jaksa = bot.user(4100, "Jaksa", "Lapangan")
    await bot.send(jaksa, f"/start {token}")
    today = site_today
    replies = await new_case(
        bot,
        jaksa,
        hours=hours,
        per_day=per_day,
        days="Senin-Minggu",
        decision=(today - timedelta(days=1)).strftime("%d-%m-%Y"),
        start=today.strftime("%d-%m-%Y"),
    )
    offender_token = invite_link_token(invitation_card(replies))
    offender = bot.user(4200, "Budi", "Santoso")
    await bot.send(offender, f"/start {offender_token}")
    token = await invite(bot, jaksa, "pengawas")
    pengawas = bot.user(4300, "Pak", "Pengawas")
    await bot.send(pengawas, f"/start {token}")
    [case] = await bot.db.reader().cases.for_agencies(None)
    return {
        "admin": admin,
        "jaksa": jaksa,
        "offender": offender,
        "pengawas": pengawas,
        "case": case,
    }


async def _photo(
    bot: Bot, user: dict[str, Any], *, ago: timedelta, caption: str | None = None
) -> list[Any]:
    """A photo taken ``ago`` (on a whole minute, as a typed time would be)."""
    mark = bot.fake.mark()
    taken = int((bot.clock.now - ago).timestamp()) // 60 * 60
    update = bot.fake.send_photo(user, caption=caption, date=taken)
    await bot.handled(update)
    return bot.fake.sent[mark:]


async def _choose_one(bot: Bot, user: dict[str, Any], card: Any, index: int = 0) -> list[Any]:
    """On a session card, tap one name (the card's buttons change in place), then continue:
    what the bot asks next."""
    assert await bot.press(user, card, card.callback_data()[index]) == []
    return await bot.press(user, card, card.callback_data()[-1])


async def test_check_in_and_out_credit_the_hours(bot: Bot) -> None:
    day = await _site_day(bot)
    pengawas, case = day["pengawas"], day["case"]
    [choose] = await bot.send(pengawas, "/hadir")
    # The session card: everyone expected today with where they stand, a toggle each.
    assert "Budi Santoso" in (choose.plain or "") and "belum datang" in (choose.plain or "")
    assert choose.button_texts() == [f"☐ Budi Santoso · {case.code}", "❌ Ada yang tidak hadir…"]
    [ask] = await _choose_one(bot, pengawas, choose)
    assert "Kirim foto" in (ask.plain or "")
    # Text where a photo is expected: asked again, nothing recorded.
    assert "foto" in ((await bot.send(pengawas, "sudah datang"))[0].plain or "")
    sent = await _photo(bot, pengawas, ago=timedelta(hours=2, minutes=30))
    to_pengawas = [m for m in sent if m.chat_id == pengawas["id"]]
    to_offender = [m for m in sent if m.chat_id == day["offender"]["id"]]
    assert "hadir pukul" in (to_pengawas[0].plain or "")
    assert "Kehadiran Anda tercatat" in (to_offender[0].plain or "")
    # The evidence is kept privately, named by its hash.
    files = list((bot.data_dir / "evidence").iterdir())
    assert len(files) == 1 and len(files[0].stem) == 64
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    # A second check-in for someone already in changes nothing.
    replies = await bot.send(pengawas, f"/hadir {case.code}")
    await bot.handled(bot.fake.send_photo(pengawas))
    assert "sudah tercatat hadir" in (bot.fake.sent[-1].plain or "")
    del replies

    [choose] = await bot.send(pengawas, "/pulang")
    [ask] = await _choose_one(bot, pengawas, choose)
    sent = await _photo(bot, pengawas, ago=timedelta(minutes=0))
    reply = next(m for m in sent if m.chat_id == pengawas["id"])
    # 2.5 hours on site, the decision allows 2 hours a day.
    assert "Jam dikreditkan: 2 jam" in (reply.plain or "")
    assert "2 jam dari 40 jam" in (reply.plain or "")
    [progress] = await bot.send(day["offender"], "/progres")
    assert "2 jam dari 40 jam" in (progress.plain or "") and "Sisa 38 jam" in (progress.plain or "")
    # A check-out without an open check-in.
    replies = await bot.send(pengawas, f"/pulang {case.code}")
    assert "belum tercatat hadir" in (replies[0].plain or "")


async def test_a_forgotten_check_out_is_entered_by_hand_with_a_reason(bot: Bot) -> None:
    day = await _site_day(bot)
    pengawas, case = day["pengawas"], day["case"]
    await _photo(bot, pengawas, ago=timedelta(hours=5), caption=f"/hadir {case.code}")
    await bot.send(pengawas, f"/pulang {case.code}")
    assert "alasannya" in ((await bot.send(pengawas, "lupa"))[0].plain or "")
    zone_now = bot.clock.now

    taken = int(bot.clock.now.timestamp() - 5 * 3600) // 60 * 60
    local_start = datetime.fromtimestamp(taken, ZoneInfo("Asia/Makassar"))
    del zone_now
    end = local_start + timedelta(hours=1)
    replies = await bot.send(pengawas, f"{end:%H.%M} lupa mencatat pulang")
    text = replies[0].plain or ""
    assert "Jam dikreditkan: 1 jam" in text and "manual" in text


async def test_only_the_sites_pengawas_records_attendance(bot: Bot) -> None:
    day = await _site_day(bot)
    case = day["case"]
    for user in (day["jaksa"], day["offender"]):
        replies = await bot.send(user, "/hadir")
        assert "tidak tersedia untuk peran Anda" in (replies[0].plain or "")
    await create_agency(bot, day["admin"], "Pemerintah Kota Balikpapan", "Pemerintah Kota")
    from tests.e2e.conftest import create_site

    await create_site(bot, day["admin"], "Pantai Kemala", "Pemerintah Kota Balikpapan")
    token = await invite(bot, day["jaksa"], "pengawas", site="Pantai Kemala")
    other = bot.user(4400, "Pengawas", "Lain")
    await bot.send(other, f"/start {token}")
    replies = await bot.send(other, f"/hadir {case.code}")
    assert "tidak ditemukan di lokasi yang Anda awasi" in (replies[0].plain or "")
    async with bot.db.reader().conn.execute("SELECT COUNT(*) FROM attendance_events") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_the_same_photo_twice_is_one_piece_of_evidence(bot: Bot) -> None:
    day = await _site_day(bot)
    pengawas, case = day["pengawas"], day["case"]
    update = bot.fake.send_photo(pengawas, caption=f"/hadir {case.code}")
    await bot.handled(update)
    photo = update["message"]["photo"][-1]
    await bot.send(pengawas, f"/pulang {case.code}")
    mark = bot.fake.mark()
    again = bot.fake.inject(
        {
            "message": {
                **update["message"],
                "message_id": 9999,
                "caption": None,
                "caption_entities": None,
                "photo": update["message"]["photo"],
            }
        }
    )
    await bot.handled(again)
    assert "sudah pernah dipakai" in (bot.fake.sent[mark].plain or "")
    del photo


async def _completion_notices(bot: Bot, day: dict[str, Any]) -> dict[str, list[str]]:
    """Every completion notice the jaksa and the offender have had so far, once the outbox
    has sent all that is due (a commit wakes it; a second dispatch must add nothing)."""
    await dispatch(bot.app.bot, bot.db, bot.clock())
    return {
        who: [
            m.plain or ""
            for m in bot.fake.sent
            if m.chat_id == day[who]["id"] and "menyelesaikan" in (m.plain or "")
        ]
        for who in ("jaksa", "offender")
    }


async def test_completing_the_hours_finishes_the_case_and_tells_the_jaksa(bot: Bot) -> None:
    day = await _site_day(bot, hours="8", per_day="8")
    pengawas, case = day["pengawas"], day["case"]
    await _photo(bot, pengawas, ago=timedelta(hours=9), caption=f"/hadir {case.code}")
    await bot.send(pengawas, f"/pulang {case.code}")
    await _photo(bot, pengawas, ago=timedelta(0))
    finished = await bot.db.reader().cases.get(case.id)
    assert finished is not None and finished.status.value == "selesai"
    # The notices were written with the check-out, and go out once.
    notices = await _completion_notices(bot, day)
    assert ["telah menyelesaikan 8 jam" in text for text in notices["jaksa"]] == [True]
    assert len(notices["offender"]) == 1
    assert await _completion_notices(bot, day) == notices  # told once
    replies = await bot.send(pengawas, f"/hadir {case.code}")
    assert "sudah selesai" in (replies[0].plain or "")


async def test_a_case_completed_by_a_correction_is_announced_too(bot: Bot) -> None:
    """Completion has one home: a /koreksi that brings the hours to the total closes the
    case and tells the jaksa and the offender, as a check-out would; one that takes them
    below again reopens it."""
    day = await _site_day(bot, hours="8", per_day="8")
    pengawas, jaksa, case = day["pengawas"], day["jaksa"], day["case"]
    await _photo(bot, pengawas, ago=timedelta(hours=9), caption=f"/hadir {case.code}")
    await bot.send(pengawas, f"/pulang {case.code}")
    await _photo(bot, pengawas, ago=timedelta(hours=7))  # 2 hours of the 8
    still = await bot.db.reader().cases.get(case.id)
    assert still is not None and still.status.value == "aktif"
    assert await _completion_notices(bot, day) == {"jaksa": [], "offender": []}

    start = datetime.fromtimestamp(
        int(bot.clock.now.timestamp() - 9 * 3600) // 60 * 60, ZoneInfo("Asia/Makassar")
    )
    end = start + timedelta(hours=8, minutes=30)
    [choose] = await bot.send(jaksa, f"/koreksi {case.code}")
    await bot.press(jaksa, choose, choose.callback_data()[0])
    await bot.send(jaksa, f"{start:%H.%M}-{end:%H.%M} jam pulang salah dicatat")
    finished = await bot.db.reader().cases.get(case.id)
    assert finished is not None and finished.status.value == "selesai"
    notices = await _completion_notices(bot, day)
    assert ["telah menyelesaikan 8 jam" in text for text in notices["jaksa"]] == [True]
    assert len(notices["offender"]) == 1

    # Voiding the record takes the hours away again: the case runs on.
    [choose] = await bot.send(jaksa, f"/koreksi {case.code}")
    await bot.press(jaksa, choose, choose.callback_data()[0])
    await bot.send(jaksa, "hapus foto orang lain yang terkirim")
    reopened = await bot.db.reader().cases.get(case.id)
    assert reopened is not None and reopened.status.value == "aktif"


async def test_absences_are_ruled_by_the_jaksa(bot: Bot) -> None:
    day = await _site_day(bot)
    pengawas, jaksa, case = day["pengawas"], day["jaksa"], day["case"]
    [choose] = await bot.send(pengawas, "/tidakhadir")
    [ask_category] = await bot.press(pengawas, choose, choose.callback_data()[0])
    assert "Tanpa keterangan" in ask_category.button_texts()
    await bot.press(pengawas, ask_category, ask_category.callback_data()[2])
    mark = bot.fake.mark()
    await bot.handled(bot.fake.send_text(pengawas, "-"))
    await dispatch(bot.app.bot, bot.db, bot.clock())  # the alert goes through the outbox
    to_jaksa = [m for m in bot.fake.sent[mark:] if m.chat_id == jaksa["id"]]
    assert "Tanpa keterangan" in (to_jaksa[0].plain or "")
    assert to_jaksa[0].button_texts() == ["✅ Sah", "❌ Tidak sah"]
    # Reported twice the same day: one record.
    await bot.send(pengawas, f"/tidakhadir {case.code}")
    [ask_category] = [m for m in bot.fake.sent if m.chat_id == pengawas["id"]][-1:]
    await bot.press(pengawas, ask_category, ask_category.callback_data()[0])
    assert "sudah tercatat" in ((await bot.send(pengawas, "demam"))[0].plain or "")
    # Someone else cannot rule, not even the supervisor with a forged press.
    update = bot.fake.press(pengawas, to_jaksa[0], to_jaksa[0].callback_data()[1])
    await bot.handled(update)
    assert "tidak tersedia" in bot.answers(update)[0].get("text", "")
    # "Tidak sah" is deliberate: a reason, then a confirmation; only that writes.
    [ask] = await bot.press(jaksa, to_jaksa[0], to_jaksa[0].callback_data()[1])
    assert "alasan" in (ask.plain or "")
    [again] = await bot.send(jaksa, "x")
    assert "paling sedikit" in (again.plain or "")
    [summary] = await bot.send(jaksa, "tidak ada kabar sama sekali")
    assert "pelanggaran ke-1" in (summary.plain or "") and summary.buttons()
    assert (await bot.db.reader().attendance.absences_of_case(case.id))[0]["ruling"] is None
    mark = bot.fake.mark()
    await bot.press(jaksa, summary, summary.callback_data()[0])
    [ruled] = [m for m in bot.fake.sent[mark:] if m.chat_id == jaksa["id"] and m.plain]
    assert "tidak sah" in (ruled.plain or "") and "3 bulan penjara" in (ruled.plain or "")
    # What the decision allows next: a warning, the lost hours again, the replaced sentence.
    assert any("Teguran I" in b for b in ruled.button_texts())
    assert any("pidana penjara" in b for b in ruled.button_texts())
    absences = await bot.db.reader().attendance.absences_of_case(case.id)
    assert [(a["ruling"], a["consequence"]) for a in absences] == [
        ("tidak_sah", "penjara: 3 bulan penjara")
    ]
    # The offender is told, in plain words, through the outbox.
    await dispatch(bot.app.bot, bot.db, bot.clock())
    told = [m for m in bot.fake.sent[mark:] if m.chat_id == day["offender"]["id"]]
    assert any("tidak sah" in (m.plain or "") for m in told)
    # A second ruling from an old keyboard changes nothing.
    [stale] = await bot.press(jaksa, to_jaksa[0], "abs:v1:s:" + str(absences[0]["id"]))
    assert "sudah diputuskan" in (stale.plain or "")
    assert (await bot.db.reader().attendance.absences_of_case(case.id))[0]["ruling"] == "tidak_sah"


async def test_an_offender_asks_leave_in_advance(bot: Bot) -> None:
    day = await _site_day(bot)
    offender, jaksa, pengawas = day["offender"], day["jaksa"], day["pengawas"]
    [choose] = await bot.send(offender, "/izin")
    # The sessions ahead as buttons: today's has begun (the clock is at noon), so the
    # first offered is tomorrow's.
    sessions = await bot.db.reader().cases.sessions_of(day["case"].id)
    tomorrow = next(s for s in sessions if s.starts_at > bot.clock.now)
    assert choose.callback_data()[0] == f"izn:v1:s:{tomorrow.id}"
    [ask] = await bot.press(offender, choose, choose.callback_data()[0])
    assert "minta izin" in (ask.plain or "")
    assert "alasannya" in ((await bot.send(offender, "x"))[0].plain or "")
    mark = bot.fake.mark()
    update = bot.fake.send_photo(offender, caption="Menghadiri sidang keluarga")
    await bot.handled(update)
    await dispatch(bot.app.bot, bot.db, bot.clock())
    sent = bot.fake.sent[mark:]
    assert any(m.chat_id == jaksa["id"] and m.buttons() for m in sent)
    assert any(m.chat_id == pengawas["id"] and not m.buttons() for m in sent)
    [absence] = await bot.db.reader().attendance.absences_of_case(day["case"].id)
    assert (absence["source"], absence["category"]) == ("terpidana", "izin")
    assert absence["day"] == tomorrow.day.isoformat()  # the chosen session, not today's
    # The pengawas cannot use /izin, the offender cannot use /tidakhadir.
    assert "tidak tersedia" in ((await bot.send(pengawas, "/izin"))[0].plain or "")
    assert "tidak tersedia" in ((await bot.send(offender, "/tidakhadir"))[0].plain or "")


async def _digest_hours(bot: Bot, jaksa: dict[str, Any]) -> tuple[str, str]:
    """(sessions held, "hours this week · total: hours") from the jaksa's /ringkasan."""
    [digest, *_] = await bot.send(jaksa, "/ringkasan")
    text = digest.plain or ""
    held = text.split("Sesi terlaksana: ")[1].split()[0]
    return held, text.split("Jam dikreditkan pekan ini: ")[1].splitlines()[0]


async def test_a_jaksa_corrects_a_record_and_the_ledger_follows(bot: Bot) -> None:
    day = await _site_day(bot)
    pengawas, jaksa, case = day["pengawas"], day["jaksa"], day["case"]
    await _photo(bot, pengawas, ago=timedelta(hours=3), caption=f"/hadir {case.code}")
    await bot.send(pengawas, f"/pulang {case.code}")
    await _photo(bot, pengawas, ago=timedelta(hours=2, minutes=30))  # 30 minutes credited
    assert await _digest_hours(bot, jaksa) == ("1", "30 menit · total: 30 menit")
    [choose] = await bot.send(jaksa, f"/koreksi {case.code}")
    assert "30 menit" in choose.button_texts()[0]
    [ask] = await bot.press(jaksa, choose, choose.callback_data()[0])
    assert "alasan" in ((await bot.send(jaksa, "09.00-10.00"))[0].plain or "").lower()

    start = datetime.fromtimestamp(
        int(bot.clock.now.timestamp() - 3 * 3600) // 60 * 60, ZoneInfo("Asia/Makassar")
    )
    end = start + timedelta(hours=1, minutes=30)
    [done] = await bot.send(jaksa, f"{start:%H.%M}-{end:%H.%M} jam pulang salah dicatat")
    assert "1 jam 30 menit" in (done.plain or "") and "dikoreksi" in (done.plain or "")
    # The digest's sums follow the correction at once.
    assert await _digest_hours(bot, jaksa) == ("1", "1 jam 30 menit · total: 1 jam 30 menit")
    events = await bot.db.reader().attendance.events_of_case(case.id)
    assert [e.kind.value for e in events] == ["check_in", "check_out", "correction"]
    # A break recorded by correction is not credited.
    [choose] = await bot.send(jaksa, f"/koreksi {case.code}")
    await bot.press(jaksa, choose, choose.callback_data()[0])
    [done] = await bot.send(jaksa, f"{start:%H.%M}-{end:%H.%M} istirahat 30 istirahat siang")
    assert "1 jam dikreditkan" in (done.plain or "")
    assert await _digest_hours(bot, jaksa) == ("1", "1 jam · total: 1 jam")
    assert await bot.db.reader().audit.count("attendance.corrected") == 2
    # The pengawas may not correct.
    assert "tidak tersedia" in ((await bot.send(pengawas, f"/koreksi {case.code}"))[0].plain or "")
    del ask


async def test_a_failed_photo_download_loses_nothing_and_is_retried(bot: Bot) -> None:
    from services.evidence import retry_downloads

    day = await _site_day(bot)
    pengawas, case = day["pengawas"], day["case"]
    bot.expected_failures.add("getFile")
    bot.fake.fail_next(1, status=502, methods=["getFile"])
    sent = await _photo(bot, pengawas, ago=timedelta(minutes=5), caption=f"/hadir {case.code}")
    assert "hadir pukul" in (next(m for m in sent if m.chat_id == pengawas["id"]).plain or "")
    async with bot.db.reader().conn.execute("SELECT path, attempts FROM evidence") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [(None, 1)]
    kept = await retry_downloads(bot.app.bot, bot.db, bot.data_dir / "evidence", bot.clock())
    async with bot.db.reader().conn.execute("SELECT path FROM evidence") as cur:
        [(path,)] = [tuple(r) for r in await cur.fetchall()]
    assert kept == 1 and path is not None


async def test_a_check_in_far_from_the_site_is_kept_but_flagged(bot: Bot) -> None:
    day = await _site_day(bot)
    pengawas, jaksa, case = day["pengawas"], day["jaksa"], day["case"]
    await bot.send(pengawas, f"/hadir {case.code}")
    mark = bot.fake.mark()
    await bot.handled(bot.fake.send_location(pengawas, -0.5121, 117.1536))  # about 1.1 km south
    sent = await _photo(bot, pengawas, ago=timedelta(minutes=1))
    text = "\n".join(m.plain or "" for m in bot.fake.sent[mark:] if m.chat_id == pengawas["id"])
    assert "Lokasi dicatat" in text and "hadir pukul" in text and "m dari titik lokasi" in text
    flags = await bot.db.reader().attendance.flags_of_case(case.id)
    assert len(flags) == 1 and 1000 < next(iter(flags.values())) < 1200
    [view] = await bot.send(jaksa, f"/jadwal {case.code}")
    assert "di luar radius" in (view.plain or "")
    [own] = await bot.send(day["offender"], "/jadwal")
    assert "di luar radius" not in (own.plain or "")
    del sent


async def test_yesterdays_list_and_oversized_photos_are_refused(bot: Bot) -> None:
    day = await _site_day(bot)
    pengawas, case = day["pengawas"], day["case"]
    [choose] = await bot.send(pengawas, "/hadir")
    data = choose.callback_data()[0]
    bot.clock.advance(timedelta(days=1))
    update = bot.fake.press(pengawas, choose, data)
    await bot.handled(update)
    assert "tidak berlaku" in bot.answers(update)[0].get("text", "")
    # A photo sent as a file over Telegram's 20 MB download limit.
    await bot.send(pengawas, f"/hadir {case.code}")
    mark = bot.fake.mark()
    big = bot.fake.send_document(
        pengawas, b"\xff\xd8" + b"0" * (20 * 1024 * 1024), "foto.jpg", "image/jpeg"
    )
    await bot.handled(big, timeout=30)
    assert "terlalu besar" in (bot.fake.sent[mark].plain or "")
    async with bot.db.reader().conn.execute("SELECT COUNT(*) FROM attendance_events") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_a_photo_sent_as_a_file_keeps_its_capture_time_and_position(bot: Bot) -> None:
    from tests.unit.test_exif import jpeg_with_exif

    day = await _site_day(bot)
    pengawas, jaksa, case = day["pengawas"], day["jaksa"], day["case"]
    far_away = jpeg_with_exif(-0.5300, 117.1536, "2026:03:02 08:05:00")  # about 3 km away
    update = bot.fake.send_document(
        pengawas, far_away, "IMG_0001.jpg", "image/jpeg", caption=f"/hadir {case.code}"
    )
    await bot.handled(update)
    async with bot.db.reader().conn.execute(
        "SELECT exif_taken_at, round(exif_latitude, 4), exif_outside_geofence FROM evidence"
    ) as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [("2026-03-02T08:05:00", -0.53, 1)]
    [view] = await bot.send(jaksa, f"/jadwal {case.code}")
    assert "di luar radius" in (view.plain or "")


async def test_reports_open_in_a_spreadsheet_program_and_as_a_pdf(bot: Bot) -> None:
    import io

    import openpyxl

    day = await _site_day(bot)
    pengawas, jaksa, case = day["pengawas"], day["jaksa"], day["case"]
    await _photo(bot, pengawas, ago=timedelta(hours=3), caption=f"/hadir {case.code}")
    await bot.send(pengawas, f"/pulang {case.code}")
    await _photo(bot, pengawas, ago=timedelta(hours=1))
    [sheet] = await bot.send(jaksa, "/laporan")
    assert sheet.method == "sendDocument" and sheet.document is not None
    workbook = openpyxl.load_workbook(io.BytesIO(sheet.document))
    assert workbook.sheetnames == ["Ringkasan", "Ketidakhadiran", "Taman Samarendah"]
    rows = list(workbook["Taman Samarendah"].iter_rows(min_row=4, values_only=True))
    assert rows[0][0] == case.code and rows[0][5] == 2  # two hours credited this month
    # The cover names the jaksa's office and the month in words, as the caption does.
    from babel.dates import format_date

    month = format_date(bot.clock.today(), "MMMM y", locale="id_ID")  # "Juni 2027"
    cover = workbook["Ringkasan"]
    assert (cover["B2"].value, cover["B3"].value) == ("Kejaksaan Negeri Samarinda", month)
    assert sheet.plain == f"Laporan pelaksanaan kerja sosial {month}: 1 kasus."
    [pdf] = await bot.send(jaksa, f"/laporan {case.code}")
    assert pdf.document is not None and pdf.document.startswith(b"%PDF")
    assert "bulan ini" in ((await bot.send(jaksa, "/laporan bulan-lalu"))[0].plain or "")
    assert "tidak tersedia" in ((await bot.send(pengawas, "/laporan"))[0].plain or "")


async def test_the_same_image_sent_again_as_a_file_is_flagged_not_silently_accepted(
    bot: Bot,
) -> None:
    """Telegram gives a file another id than a photo; the bytes are the same. The record the
    pengawas made stays (it is committed before the download), flagged with the evidence it
    repeats, and the jaksa and the pengawas are told."""
    from tests.fakebot.server import make_png

    day = await _site_day(bot)
    pengawas, jaksa, case = day["pengawas"], day["jaksa"], day["case"]
    image = make_png(64, 48, nonce=b"same-bytes")
    taken = int((bot.clock.now - timedelta(hours=2)).timestamp()) // 60 * 60
    await bot.handled(
        bot.fake.send_photo(pengawas, caption=f"/hadir {case.code}", data=image, date=taken)
    )
    await bot.send(pengawas, f"/pulang {case.code}")
    await bot.handled(bot.fake.send_document(pengawas, image, "foto.png", "image/png"))
    async with bot.db.reader().conn.execute(
        "SELECT id, duplicate_of FROM evidence ORDER BY id"
    ) as cur:
        (first, none), (second, repeats) = [tuple(r) for r in await cur.fetchall()]
    assert (none, repeats) == (None, first)
    mark = bot.fake.mark()
    await dispatch(bot.app.bot, bot.db, bot.clock())
    told = {m.chat_id: m.plain or "" for m in bot.fake.sent[mark:]}
    assert case.code in told[jaksa["id"]] and "/koreksi" in told[jaksa["id"]]
    assert case.code in told[pengawas["id"]] and "foto baru" in told[pengawas["id"]]
    del second


async def test_a_check_in_half_done_goes_on_after_a_restart(bot: Bot) -> None:
    """The step and the draft are kept in SQLite: a deployment between "/hadir" and the
    photo does not make the supervisor start again."""
    day = await _site_day(bot)
    pengawas, case = day["pengawas"], day["case"]
    [choose] = await bot.send(pengawas, "/hadir")
    [ask] = await _choose_one(bot, pengawas, choose)
    assert "Kirim foto" in (ask.plain or "")
    await bot.restart()
    sent = await _photo(bot, pengawas, ago=timedelta(minutes=5))
    to_pengawas = [m for m in sent if m.chat_id == pengawas["id"]]
    assert "hadir pukul" in (to_pengawas[0].plain or "")
    assert await bot.db.reader().attendance.open_for_case(case.id) is not None
    # Once the check-in is done, neither its step nor its draft is kept.
    store = bot.db.reader()
    assert await store.conversations.states("check_in") == {}
    drafts = await store.conversations.drafts()
    assert pengawas["id"] not in drafts or b"case_id" not in drafts[pengawas["id"]]
