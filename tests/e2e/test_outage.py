"""Telegram unreachable for minutes (502, then requests that time out): the bot stays up, logs
a line a minute per kind of failure instead of one per request, and catches up afterwards
without losing or doubling anything it had to send.

Time is the application's clock, moved by the test: four minutes of outage take seconds.
"""

import logging
from collections import Counter
from datetime import timedelta

import pytest
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from handlers.context import SERVICES_KEY, Services
from scheduler import dispatcher
from scheduler.dispatcher import DispatchReport, dispatch
from tests.e2e.conftest import TOKEN, Bot

MESSAGES = 20
FIRST_CHAT = 900_000
TICK = timedelta(seconds=10)


async def _fill_outbox(bot: Bot) -> None:
    async with bot.db.transaction() as store:
        for i in range(MESSAGES):
            bot.fake.create_user(FIRST_CHAT + i, f"Peserta {i}")
            await store.outbox.add(
                dedupe_key=f"test:outage:{i}",
                chat_id=FIRST_CHAT + i,
                kind="test",
                payload={"text": f"Pengingat {i}"},
                due_at=bot.clock.now,
                now=bot.clock.now,
            )


async def _statuses(bot: Bot) -> Counter[str]:
    async with bot.db.reader().conn.execute("SELECT status FROM outbox") as cur:
        return Counter(str(r[0]) for r in await cur.fetchall())


async def test_an_outage_is_a_few_log_lines_and_the_outbox_catches_up(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    services = bot.app.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    await _fill_outbox(bot)
    # A bot that gives up after 0.3 s, so the time-out phase costs little real time.
    impatient = ExtBot(
        TOKEN,
        base_url=bot.fake.bot_base_url,
        request=HTTPXRequest(connection_pool_size=8, read_timeout=0.3),
    )
    await impatient.initialize()
    admin = await bot.admin()

    async def tick(sender: ExtBot[None], step: timedelta = TICK) -> DispatchReport:
        bot.clock.advance(step)
        return await dispatch(sender, bot.db, bot.clock.now, failures=services.failures)

    caplog.set_level(logging.INFO)
    bot.fake.set_outage(True)
    asked = bot.fake.send_text(admin, "/bantuan")  # waits at Telegram during the outage
    for _ in range(12):  # two minutes of 502
        assert (await tick(bot.app.bot)).sent == 0
    bot.fake.set_outage(True, kind="timeout")
    for _ in range(12):  # two minutes of requests that never answer
        assert (await tick(impatient)).sent == 0
    refused = bot.fake.outage_refused
    bot.fake.set_outage(False)
    await impatient.shutdown()

    for _ in range(30):  # catching up: rows wait out their back-off, then go
        await tick(bot.app.bot, timedelta(seconds=30))
        if (await _statuses(bot))["pending"] == 0:
            break
    await bot.handled(asked, timeout=20)  # polling resumed on its own

    assert bot.app.updater is not None and bot.app.updater.running
    assert await _statuses(bot) == {"sent": MESSAGES}
    per_chat = Counter(m.chat_id for m in bot.fake.sent if m.chat_id >= FIRST_CHAT)
    assert per_chat == {FIRST_CHAT + i: 1 for i in range(MESSAGES)}
    assert bot.fake.sent_to(admin["id"]), "the command sent during the outage was answered"

    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    outbox_lines = [r for r in warnings if r.name == "scheduler.dispatcher"]
    assert refused >= 40, "the outage did not hit enough requests to test anything"
    # Four minutes of outage: at most one line a minute (plus the first) per kind.
    assert 2 <= len(outbox_lines) <= 5, [r.getMessage() for r in outbox_lines]
    assert "more since the last line" in outbox_lines[-1].getMessage()
    assert len(warnings) <= 10, [f"{r.name}: {r.getMessage()}" for r in warnings]
    assert not any(r.exc_info for r in warnings), "no tracebacks for an outage"
    assert any("answers again" in r.getMessage() for r in caplog.records)


async def test_a_full_batch_asks_for_the_next_at_once(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dispatch job drains the outbox batch after batch (scheduler.jobs) only while each
    batch was full: a 5-row batch over 20 due rows, then what is left."""
    monkeypatch.setattr(dispatcher, "BATCH", 5)
    await _fill_outbox(bot)
    reports = []
    for _ in range(5):
        reports.append(await dispatch(bot.app.bot, bot.db, bot.clock.now))
    assert [r.sent for r in reports] == [5, 5, 5, 5, 0]
    assert [r.more_due for r in reports] == [True, True, True, True, False]
    assert (await _statuses(bot))["sent"] == MESSAGES
