"""Someone hammering forbidden commands is answered a while, then told once, then ignored.

Every refusal still writes its audit row; what stops is the bot spending Telegram's sending
budget on them.
"""

import json
from datetime import timedelta
from typing import Any

from domain.permissions import REFUSALS_ANSWERED
from tests.e2e.conftest import Bot

STRANGER = 9100


async def _refusals(bot: Bot, user_id: int) -> list[dict[str, Any]]:
    async with bot.db.reader().conn.execute(
        "SELECT subject, detail FROM audit_log WHERE actor_telegram_id = ? AND action = 'refused'"
        " ORDER BY id",
        (user_id,),
    ) as cur:
        return [{"subject": row[0], **json.loads(row[1])} for row in await cur.fetchall()]


async def test_refused_commands_past_the_limit_get_one_notice_then_silence(bot: Bot) -> None:
    stranger = bot.user(STRANGER, "Orang", "Asing")
    limit = REFUSALS_ANSWERED.limit
    for _ in range(limit):
        [reply] = await bot.send(stranger, "/orang")
        assert "belum terdaftar" in (reply.plain or "")
    [notice] = await bot.send(stranger, "/kasus_baru")
    assert "Terlalu banyak" in (notice.plain or "")
    assert "WITA" in (notice.plain or "")  # it says until when
    for command in ("/orang", "/cabut 1", "/hadir"):
        assert await bot.send(stranger, command) == []
    # A forged button press while silenced is not answered either, but still audited.
    [message] = bot.fake.sent_to(STRANGER)[-1:]
    press = bot.fake.press(stranger, message, "rev:v1:y:1")
    await bot.handled(press)
    assert bot.answers(press) == []

    rows = await _refusals(bot, STRANGER)
    assert len(rows) == limit + 1 + 3 + 1  # one audit row per refusal, silenced or not
    assert [r.get("muted", False) for r in rows] == [False] * limit + [True] * 5

    # Somebody else is not affected.
    other = bot.user(9200, "Lain")
    [reply] = await bot.send(other, "/orang")
    assert "belum terdaftar" in (reply.plain or "")

    # Once the window has slid past, the person is answered again.
    bot.clock.advance(REFUSALS_ANSWERED.window)
    [reply] = await bot.send(stranger, "/orang")
    assert "belum terdaftar" in (reply.plain or "")


async def test_the_notice_comes_as_an_alert_when_the_last_straw_is_a_button(bot: Bot) -> None:
    stranger = bot.user(STRANGER, "Orang", "Asing", language_code="en")
    for _ in range(REFUSALS_ANSWERED.limit):
        [reply] = await bot.send(stranger, "/people")
        assert "not registered" in (reply.plain or "")
    press = bot.fake.press(stranger, bot.fake.sent_to(STRANGER)[-1], "ppl:v1:p:0")
    await bot.handled(press)
    [answer] = bot.answers(press)
    assert answer["show_alert"] and "Too many" in answer["text"]
    # Slow, spaced refusals never reach the limit.
    bot.clock.advance(REFUSALS_ANSWERED.window)
    for _ in range(REFUSALS_ANSWERED.limit * 2):
        bot.clock.advance(REFUSALS_ANSWERED.window / REFUSALS_ANSWERED.limit + timedelta(seconds=1))
        [reply] = await bot.send(stranger, "/people")
        assert "not registered" in (reply.plain or "")
