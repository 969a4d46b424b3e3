"""Many people at once: nobody waits for someone else's download, and nobody's messages swap."""

from tests.e2e.conftest import Bot
from tests.e2e.test_attendance import _site_day


async def test_one_persons_messages_are_handled_in_the_order_sent(bot: Bot) -> None:
    day = await _site_day(bot)
    pengawas, case = day["pengawas"], day["case"]
    # A supervisor in a hurry: the photo goes before the bot has asked for it.
    bot.fake.send_text(pengawas, f"/hadir {case.code}")
    photo = bot.fake.send_photo(pengawas)
    await bot.handled(photo)
    replies = [m.plain or "" for m in bot.fake.sent_to(pengawas["id"])]
    assert "Kirim foto" in replies[-2] and "hadir pukul" in replies[-1]


async def test_a_slow_photo_download_does_not_hold_up_someone_else(bot: Bot) -> None:
    day = await _site_day(bot)
    pengawas, case = day["pengawas"], day["case"]
    bot.fake.set_delay(1.5, methods=["getFile"])
    photo = bot.fake.send_photo(pengawas, caption=f"/hadir {case.code}")
    [help_reply] = await bot.send(day["jaksa"], "/bantuan")
    assert help_reply.plain
    assert photo["update_id"] not in bot.finished  # still downloading the evidence
    await bot.handled(photo)
    assert "hadir pukul" in (bot.fake.sent_to(pengawas["id"])[-1].plain or "")
    assert len(list((bot.data_dir / "evidence").iterdir())) == 1
