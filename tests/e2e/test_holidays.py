"""/libur daerah through the chat: a regional day off chosen with buttons, and the sessions
already planned on it moved with one more button."""

from datetime import timedelta

from tests.e2e.conftest import Bot
from tests.e2e.test_attendance import _site_day


async def test_an_admin_declares_a_regional_day_off_and_moves_its_sessions(bot: Bot) -> None:
    day = await _site_day(bot)
    admin, case = day["admin"], day["case"]
    tomorrow = bot.clock.today() + timedelta(days=1)
    [ask] = await bot.send(admin, f"/libur daerah {tomorrow:%d-%m-%Y} Hari Jadi Kota")
    assert "untuk wilayah instansi mana" in (ask.plain or ""), ask.plain
    assert ask.button_texts() == ["Pemerintah Kota Samarinda"]
    [saved] = await bot.press(admin, ask, ask.callback_data()[0])
    assert "hari libur daerah (Hari Jadi Kota)" in (saved.plain or ""), saved.plain
    assert saved.button_texts() == ["Pindahkan 1 sesi", "Biarkan"]
    [listed] = await bot.send(admin, "/libur")
    assert "Hari Jadi Kota — Pemerintah Kota Samarinda" in (listed.plain or ""), listed.plain
    move = saved.callback_data()[0]
    [moved] = await bot.press(admin, saved, move)
    assert saved.buttons() == []  # answered: the buttons are gone
    assert "1 sesi dipindahkan" in (moved.plain or "") and case.code in (moved.plain or "")
    days = {s.day for s in await bot.db.reader().cases.sessions_of(case.id)}
    assert tomorrow not in days
