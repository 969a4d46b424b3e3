"""The outbox: reminders planned once, sent once, and every Telegram error handled."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import ExtBot

from scheduler.dispatcher import dispatch
from scheduler.planning import plan_outbox, plan_unreachable_notices
from tests.clock import working_days
from tests.e2e.conftest import (
    TOKEN,
    Bot,
    invitation_card,
    invite,
    invite_link_token,
    office_with_jaksa,
)
from tests.e2e.test_cases import new_case

WITA = ZoneInfo("Asia/Makassar")


async def _starting_tomorrow(bot: Bot) -> dict[str, Any]:
    """A case that starts tomorrow, every day at 08.00 WITA, with its offender and pengawas.

    ``first_day`` is the day of its first session: tomorrow, or the first day after it that
    is not a day off in the bot's calendar.
    """
    _, jaksa = await office_with_jaksa(bot)
    today = bot.clock.today()
    tomorrow = today + timedelta(days=1)
    replies = await new_case(
        bot,
        jaksa,
        days="Senin-Minggu",
        decision=today.strftime("%d-%m-%Y"),
        start=tomorrow.strftime("%d-%m-%Y"),
    )
    offender_token = invite_link_token(invitation_card(replies))
    offender = bot.user(5200, "Budi")
    await bot.send(offender, f"/start {offender_token}")
    token = await invite(bot, jaksa, "pengawas")
    pengawas = bot.user(5300, "Pengawas")
    await bot.send(pengawas, f"/start {token}")
    [case] = await bot.db.reader().cases.for_agencies(None)
    first_day = (await bot.db.reader().cases.sessions_of(case.id))[0].day
    assert first_day == next(working_days(tomorrow, weekdays=range(7)))
    return {"jaksa": jaksa, "offender": offender, "pengawas": pengawas, "first_day": first_day}


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=WITA).astimezone(UTC)


async def _statuses(bot: Bot) -> dict[str, str]:
    async with bot.db.reader().conn.execute("SELECT dedupe_key, status FROM outbox") as cur:
        return {str(r[0]): str(r[1]) for r in await cur.fetchall()}


async def test_reminders_are_planned_once_and_sent_at_local_times(bot: Bot) -> None:
    world = await _starting_tomorrow(bot)
    first_day = world["first_day"]
    now = at(first_day - timedelta(days=1), time(12, 0))
    first = await plan_outbox(bot.db, now)
    assert first >= 3
    assert await plan_outbox(bot.db, now) == 0  # a second run plans nothing new
    # Nothing is due at noon; the evening reminder goes at 19.00 WITA.
    assert (await dispatch(bot.app.bot, bot.db, now)).sent == 0
    mark = bot.fake.mark()
    report = await dispatch(bot.app.bot, bot.db, at(first_day - timedelta(days=1), time(19, 0)))
    assert report.sent == 2
    [evening] = [
        m
        for m in bot.fake.sent[mark:]
        if m.chat_id == world["offender"]["id"] and m.method == "sendMessage"
    ]
    assert "Besok" in (evening.plain or "") and "08.00 WITA" in (evening.plain or "")
    assert evening.button_texts() == ["✅ Saya akan hadir", "✖️ Tidak bisa hadir"]
    assert "Jl. Kesuma Bangsa" in (evening.plain or "")
    pins = [m for m in bot.fake.sent[mark:] if m.method == "sendLocation"]
    assert [p.chat_id for p in pins] == [world["offender"]["id"]]  # the map pin, once
    # 06.00: the offender's two-hour reminder; 06.30: the supervisor's list.
    await dispatch(bot.app.bot, bot.db, at(first_day, time(6, 0)))
    mark = bot.fake.mark()
    await dispatch(bot.app.bot, bot.db, at(first_day, time(6, 30)))
    [listing] = [m for m in bot.fake.sent[mark:] if m.chat_id == world["pengawas"]["id"]]
    assert "Budi Santoso" in (listing.plain or "") and "/hadir" in (listing.plain or "")
    # Sent once: another tick sends nothing more.
    assert (await dispatch(bot.app.bot, bot.db, at(first_day, time(7, 0)))).sent == 0
    assert set((await _statuses(bot)).values()) <= {"sent", "pending"}

    # "I can't attend" leads into the leave request for that session.
    [ask] = await bot.press(world["offender"], evening, evening.callback_data()[1])
    assert "minta izin" in (ask.plain or "")
    mark = bot.fake.mark()
    await bot.handled(bot.fake.send_text(world["offender"], "Anak saya sakit"))
    await dispatch(bot.app.bot, bot.db, bot.clock())
    assert any(m.chat_id == world["jaksa"]["id"] and m.buttons() for m in bot.fake.sent[mark:])


async def test_blocked_offenders_are_reported_once_and_overdue_items_skipped(bot: Bot) -> None:
    world = await _starting_tomorrow(bot)
    first_day = world["first_day"]
    await plan_outbox(bot.db, at(first_day - timedelta(days=1), time(12, 0)))
    bot.fake.block(world["offender"]["id"])
    bot.expected_failures.add("sendMessage")
    report = await dispatch(bot.app.bot, bot.db, at(first_day - timedelta(days=1), time(19, 0)))
    assert report.unreachable == [world["offender"]["id"]]
    now = at(first_day - timedelta(days=1), time(19, 0))
    assert await plan_unreachable_notices(bot.db, report.unreachable, now) == 2
    assert await plan_unreachable_notices(bot.db, report.unreachable, now) == 0
    mark = bot.fake.mark()
    await dispatch(bot.app.bot, bot.db, now)
    told = {m.chat_id for m in bot.fake.sent[mark:] if "tidak dapat mengirim" in (m.plain or "")}
    assert told == {world["jaksa"]["id"], world["pengawas"]["id"]}
    # The bot was down all night: at 09.00 the 06.30 list is useless and is skipped.
    report = await dispatch(bot.app.bot, bot.db, at(first_day, time(9, 0)))
    assert report.sent == 0 and report.skipped >= 1
    assert "skipped" in (await _statuses(bot)).values()


async def test_429_waits_and_a_migrated_group_is_followed(bot: Bot) -> None:
    world = await _starting_tomorrow(bot)
    now = at(world["first_day"] - timedelta(days=1), time(19, 0))
    await plan_outbox(bot.db, at(world["first_day"] - timedelta(days=1), time(12, 0)))
    bot.expected_failures.add("sendMessage")
    bot.fake.fail_next(1, status=429, parameters={"retry_after": 7}, methods=["sendMessage"])
    # A bot with no limiter of its own, so that the 429 reaches the dispatcher, which
    # reschedules the row (the application's bot would wait it out in place, as for a reply).
    outbox = ExtBot(TOKEN, base_url=f"{bot.fake.url}/bot")
    await outbox.initialize()
    try:
        report = await dispatch(outbox, bot.db, now)
        assert report.retried == 1 and report.sent == 0
        evening = next(k for k in await _statuses(bot) if k.endswith(":evening"))
        await dispatch(outbox, bot.db, now + timedelta(seconds=3))  # the map pin may go
        assert (await _statuses(bot))[evening] == "pending"  # the reminder waits its 7 seconds
        await dispatch(outbox, bot.db, now + timedelta(seconds=8))
        assert (await _statuses(bot))[evening] == "sent"
    finally:
        await outbox.shutdown()

    group = bot.fake.create_group(-4001, "Kejari Samarinda")
    bot.fake.migrate_group(-4001, -1004001)
    async with bot.db.transaction() as tx:
        await tx.outbox.add(
            dedupe_key="test:group",
            chat_id=-4001,
            kind="digest",
            payload={"text": "Ringkasan"},
            due_at=now,
            now=now,
        )
    await dispatch(bot.app.bot, bot.db, now + timedelta(seconds=9))
    await dispatch(bot.app.bot, bot.db, now + timedelta(seconds=10))
    assert [m.plain for m in bot.fake.sent_to(-1004001)] == ["Ringkasan"]
    assert (await _statuses(bot))["test:group"] == "sent"
    del group


async def test_a_moved_session_is_announced_to_the_offender(bot: Bot) -> None:
    world = await _starting_tomorrow(bot)
    [case] = await bot.db.reader().cases.for_agencies(None)
    sessions = await bot.db.reader().cases.sessions_of(case.id)
    jaksa = world["jaksa"]
    [choose] = await bot.send(jaksa, f"/ubah_jadwal {case.code}")
    await bot.press(jaksa, choose, f"ubj:v1:s:{sessions[0].id}")
    from tests.e2e.conftest import _data

    await bot.press(jaksa, choose, _data(choose, "Batalkan"))
    # The notice is queued with the cancellation and goes out right after its commit.
    mark = bot.fake.mark()
    await bot.send(jaksa, "Lokasi ditutup untuk perbaikan")
    now = bot.clock()
    # The planner may add reminders for the sessions left (how many depends on the date);
    # it must not announce the cancellation again.
    await plan_outbox(bot.db, now)
    await dispatch(bot.app.bot, bot.db, now)
    [notice] = [
        m
        for m in bot.fake.sent[mark:]
        if m.chat_id == world["offender"]["id"] and "dibatalkan" in (m.plain or "")
    ]
    assert "Lokasi ditutup untuk perbaikan" in (notice.plain or "")
    assert await plan_outbox(bot.db, now) == 0  # announced once


async def test_the_supervisor_is_told_who_has_not_come_and_can_mark_them_absent(bot: Bot) -> None:
    from scheduler.planning import plan_followups_now

    world = await _starting_tomorrow(bot)
    first_day = world["first_day"]
    assert await plan_followups_now(bot.db, at(first_day, time(8, 20))) == 0
    now = at(first_day, time(8, 31))
    assert await plan_followups_now(bot.db, now) == 1
    assert await plan_followups_now(bot.db, now + timedelta(minutes=5)) == 0
    mark = bot.fake.mark()
    await dispatch(bot.app.bot, bot.db, now)
    [followup] = [m for m in bot.fake.sent[mark:] if m.chat_id == world["pengawas"]["id"]]
    assert "belum tercatat hadir" in (followup.plain or "")
    [ask] = await bot.press(world["pengawas"], followup, followup.callback_data()[0])
    assert "Alasan Budi Santoso tidak hadir" in (ask.plain or "")


async def test_reminders_follow_a_moved_session(bot: Bot) -> None:
    """Moved after its reminders were planned: nothing goes out for the old day, neither the
    offender's reminders nor the supervisor's list naming him; the new day is reminded."""
    from tests.e2e.conftest import _data

    world = await _starting_tomorrow(bot)
    first_day = world["first_day"]
    [case] = await bot.db.reader().cases.for_agencies(None)
    sessions = await bot.db.reader().cases.sessions_of(case.id)
    first = sessions[0]
    noon = at(first_day - timedelta(days=1), time(12, 0))
    assert await plan_outbox(bot.db, noon) >= 3
    # The jaksa moves the first session to the first free day after the last one.
    new_day = next(working_days(sessions[-1].day + timedelta(days=1), weekdays=range(7)))
    bot.clock.now = noon + timedelta(hours=1)
    jaksa = world["jaksa"]
    [choose] = await bot.send(jaksa, f"/ubah_jadwal {case.code}")
    await bot.press(jaksa, choose, f"ubj:v1:s:{first.id}")
    await bot.press(jaksa, choose, _data(choose, "Pindahkan"))
    await bot.send(jaksa, "Lokasi dipakai acara kelurahan")
    # The move's notice is queued with it and goes out right after its commit.
    mark = bot.fake.mark()
    [moved] = await bot.send(jaksa, new_day.strftime("%d-%m-%Y"))
    assert "dipindahkan" in (moved.plain or "")

    offender, pengawas = world["offender"]["id"], world["pengawas"]["id"]
    evening_before = at(first_day - timedelta(days=1), time(19, 0))
    await plan_outbox(bot.db, evening_before)
    await dispatch(bot.app.bot, bot.db, evening_before)
    for moment in (time(6, 0), time(6, 30)):  # the old day's morning
        await plan_outbox(bot.db, at(first_day, moment))
        await dispatch(bot.app.bot, bot.db, at(first_day, moment))
    to_offender = [m.plain or "" for m in bot.fake.sent[mark:] if m.chat_id == offender]
    # The move is announced; no reminder speaks of the old day any more.
    assert any("dipindahkan" in text for text in to_offender), to_offender
    assert not any("🔔" in text or "Besok" in text for text in to_offender), to_offender
    to_pengawas = [m.plain or "" for m in bot.fake.sent[mark:] if m.chat_id == pengawas]
    # The site hears of the move at once; no morning list names him for the old day.
    assert [t for t in to_pengawas if "dipindahkan" in t and case.code in t], to_pengawas
    listings = [t for t in to_pengawas if "dipindahkan" not in t]
    assert not any(case.code in text for text in listings), listings
    old = {
        k: v
        for k, v in (await _statuses(bot)).items()
        if f":{first.id}@" in k or k.startswith(f"remind:supervisor:{first.site_id}:{first_day}")
    }
    assert old and all(v == "skipped" for v in old.values()), old

    # The evening before the new day, the offender is reminded of it.
    evening = at(new_day - timedelta(days=1), time(19, 0))
    assert await plan_outbox(bot.db, evening - timedelta(hours=1)) >= 1
    mark = bot.fake.mark()
    await dispatch(bot.app.bot, bot.db, evening)
    [reminder] = [
        m for m in bot.fake.sent[mark:] if m.chat_id == offender and m.method == "sendMessage"
    ]
    assert "Besok" in (reminder.plain or "")
