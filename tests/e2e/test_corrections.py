"""/koreksi on an absence: the jaksa turns a day recorded absent into attendance, with a reason,
through the chat; the absence is kept, withdrawn, and counts nowhere any more."""

from datetime import date, time
from typing import Any

from domain.session_life import Life
from scheduler.dispatcher import dispatch
from services import corrections, sessions
from services.attendance import Message
from services.origin import Origin
from tests.e2e.conftest import Bot, rule_invalid
from tests.e2e.test_attendance import _site_day
from tests.seeds import actor_of

REASON = "ternyata hadir, pengawas salah catat"


async def _reported_absent(bot: Bot, day: dict[str, Any]) -> Any:
    """The pengawas reports today's absence "without a reason"; the jaksa's alert with its
    buttons to rule."""
    pengawas, jaksa = day["pengawas"], day["jaksa"]
    [choose] = await bot.send(pengawas, "/tidakhadir")
    [ask_category] = await bot.press(pengawas, choose, choose.callback_data()[0])
    await bot.press(pengawas, ask_category, ask_category.callback_data()[2])
    mark = bot.fake.mark()
    await bot.handled(bot.fake.send_text(pengawas, "-"))
    await dispatch(bot.app.bot, bot.db, bot.clock())
    [alert] = [m for m in bot.fake.sent[mark:] if m.chat_id == jaksa["id"]]
    return alert


async def _life_today(bot: Bot, day: dict[str, Any]) -> Life:
    store = bot.db.reader()
    case = day["case"]
    site = await store.sites.get(case.site_id)
    assert site is not None
    return await sessions.life_on(store, case, site, bot.clock.today())


async def test_a_jaksa_corrects_an_absence_into_attendance(bot: Bot) -> None:
    day = await _site_day(bot)  # two hours a day at most; the clock is at noon
    jaksa, case = day["jaksa"], day["case"]
    alert = await _reported_absent(bot, day)
    valid = alert.callback_data()[0]  # kept: ruling takes the alert's buttons away
    ruled = await rule_invalid(bot, jaksa, alert)
    assert alert.buttons() == []
    assert "tidak sah" in (ruled.plain or "")
    assert await _life_today(bot, day) is Life.ABSENT_INVALID

    # The absence is offered among the records, with its ruling.
    [choose] = await bot.send(jaksa, f"/koreksi {case.code}")
    [label] = choose.button_texts()
    assert label.startswith("Tidak hadir") and label.endswith("(tidak sah)")
    [ask] = await bot.press(jaksa, choose, choose.callback_data()[0])
    assert "tidak hadir pada" in (ask.plain or "")
    # Nothing to void on an absence, and a reason is needed: asked again, nothing written.
    assert "08.00-12.00" in ((await bot.send(jaksa, "hapus salah orang"))[0].plain or "")
    assert "paling sedikit" in ((await bot.send(jaksa, "08.00-10.00 lupa"))[0].plain or "")
    assert await bot.db.reader().attendance.events_of_case(case.id) == []

    [done] = await bot.send(jaksa, f"08.00-11.30 istirahat 30 {REASON}")

    # Three hours worked, two credited: the decision's hours a day.
    assert "dicatat hadir" in (done.plain or "") and "2 jam dikreditkan" in (done.plain or "")
    assert "2 jam dari 40 jam" in (done.plain or "")
    reader = bot.db.reader().attendance
    assert await reader.absences_of_case(case.id) == []
    [kept] = await reader.absences_of_case(case.id, withdrawn=True)
    assert kept["ruling"] == "tidak_sah" and kept["withdrawn_reason"] == REASON
    assert date.fromisoformat(str(kept["day"])) == bot.clock.today()
    assert await _life_today(bot, day) is Life.ATTENDED
    assert await bot.db.reader().audit.count("absence.corrected") == 1

    # The alert's old buttons rule it no more.
    update = bot.fake.press(jaksa, alert, valid)
    await bot.handled(update)
    assert "tidak berlaku" in bot.answers(update)[0].get("text", "")
    # The next /koreksi lists the attendance it became, and no absence.
    [choose] = await bot.send(jaksa, f"/koreksi {case.code}")
    [label] = choose.button_texts()
    assert not label.startswith("Tidak hadir") and "2 jam" in label


async def test_an_absence_corrected_meanwhile_is_refused_saying_what_the_day_is(
    bot: Bot,
) -> None:
    day = await _site_day(bot)
    jaksa, case = day["jaksa"], day["case"]
    await _reported_absent(bot, day)
    [choose] = await bot.send(jaksa, f"/koreksi {case.code}")
    await bot.press(jaksa, choose, choose.callback_data()[0])
    # Corrected in the meantime (another chat of the jaksa's Kejari, the CLI).
    [absence] = await bot.db.reader().attendance.absences_of_case(case.id)
    first = await corrections.absence_to_attendance(
        Origin(bot.db, await actor_of(bot.db, jaksa["id"]), bot.clock()),
        absence_id=int(str(absence["id"])),
        start=time(8, 0),
        end=time(10, 0),
        break_minutes=None,
        reason=REASON,
        message=Message(jaksa["id"], 999_999, bot.clock()),
    )
    assert first.outcome is corrections.Outcome.ABSENCE_CORRECTED

    [refused] = await bot.send(jaksa, f"08.00-11.00 {REASON}")

    assert "sekarang hadir" in (refused.plain or "")
    assert len(await bot.db.reader().attendance.events_of_case(case.id)) == 2  # the first's
    assert await bot.db.reader().audit.count("absence.corrected") == 1
