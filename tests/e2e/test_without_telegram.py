"""An offender without Telegram, through the chat: the case says so with a number, the jaksa
(no PK yet) gets the evening call list and marks the call, the pengawas's morning list marks
them, and the paper daftar hadir is printed and entered afterwards."""

from datetime import time, timedelta
from typing import Any

from scheduler.dispatcher import dispatch
from scheduler.planning import plan_outbox
from tests.clock import working_days
from tests.e2e.conftest import Bot, invite, office_with_jaksa
from tests.e2e.test_cases import new_case
from tests.e2e.test_reminders import at
from tests.pdf_text import pdf_text


async def _phoned_case(bot: Bot) -> dict[str, Any]:
    """A case from tomorrow, every day at 08.00 WITA, for an offender without Telegram."""
    _, jaksa = await office_with_jaksa(bot)
    today = bot.clock.today()
    tomorrow = today + timedelta(days=1)
    replies = await new_case(
        bot,
        jaksa,
        days="Senin-Minggu",
        decision=today.strftime("%d-%m-%Y"),
        start=tomorrow.strftime("%d-%m-%Y"),
        phone="0812-3456-7890",
    )
    token = await invite(bot, jaksa, "pengawas")
    pengawas = bot.user(5300, "Pengawas")
    await bot.send(pengawas, f"/start {token}")
    [case] = await bot.db.reader().cases.for_agencies(None)
    first_day = (await bot.db.reader().cases.sessions_of(case.id))[0].day
    assert first_day == next(working_days(tomorrow, weekdays=range(7)))
    return {
        "jaksa": jaksa,
        "pengawas": pengawas,
        "first_day": first_day,
        "case": case,
        "replies": replies,
    }


async def test_the_call_list_reaches_the_jaksa_and_a_call_is_marked_in_place(bot: Bot) -> None:
    world = await _phoned_case(bot)
    jaksa, first_day, case = world["jaksa"], world["first_day"], world["case"]
    # No invitation card: there is no chat to invite.
    texts = [m.plain or "" for m in world["replies"]]
    assert any("tanpa Telegram" in t and "tidak ada kartu undangan" in t for t in texts)
    assert [m for m in world["replies"] if m.method in ("sendPhoto", "sendDocument")] == []
    assert await bot.db.reader().phones.phone_of(case.id) == "081234567890"

    evening = at(first_day - timedelta(days=1), time(19, 0))
    # At noon nothing is planned for the offender: no Telegram reminder, no call list yet.
    await plan_outbox(bot.db, evening - timedelta(hours=7))
    async with bot.db.reader().conn.execute("SELECT kind FROM outbox") as cur:
        kinds = [str(r[0]) for r in await cur.fetchall()]
    assert not any(k.startswith("remind.offender") for k in kinds)
    assert "remind.call_list" not in kinds
    # 19.00: the call list, to the jaksa (the case has no PK).
    await plan_outbox(bot.db, evening)
    assert await plan_outbox(bot.db, evening + timedelta(minutes=5)) == 0
    mark = bot.fake.mark()
    await dispatch(bot.app.bot, bot.db, evening)
    [listing] = [m for m in bot.fake.sent[mark:] if m.chat_id == jaksa["id"]]
    text = listing.plain or ""
    assert "Daftar telepon malam ini" in text
    assert "Budi Santoso" in text and case.code in text and "081234567890" in text
    assert "08.00–10.00 WITA" in text and "Taman Samarendah" in text
    assert "belum dihubungi" in text
    [label] = listing.button_texts()
    assert label == "☎️ Sudah dihubungi: Budi Santoso"

    # The press is recorded, audited, and the list edited in place.
    bot.clock.set_local(first_day - timedelta(days=1), time(19, 12))
    assert await bot.press(jaksa, listing, listing.callback_data()[0]) == []
    assert "sudah dihubungi, 19.12 WITA" in (listing.plain or "")
    assert "Semua sudah dihubungi" in (listing.plain or "")
    assert listing.button_texts() == []
    assert await bot.db.reader().audit.count("call.made") == 1
    async with bot.db.reader().conn.execute("SELECT detail FROM audit_log") as cur:
        assert not any("7890" in str(r[0]) for r in await cur.fetchall())

    # 06.30: the pengawas's list marks them.
    mark = bot.fake.mark()
    await dispatch(bot.app.bot, bot.db, at(first_day, time(6, 30)))
    [morning] = [m for m in bot.fake.sent[mark:] if m.chat_id == world["pengawas"]["id"]]
    assert "Budi Santoso · 📵 tanpa Telegram" in (morning.plain or "")
    # Only the call list and the pengawas's list were ever sent for this case.
    async with bot.db.reader().conn.execute("SELECT DISTINCT kind FROM outbox") as cur:
        assert {str(r[0]) for r in await cur.fetchall()} == {
            "remind.call_list",
            "remind.supervisor.day",
        }


async def test_the_paper_sheet_is_printed_and_entered_afterwards(bot: Bot) -> None:
    world = await _phoned_case(bot)
    pengawas, first_day, case = world["pengawas"], world["first_day"], world["case"]
    bot.clock.set_local(first_day - timedelta(days=1), time(16, 0))
    replies = await bot.send(pengawas, "/daftar_hadir besok")
    [document] = [m for m in replies if m.method == "sendDocument"]
    assert "Daftar hadir" in (document.plain or "") and "1 peserta" in (document.plain or "")
    pdf = document.document
    assert pdf is not None
    words = pdf_text(pdf)
    for expected in ("DAFTAR HADIR", "Taman Samarendah", "Budi Santoso", case.code, "08.00–10.00"):
        assert expected in words, expected
    assert all(w in words for w in ("datang", "pulang", "Tanda tangan", "Paraf", "Keterangan"))
    assert "0812" not in words  # the sheet lies on a table: no phone number on it

    # The same evening the sheet cannot be entered yet.
    [too_early] = await bot.press(pengawas, document, document.callback_data()[0])
    assert "Isi setelah sesinya" in (too_early.plain or "")
    # The day after: the times from the paper, recorded by hand, marked as entered later.
    bot.clock.set_local(first_day, time(15, 0))
    [ask_who] = await bot.press(pengawas, document, document.callback_data()[0])
    assert "Budi Santoso" in " ".join(ask_who.button_texts())
    [ask_times] = await bot.press(pengawas, ask_who, ask_who.callback_data()[0])
    assert "08.05-12.00" in (ask_times.plain or "")
    assert "tidak terbaca" in ((await bot.send(pengawas, "pagi"))[0].plain or "")
    replies = await bot.send(pengawas, "08.05-10.30")
    said = " ".join(m.plain or "" for m in replies)
    assert "08.05–10.30" in said and "2 jam" in said and "diisi kemudian" in said
    assert "Semua peserta di daftar hadir ini sudah tercatat" in said
    async with bot.db.reader().conn.execute(
        "SELECT kind, manual, reason FROM attendance_events ORDER BY id"
    ) as cur:
        rows = [tuple(r) for r in await cur.fetchall()]
    assert rows == [
        ("check_in", 1, "daftar hadir kertas"),
        ("check_out", 1, "daftar hadir kertas"),
    ]
    figures = await bot.db.reader().figures.credited([case.id], first_day, first_day + timedelta(1))
    assert figures[case.id].by_day == {first_day: 120}  # 2 hours a day, as decided
