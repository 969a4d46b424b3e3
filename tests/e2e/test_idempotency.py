"""Telegram re-delivers updates after a crash; nothing may happen twice."""

import asyncio

from tests.e2e.conftest import Bot, create_agency, invite


async def test_a_redelivered_update_is_not_handled_again(bot: Bot) -> None:
    admin = await bot.admin()
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    mark = bot.fake.mark()
    update = bot.fake.send_text(admin, "/undang pejabat")  # a pejabat fits any agency
    await bot.handled(update)
    assert len(bot.fake.sent_to(admin["id"])[-1:]) == 1
    sent = len(bot.fake.sent)
    await bot.redelivered(update)
    assert len(bot.fake.sent) == sent  # no second reply
    async with bot.db.reader().conn.execute("SELECT COUNT(*) FROM invitations") as cur:
        assert (await cur.fetchone())[0] == 1
    # One invitation card: one photo and one PDF.
    assert len([m for m in bot.fake.sent[mark:] if m.method == "sendPhoto"]) == 1
    assert len([m for m in bot.fake.sent[mark:] if m.method == "sendDocument"]) == 1


async def test_a_redelivered_redemption_does_not_consume_anything_twice(bot: Bot) -> None:
    admin = await bot.admin()
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    token = await invite(bot, admin, "pejabat")
    person = bot.user(6100, "Yanto")
    update = bot.fake.send_text(person, f"/start {token}")
    await bot.handled(update)
    replies_before = len(bot.fake.sent_to(6100))
    await bot.redelivered(update)
    assert len(bot.fake.sent_to(6100)) == replies_before
    assert await bot.db.reader().audit.count("invitation.refused") == 0


async def test_editing_a_command_does_not_run_it_again(bot: Bot) -> None:
    admin = await bot.admin()
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    update = bot.fake.send_text(admin, "/undang pejabat")  # a pejabat fits any agency
    await bot.handled(update)
    sent = len(bot.fake.sent)
    edit = bot.fake.edit_text(admin, update, "/undang jaksa")
    await bot.handled(edit)
    assert len(bot.fake.sent) == sent
    async with bot.db.reader().conn.execute("SELECT COUNT(*) FROM invitations") as cur:
        assert (await cur.fetchone())[0] == 1


async def test_fetched_messages_are_written_down_only_until_handled(bot: Bot) -> None:
    """The inbox that carries updates over a crash keeps no message text once handled."""
    admin = await bot.admin()
    for _ in range(3):
        await bot.send(admin, "/saya")
    for _ in range(40):  # the next long poll, at most a second away, forgets them
        async with bot.db.reader().conn.execute("SELECT body FROM inbox") as cur:
            left = [row[0] for row in await cur.fetchall()]
        if not left:
            break
        await asyncio.sleep(0.1)
    assert left == []
