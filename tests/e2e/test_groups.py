"""Agency groups: linked when an admin, jaksa or pejabat adds the bot, digests with no names."""

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from scheduler.dispatcher import dispatch
from scheduler.planning import plan_digests
from tests.e2e.conftest import BOT_USERNAME, Bot, create_agency, invite, sites_ready
from tests.e2e.test_cases import new_case

WITA = ZoneInfo("Asia/Makassar")


async def _office_with_a_case_at_risk(bot: Bot) -> dict[str, Any]:
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    await sites_ready(bot, admin)
    token = await invite(bot, admin, "jaksa", agency="Kejaksaan Negeri Samarinda")
    jaksa = bot.user(6100, "Jaksa")
    await bot.send(jaksa, f"/start {token}")
    today = bot.clock.today()
    # 40 hours at 2 a day with ten days left: it cannot finish in time.
    await new_case(
        bot,
        jaksa,
        days="Senin-Minggu",
        decision=today.strftime("%d-%m-%Y"),
        start=today.strftime("%d-%m-%Y"),
        deadline=(today + timedelta(days=10)).strftime("%d-%m-%Y"),
    )
    return {"admin": admin, "jaksa": jaksa}


async def _link(bot: Bot, chat: dict[str, Any], by: dict[str, Any]) -> None:
    mark = bot.fake.mark()
    await bot.handled(bot.fake.chat_member_update(chat, by, "left", "member"))
    [question] = [m for m in bot.fake.sent[mark:] if m.chat_id == chat["id"]]
    assert "instansi mana" in (question.plain or "")
    await bot.handled(bot.fake.press_button(by, question, "Kejaksaan Negeri Samarinda"))
    assert "ditautkan" in (question.plain or "")


async def test_a_jaksa_links_a_group_and_gets_a_digest_without_names(bot: Bot) -> None:
    people = await _office_with_a_case_at_risk(bot)
    group = bot.fake.create_group(-5001, "Kejari Samarinda — Pidum")
    await _link(bot, group, people["jaksa"])
    replies = await bot.send(people["jaksa"], f"/ringkasan@{BOT_USERNAME}", chat=group)
    # One photo: the chart, labelled by code and initials only, captioned with the digest.
    [chart] = replies
    assert chart.method == "sendPhoto" and chart.photo is not None
    assert chart.photo.startswith(b"\x89PNG")
    text = chart.plain or ""
    assert "Kasus aktif: 1" in text and "berisiko" in text and "(B.S.)" in text
    assert "Budi" not in text and "Santoso" not in text


async def test_the_weekly_digest_is_posted_once_at_its_local_time(bot: Bot) -> None:
    people = await _office_with_a_case_at_risk(bot)
    group = bot.fake.create_group(-5002, "Kejari Samarinda")
    await _link(bot, group, people["jaksa"])
    today = bot.clock.today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    eight = datetime.combine(monday, time(8, 0), WITA).astimezone(UTC)
    assert await plan_digests(bot.db, eight - timedelta(minutes=5)) == 0
    assert await plan_digests(bot.db, eight + timedelta(minutes=1)) == 1
    assert await plan_digests(bot.db, eight + timedelta(minutes=6)) == 0
    await dispatch(bot.app.bot, bot.db, eight + timedelta(minutes=1))
    # One photo, the chart, with the digest as its caption: it fits, so nothing follows.
    [digest] = [m for m in bot.fake.sent_to(-5002) if m.method == "sendPhoto"]
    assert bot.fake.sent_to(-5002)[-1] is digest
    assert digest.photo is not None and digest.photo.startswith(b"\x89PNG")
    assert "Ringkasan mingguan" in (digest.plain or "") and "Budi" not in (digest.plain or "")
    # Too late after downtime: not planned at all.
    assert await plan_digests(bot.db, eight + timedelta(days=7, hours=2)) == 0


