"""/serahkan through the chat: the jaksa hands a case to a colleague with buttons, a reason
and a confirmation; both are told, and the case's next alert goes to the new jaksa."""

from scheduler.dispatcher import dispatch
from tests.e2e.conftest import Bot, invite
from tests.e2e.test_attendance import _site_day

KEJARI = "Kejaksaan Negeri Samarinda"
REASON = "cuti melahirkan sampai Maret"


async def test_a_jaksa_hands_a_case_to_a_colleague_who_then_gets_its_alerts(bot: Bot) -> None:
    day = await _site_day(bot)
    admin, jaksa, pengawas, case = day["admin"], day["jaksa"], day["pengawas"], day["case"]
    token = await invite(bot, admin, "jaksa", agency=KEJARI)
    colleague = bot.user(4150, "Siti", "Rekan")
    await bot.send(colleague, f"/start {token}")

    # Nobody of that role: no PK is registered yet.
    [nobody] = await bot.send(jaksa, f"/serahkan {case.code} pk")
    assert "Tidak ada PK lain" in (nobody.plain or ""), nobody.plain

    [choose] = await bot.send(jaksa, f"/serahkan {case.code} jaksa")
    assert "Jaksa sekarang: Jaksa Lapangan" in (choose.plain or ""), choose.plain
    assert choose.button_texts() == [f"Siti Rekan — {KEJARI}"]
    [ask] = await bot.press(jaksa, choose, choose.callback_data()[0])
    assert "Mengapa" in (ask.plain or "")
    [again] = await bot.send(jaksa, "cuti")
    assert "Alasan harus" in (again.plain or "")
    [summary] = await bot.send(jaksa, REASON)
    assert "Jaksa Lapangan → Siti Rekan" in (summary.plain or ""), summary.plain
    mark = bot.fake.mark()
    [done] = await bot.press(jaksa, summary, summary.callback_data()[0])
    assert "kini dipegang Jaksa Siti Rekan" in (done.plain or ""), done.plain
    await dispatch(bot.app.bot, bot.db, bot.clock())
    [told] = [m for m in bot.fake.sent[mark:] if m.chat_id == colleague["id"]]
    assert "diserahkan kepada Anda" in (told.plain or "") and REASON in (told.plain or "")
    # The one who made the change reads the reply; no notice of their own doing.
    assert [m.plain for m in bot.fake.sent[mark:] if m.chat_id == jaksa["id"]] == [done.plain]

    # The one who holds it now is not offered; the old jaksa is.
    [back] = await bot.send(colleague, f"/serahkan {case.code} jaksa")
    assert back.button_texts() == [f"Jaksa Lapangan — {KEJARI}"]
    await bot.send(colleague, "/batal")

    # The pengawas reports today's absence: the alert goes to the new jaksa only.
    [choose_case] = await bot.send(pengawas, "/tidakhadir")
    [ask_category] = await bot.press(pengawas, choose_case, choose_case.callback_data()[0])
    await bot.press(pengawas, ask_category, ask_category.callback_data()[2])
    mark = bot.fake.mark()
    await bot.handled(bot.fake.send_text(pengawas, "-"))
    await dispatch(bot.app.bot, bot.db, bot.clock())
    chats = {m.chat_id for m in bot.fake.sent[mark:]}
    assert colleague["id"] in chats and jaksa["id"] not in chats
    stored = await bot.db.reader().cases.get(case.id)
    assert stored is not None and stored.jaksa_person_id != case.jaksa_person_id
