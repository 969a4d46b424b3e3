"""What follows a *tidak sah*, in chat: the warning, the lost hours again, closing the case
with the replaced sentence, and its Berita Acara, through the real application."""

from scheduler.dispatcher import dispatch
from tests.e2e.conftest import Bot, rule_invalid
from tests.e2e.test_attendance import _site_day
from tests.e2e.test_corrections import _reported_absent


async def test_a_jaksa_warns_plans_the_hours_again_and_closes_with_the_replaced_sentence(
    bot: Bot,
) -> None:
    day = await _site_day(bot)
    jaksa, offender, case = day["jaksa"], day["offender"], day["case"]
    ruled = await rule_invalid(bot, jaksa, await _reported_absent(bot, day))
    warn, repeat, close = (b["callback_data"] for b in ruled.buttons())

    # Teguran I: a text, a confirmation; the offender is told, the letter comes to the file.
    [ask] = await bot.press(jaksa, ruled, warn)
    assert "Teguran" in (ask.plain or "") or "teguran" in (ask.plain or "")
    [confirm] = await bot.send(jaksa, "Saudara tidak hadir tanpa alasan sah.")
    mark = bot.fake.mark()
    await bot.press(jaksa, confirm, confirm.callback_data()[0])
    letters = [m for m in bot.fake.sent[mark:] if m.chat_id == jaksa["id"] and m.document]
    assert len(letters) == 1 and letters[0].document.startswith(b"%PDF")
    [warning] = await bot.db.reader().consequences.warnings_of_case(case.id)
    assert warning.level == 1
    await dispatch(bot.app.bot, bot.db, bot.clock())
    assert any(
        "Teguran I" in (m.plain or "") for m in bot.fake.sent[mark:] if m.chat_id == offender["id"]
    )

    # The lost session's hours planned again, once.
    before = len(await bot.db.reader().cases.sessions_of(case.id))
    [planned] = await bot.press(jaksa, ruled, repeat)
    assert "dijadwalkan ulang" in (planned.plain or "")
    assert len(await bot.db.reader().cases.sessions_of(case.id)) == before + 1
    update = bot.fake.press(jaksa, ruled, repeat)
    await bot.handled(update)
    assert "sudah terjadwal" in bot.answers(update)[0].get("text", "")

    # Closing with the replaced sentence: the decision's own words offered as a button.
    [penalty] = await bot.press(jaksa, ruled, close)
    assert "3 bulan penjara" in (penalty.plain or "")
    [bad] = await bot.send(jaksa, "lama sekali")
    assert "misalnya" in (bad.plain or "")
    await bot.press(jaksa, penalty, penalty.callback_data()[0])
    [summary] = await bot.send(jaksa, "dua kali tidak hadir tanpa alasan sah")
    assert "90 hari" in (summary.plain or "")  # 3 months, nothing credited: all of it
    assert (await bot.db.reader().cases.get(case.id)).status.value == "aktif"  # type: ignore[union-attr]
    mark = bot.fake.mark()
    await bot.press(jaksa, summary, summary.callback_data()[0])
    closed = await bot.db.reader().cases.get(case.id)
    assert closed is not None and closed.status.value == "ditutup"
    await dispatch(bot.app.bot, bot.db, bot.clock())
    records = [m for m in bot.fake.sent[mark:] if m.chat_id == jaksa["id"] and m.document]
    assert len(records) == 1 and records[0].document_name.startswith("Berita-Acara")
    # /laporan gives the same file afterwards.
    [again] = await bot.send(jaksa, f"/laporan {case.code}")
    assert again.document == records[0].document
    # A closed case takes no more consequences, and the offender cannot act for the jaksa.
    [refused] = await bot.send(jaksa, f"/teguran {case.code}")
    assert "sudah berakhir" in (refused.plain or "")
    [not_theirs] = await bot.send(offender, f"/tutup {case.code}")
    assert "tidak tersedia" in (not_theirs.plain or "")
