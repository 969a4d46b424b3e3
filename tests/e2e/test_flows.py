"""What the one form engine promises every flow: a button counts only for the step that
showed it, a question may be asked in place of the card that answered the last one, and
/batal forgets the flow."""

from datetime import timedelta

from tests.e2e.conftest import Bot
from tests.e2e.test_attendance import _choose_one, _photo, _site_day


async def _check_ins(bot: Bot) -> int:
    async with bot.db.reader().conn.execute(
        "SELECT COUNT(*) FROM attendance_events WHERE kind = 'check_in'"
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def test_a_button_of_an_earlier_step_no_longer_counts(bot: Bot) -> None:
    day = await _site_day(bot)
    pengawas, case = day["pengawas"], day["case"]
    [choose] = await bot.send(pengawas, "/hadir")
    assert await bot.press(pengawas, choose, choose.callback_data()[0]) == []
    data = choose.callback_data()[-1]  # "continue", once someone is chosen
    [ask] = await bot.press(pengawas, choose, data)
    assert "Kirim foto" in (ask.plain or "")
    # The card keeps its text and loses its buttons.
    assert choose.callback_data() == [] and case.offender_name in (choose.plain or "")
    # The same payload again (a double tap that arrived late, or a forged one): refused.
    mark = bot.fake.mark()
    update = bot.fake.press(pengawas, choose, data)
    await bot.handled(update)
    assert "tidak berlaku" in bot.answers(update)[0].get("text", "")
    assert [m for m in bot.fake.sent[mark:] if m.chat_id == pengawas["id"]] == []
    # The flow is still at its photo step, and records one check-in.
    sent = await _photo(bot, pengawas, ago=timedelta(minutes=1))
    assert any("hadir pukul" in (m.plain or "") for m in sent if m.chat_id == pengawas["id"])
    assert await _check_ins(bot) == 1


async def test_rescheduling_asks_move_or_cancel_on_the_same_card(bot: Bot) -> None:
    day = await _site_day(bot)
    jaksa, case = day["jaksa"], day["case"]
    sessions = await bot.db.reader().cases.sessions_of(case.id)
    later = next(s for s in sessions if s.starts_at > bot.clock.now + timedelta(days=1))
    [card] = await bot.send(jaksa, f"/ubah_jadwal {case.code}")
    session_data = next(d for d in card.callback_data() if d.endswith(f":{later.id}"))
    # Choosing the session sends no new message: the card itself asks the next question.
    assert await bot.press(jaksa, card, session_data) == []
    assert len(card.callback_data()) == 2 and "Pindahkan" in " ".join(card.button_texts())
    assert "→" in (card.plain or "")
    # The session's own button is gone; pressed again it is stale.
    update = bot.fake.press(jaksa, card, session_data)
    await bot.handled(update)
    assert "tidak berlaku" in bot.answers(update)[0].get("text", "")
    cancel = next(b["callback_data"] for b in card.buttons() if "Batalkan" in b["text"])
    [ask_reason] = await bot.press(jaksa, card, cancel)
    assert "Alasan" in (ask_reason.plain or "")
    [done] = await bot.send(jaksa, "Lokasi dipakai acara kelurahan")
    assert "dibatalkan" in (done.plain or "")
    left = {s.id for s in await bot.db.reader().cases.sessions_of(case.id)}
    assert later.id not in left


async def test_batal_forgets_a_check_out_half_done(bot: Bot) -> None:
    day = await _site_day(bot)
    pengawas, case = day["pengawas"], day["case"]
    await bot.send(pengawas, f"/hadir {case.code}")
    await _photo(bot, pengawas, ago=timedelta(hours=2))
    [choose] = await bot.send(pengawas, "/pulang")
    await _choose_one(bot, pengawas, choose)
    [cancelled] = await bot.send(pengawas, "/batal")
    assert "dibatalkan" in (cancelled.plain or "").lower()
    # A photo now is no check-out: the attendance stays open, nothing is credited.
    await _photo(bot, pengawas, ago=timedelta(minutes=1))
    assert await bot.db.reader().attendance.open_for_case(case.id) is not None
    async with bot.db.reader().conn.execute(
        "SELECT COUNT(*) FROM attendance_events WHERE kind = 'check_out'"
    ) as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] == 0


async def test_a_correction_survives_a_restart_and_takes_only_its_own_answers(bot: Bot) -> None:
    """/koreksi runs on the engine: a forged button (a record of no case of this flow), a
    photo where the times are asked and a reason too short are each refused and write
    nothing; the flow's step is kept across a restart, and /batal forgets it."""
    day = await _site_day(bot)
    pengawas, jaksa, case = day["pengawas"], day["jaksa"], day["case"]
    await _photo(bot, pengawas, ago=timedelta(hours=3), caption=f"/hadir {case.code}")
    await bot.send(pengawas, f"/pulang {case.code}")
    await _photo(bot, pengawas, ago=timedelta(hours=2, minutes=30))
    events = len(await bot.db.reader().attendance.events_of_case(case.id))

    [choose] = await bot.send(jaksa, f"/koreksi {case.code}")
    [data] = choose.callback_data()
    forged = data.rsplit(":", 1)[0] + ":a999999"
    update = bot.fake.press(jaksa, choose, forged)
    await bot.handled(update)
    assert "tidak berlaku" in bot.answers(update)[0].get("text", "")
    [ask] = await bot.press(jaksa, choose, data)
    assert "alasan" in (ask.plain or "").lower()

    await bot.restart()
    [again] = await _photo(bot, jaksa, ago=timedelta(minutes=1))
    assert "hapus" in (again.plain or "")  # the question of the step it was at
    assert "paling sedikit" in ((await bot.send(jaksa, "hapus x"))[0].plain or "")
    assert len(await bot.db.reader().attendance.events_of_case(case.id)) == events

    await bot.send(jaksa, "/batal")
    # Text now is no correction: nothing is written.
    await bot.send(jaksa, "hapus salah orang sama sekali")
    assert len(await bot.db.reader().attendance.events_of_case(case.id)) == events

    # Started again, it goes through.
    [choose] = await bot.send(jaksa, f"/koreksi {case.code}")
    await bot.press(jaksa, choose, choose.callback_data()[0])
    [done] = await bot.send(jaksa, "hapus foto orang lain yang terkirim")
    assert "dibatalkan" in (done.plain or "")
    kinds = [e.kind.value for e in await bot.db.reader().attendance.events_of_case(case.id)]
    assert kinds[-1] == "void" and len(kinds) == events + 1
