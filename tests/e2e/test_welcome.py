"""Welcome by role (issue #15): an offender who redeems their link reads their sentence and
their first session, with the place's pin, not the command list."""

from datetime import time as dtime
from datetime import timedelta

from tests.clock import is_day_off, working_days
from tests.e2e.conftest import (
    Bot,
    invitation_card,
    invite_link_token,
    office_with_jaksa,
)
from tests.e2e.test_cases import new_case


async def test_an_offender_is_welcomed_with_their_case_and_first_session(bot: Bot) -> None:
    today = next(d for d in working_days(bot.clock.today(), weekdays=range(7)))
    bot.clock.set_local(today, dtime(12, 0))
    _, jaksa = await office_with_jaksa(bot, 4100)
    tomorrow = today + timedelta(days=1)
    while is_day_off(tomorrow):
        tomorrow += timedelta(days=1)
    replies = await new_case(
        bot,
        jaksa,
        days="Senin-Minggu",
        decision=today.strftime("%d-%m-%Y"),
        start=tomorrow.strftime("%d-%m-%Y"),
    )
    offender = bot.user(4200, "Budi", "Santoso")
    mark = bot.fake.mark()
    await bot.send(offender, f"/start {invite_link_token(invitation_card(replies))}")
    said = [m for m in bot.fake.sent[mark:] if m.chat_id == offender["id"]]
    text = "\n".join(m.plain or "" for m in said)
    [case] = await bot.db.reader().cases.for_agencies(None)
    first = (await bot.db.reader().cases.sessions_of(case.id))[0]
    assert case.code in text
    assert str(first.day.day) in text and "Taman Samarendah" in text
    assert "/izin" in text  # how to ask for leave
    assert any(m.location for m in said)  # the site's pin
    assert "/cabut" not in text  # not the command list