async def test_strangers_cannot_add_the_bot_and_removal_unlinks(bot: Bot) -> None:
    people = await _office_with_a_case_at_risk(bot)
    stranger = bot.user(6900, "Orang", "Lain")
    group = bot.fake.create_group(-5003, "Grup Acak")
    mark = bot.fake.mark()
    await bot.handled(bot.fake.chat_member_update(group, stranger, "left", "member"))
    sent = [m for m in bot.fake.sent[mark:] if m.chat_id == -5003]
    assert "hanya dapat ditambahkan" in (sent[0].plain or "")
    assert bot.fake.calls_of("leaveChat")
    linked = bot.fake.create_group(-5004, "Kejari")
    await _link(bot, linked, people["admin"])
    await bot.handled(bot.fake.chat_member_update(linked, people["admin"], "member", "left"))
    group_row = await bot.db.reader().groups.get(-5004)
    assert group_row is not None and not group_row.active
    assert await bot.db.reader().groups.linked() == []


async def test_the_jaksa_hears_on_monday_about_cases_at_risk(bot: Bot) -> None:
    from scheduler.planning import plan_weekly_alerts

    people = await _office_with_a_case_at_risk(bot)
    today = bot.clock.today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    seven = datetime.combine(monday, time(7, 0), WITA).astimezone(UTC)
    assert await plan_weekly_alerts(bot.db, seven - timedelta(hours=1), "Asia/Makassar") == 0
    assert await plan_weekly_alerts(bot.db, seven + timedelta(minutes=2), "Asia/Makassar") == 1
    assert await plan_weekly_alerts(bot.db, seven + timedelta(minutes=7), "Asia/Makassar") == 0
    await dispatch(bot.app.bot, bot.db, seven + timedelta(minutes=2))
    [alert] = bot.fake.sent_to(people["jaksa"]["id"])[-1:]
    assert "berisiko" in (alert.plain or "") and "Budi Santoso" in (alert.plain or "")


async def test_a_group_chooses_when_and_in_which_language_its_digest_comes(bot: Bot) -> None:
    people = await _office_with_a_case_at_risk(bot)
    group = bot.fake.create_group(-5005, "Kejari")
    await _link(bot, group, people["jaksa"])
    command = f"/atur_ringkasan@{BOT_USERNAME}"
    replies = await bot.send(people["jaksa"], f"{command} rabu 09.30 en", chat=group)
    assert "Rabu" in (replies[0].plain or "") and "09.30" in (replies[0].plain or "")
    settings = await bot.db.reader().groups.get(-5005)
    assert settings is not None
    assert (settings.digest_weekday, settings.digest_time.hour, settings.language) == (2, 9, "en")
    replies = await bot.send(people["jaksa"], f"{command} kapan-kapan", chat=group)
    assert "Cara pakai" in (replies[0].plain or "")
    outsider = bot.user(6950, "Bukan", "Jaksa")
    replies = await bot.send(outsider, f"{command} senin 08.00 id", chat=group)
    assert "belum terdaftar" in (replies[0].plain or "")


async def test_a_digest_too_long_for_a_caption_follows_its_photo(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A caption limit of 200 characters stands in for a long list of cases at risk.
    monkeypatch.setattr("services.digest_post.CAPTION_LIMIT", 200)
    people = await _office_with_a_case_at_risk(bot)
    group = bot.fake.create_group(-5006, "Kejari Samarinda")
    await _link(bot, group, people["jaksa"])
    replies = await bot.send(people["jaksa"], f"/ringkasan@{BOT_USERNAME}", chat=group)
    photo, text = replies
    assert photo.method == "sendPhoto" and len(photo.plain or "") <= 200
    assert "Kasus aktif: 1" in (text.plain or "") and "(B.S.)" in (text.plain or "")
    # The scheduled digest: the same photo and text, in that order, planned once.
    today = bot.clock.today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    eight = datetime.combine(monday, time(8, 0), WITA).astimezone(UTC)
    assert await plan_digests(bot.db, eight + timedelta(minutes=1)) == 1
    assert await plan_digests(bot.db, eight + timedelta(minutes=2)) == 0
    mark = bot.fake.mark()
    await dispatch(bot.app.bot, bot.db, eight + timedelta(minutes=2))
    sent = [m for m in bot.fake.sent[mark:] if m.chat_id == -5006]
    assert [m.method for m in sent] == ["sendPhoto", "sendMessage"]
    assert sent[0].photo is not None and len(sent[0].plain or "") <= 200
    assert "Ringkasan mingguan" in (sent[1].plain or "") and "Budi" not in (sent[1].plain or "")
