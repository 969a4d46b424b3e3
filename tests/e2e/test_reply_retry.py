"""A reply that Telegram answers with 429 is waited out and sent again: never lost, never an
ERROR in the log (issues #11 and #17).

The fake refuses exactly the calls a test names, or counts Telegram's per-chat limit itself;
every wait is measured between the times the fake received the calls.
"""

import logging
from typing import Any

import pytest

from bot.rate_limit import REPLY_RETRY_WAIT
from tests.e2e.conftest import Bot, _data
from tests.fakebot.models import ApiCall

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

TOO_MANY = "Too Many Requests: retry after 1"


def _flood_once(bot: Bot, method: str) -> None:
    bot.fake.fail_next(
        1, 429, description=TOO_MANY, parameters={"retry_after": 1}, methods=[method]
    )


def _sends_to(bot: Bot, chat_id: int) -> list[ApiCall]:
    return [c for c in bot.fake.calls_of("sendMessage") if c.params.get("chat_id") == chat_id]


def _no_errors_and_one_line_warnings(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    flood = [r for r in caplog.records if "flood limit" in r.getMessage()]
    assert flood, "the 429 was not even noticed"
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in flood)


async def test_a_reply_refused_with_429_is_sent_once_after_the_wait(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    stranger = bot.user(5101, "Budi", "Santoso")
    _flood_once(bot, "sendMessage")
    replies = await bot.send(stranger, "/start")
    assert len(replies) == 1 and "undangan" in (replies[0].plain or "")
    refused, delivered = _sends_to(bot, stranger["id"])
    assert refused.status == 429 and delivered.ok
    assert delivered.at - refused.at >= 0.95  # retry_after was waited out
    _no_errors_and_one_line_warnings(caplog)
    for record in caplog.records:  # the warning names the method, never the person
        assert "Budi" not in record.getMessage() and "5101" not in record.getMessage()


async def test_a_callback_answer_refused_with_429_is_answered_once_after_the_wait(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    admin = await bot.admin()
    [ask_type] = await bot.send(admin, "/instansi_baru")
    _flood_once(bot, "answerCallbackQuery")
    mark = bot.fake.mark()
    press = bot.fake.press(admin, ask_type, _data(ask_type, "Pemerintah Kota"))
    await bot.handled(press)
    answers = [
        c
        for c in bot.fake.calls_of("answerCallbackQuery")
        if str(c.params.get("callback_query_id")) == str(press["callback_query"]["id"])
    ]
    refused, answered = answers
    assert refused.status == 429 and answered.ok
    assert answered.at - refused.at >= 0.95
    # The conversation went on: the next question came, once.
    [ask_name] = [m for m in bot.fake.sent[mark:] if m.chat_id == admin["id"]]
    assert ask_name.plain
    _no_errors_and_one_line_warnings(caplog)


async def test_four_commands_within_a_second_get_four_replies(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    admin = await bot.admin()
    [single] = await bot.send(admin, "/start")  # one reply each
    # Telegram's one message a second per chat, strictly: most of the burst meets a 429.
    bot.fake.set_flood_limits(global_per_second=30, per_chat_per_second=1.0)
    mark = bot.fake.mark()
    before = bot.fake.too_many_requests
    updates: list[dict[str, Any]] = [bot.fake.send_text(admin, "/start") for _ in range(4)]
    for update in updates:
        await bot.handled(update, timeout=30)
    replies = [m for m in bot.fake.sent[mark:] if m.chat_id == admin["id"]]
    assert [m.plain for m in replies] == [single.plain] * 4
    assert bot.fake.too_many_requests > before  # the burst was refused, and retried
    _no_errors_and_one_line_warnings(caplog)


async def test_a_reply_refused_again_and_again_still_goes(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    stranger = bot.user(5102, "Siti", "Aminah")
    bot.fake.fail_next(
        4, 429, description=TOO_MANY, parameters={"retry_after": 1}, methods=["sendMessage"]
    )
    await bot.handled(bot.fake.send_text(stranger, "/start"), timeout=30)
    calls = _sends_to(bot, stranger["id"])
    assert [c.status for c in calls] == [429] * 4 + [200]  # each wait taken, then sent
    [reply] = bot.fake.sent_to(stranger["id"])
    assert "undangan" in (reply.plain or "")
    _no_errors_and_one_line_warnings(caplog)
    assert not [r for r in caplog.records if r.name == "handlers.errors"]


async def test_a_reply_told_to_wait_too_long_is_one_warning_and_no_traceback(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    stranger = bot.user(5103, "Rina", "Wati")
    too_long = int(REPLY_RETRY_WAIT) + 60
    bot.fake.fail_next(
        1,
        429,
        description=f"Too Many Requests: retry after {too_long}",
        parameters={"retry_after": too_long},
        methods=["sendMessage"],
    )
    await bot.handled(bot.fake.send_text(stranger, "/start"), timeout=30)
    assert bot.fake.sent_to(stranger["id"]) == []
    # Nobody is told (an apology would meet the same limit); one line says what happened.
    assert [c.status for c in _sends_to(bot, stranger["id"])] == [429]
    _no_errors_and_one_line_warnings(caplog)
    [handler_line] = [r for r in caplog.records if r.name == "handlers.errors"]
    assert handler_line.levelno == logging.WARNING and handler_line.exc_info is None
    assert "flood limit" in handler_line.getMessage()
