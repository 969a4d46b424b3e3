"""Every Bot API call the bot makes names a real method and carries its required fields.

The `bot` fixture checks this after every end-to-end test; this test makes the check
visible on its own, over a session that touches every feature, and says so when it cannot run.
"""

import pytest

from tests.e2e.conftest import Bot, create_agency, invite
from tests.fakebot.spec import check_calls, load_spec


async def test_a_full_session_conforms_to_the_spec(bot: Bot) -> None:
    spec = load_spec()
    if spec is None:
        pytest.skip(
            "no Bot API spec: set KERJASOSIAL_BOT_API_SPEC"
            " or provide ../shared/telegram-bot-api/api.json"
        )
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await create_agency(bot, admin, "Kejaksaan Tinggi Kalimantan Timur", "Kejaksaan Tinggi")
    await create_agency(
        bot,
        admin,
        "Kejaksaan Negeri Samarinda",
        "Kejaksaan Negeri",
        parent="Kejaksaan Tinggi Kalimantan Timur",
    )
    await create_agency(bot, admin, "Bapas Samarinda", "Balai Pemasyarakatan")
    token = await invite(bot, admin, "jaksa", agency="Kejaksaan Negeri Samarinda")
    jaksa = bot.user(3100, "Jaksa")
    await bot.send(jaksa, f"/start {token}")
    pk_token = await invite(bot, jaksa, "pk")
    await bot.send(bot.user(3101, "PK"), f"/start {pk_token}")
    [listing] = await bot.send(jaksa, "/orang")
    await bot.press(jaksa, listing, listing.callback_data()[-1])
    await bot.send(jaksa, "/saya")
    await bot.send(jaksa, "/bantuan")
    await bot.send(jaksa, "/cabut 3101")
    methods = {call.method for call in bot.fake.calls}
    assert {
        "getMe",
        "getUpdates",
        "setMyCommands",
        "sendMessage",
        "sendPhoto",
        "answerCallbackQuery",
        "editMessageText",
    } <= methods
    assert check_calls(bot.fake.calls, spec) == []
