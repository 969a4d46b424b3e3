"""The session card: ten offenders checked in with one group photo and out with another, in a
few taps, the card rewritten in place; the group photo is evidence once, for everyone."""

from datetime import time, timedelta
from typing import Any

from scheduler.dispatcher import dispatch
from scheduler.planning import plan_outbox
from tests.clock import is_day_off, working_days
from tests.e2e.conftest import Bot
from tests.e2e.test_attendance import _choose_one
from tests.e2e.test_reminders import _starting_tomorrow, at
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, seed_site, seed_site_with_cases

PENGAWAS = 4300
OFFENDERS = 10


async def _session_of_ten(bot: Bot) -> tuple[dict[str, Any], list[str]]:
    """Ten offenders expected at 08.00 today at one site; the clock at 08.10 there."""
    day = next(d for d in working_days(bot.clock.today(), weekdays=range(7)) if not is_day_off(d))
    bot.clock.set_local(day, time(7, 0))
    codes = await seed_site_with_cases(
        bot.db, bot.clock(), cases=OFFENDERS, pengawas_telegram_id=PENGAWAS
    )
    bot.clock.set_local(day, time(8, 10))
    return bot.user(PENGAWAS, "Pak", "Pengawas"), codes


async def _group_photo(bot: Bot, user: dict[str, Any], *, ago: timedelta) -> list[Any]:
    mark = bot.fake.mark()
    taken = int((bot.clock.now - ago).timestamp()) // 60 * 60
    await bot.handled(bot.fake.send_photo(user, date=taken))
    return [m for m in bot.fake.sent[mark:] if m.chat_id == user["id"]]


async def _evidence(bot: Bot) -> list[dict[str, Any]]:
    async with bot.db.reader().conn.execute(
        "SELECT id, shared_with, file_unique_id FROM evidence ORDER BY id"
    ) as cur:
        return [dict(r) for r in await cur.fetchall()]


def _button(card: Any, starts: str) -> str:
    return next(b["callback_data"] for b in card.buttons() if b["text"].startswith(starts))


async def test_ten_offenders_in_and_out_with_one_group_photo_each(bot: Bot) -> None:
    pengawas, codes = await _session_of_ten(bot)
    [card] = await bot.send(pengawas, "/hadir")
    assert all(code in (card.plain or "") for code in codes)
    assert (card.plain or "").count("belum datang") == OFFENDERS
    # Tap 1: everyone. The card loses its buttons and asks for one photo.
    [ask] = await bot.press(pengawas, card, _button(card, "✅ Semua hadir"))
    assert "satu foto 10 peserta" in (ask.plain or "")
    assert card.callback_data() == []
    # The one-tap location button sits under the text box while the photo is asked.
    keyboard = ask.reply_markup or {}
    assert keyboard["keyboard"][0][0]["request_location"] is True
    # The photo: everyone checked in at its time, the card rewritten, the button taken away.
    replies = await _group_photo(bot, pengawas, ago=timedelta(minutes=5))
    [summary] = [m for m in replies if m is not card]
    assert "10 peserta tercatat hadir pukul 08.05" in (summary.plain or "")
    assert (summary.reply_markup or {}).get("remove_keyboard") is True
    assert "terlambat" not in (card.plain or "")  # 08.05: within the grace
    assert (card.plain or "").count("hadir 08.05") == OFFENDERS
    store = bot.db.reader()
    open_ids = []
    for code in codes:
        case = await store.cases.by_code(code)
        assert case is not None
        attendance_id = await store.attendance.open_for_case(case.id)
        assert attendance_id is not None
        open_ids.append(attendance_id)
    # One photo kept once, shared by the other nine records.
    evidence = await _evidence(bot)
    assert len(evidence) == OFFENDERS
    assert evidence[0]["shared_with"] is None
    assert {e["shared_with"] for e in evidence[1:]} == {evidence[0]["id"]}
    assert await store.audit.count("attendance.check_in") == OFFENDERS

    # Two hours later, all leave with one more photo: two taps and a photo.
    bot.clock.advance(timedelta(hours=2))
    [card_out] = await bot.send(pengawas, "/pulang")
    assert (card_out.plain or "").count("hadir 08.05") == OFFENDERS
    [ask_out] = await bot.press(pengawas, card_out, _button(card_out, "✅ Semua pulang"))
    assert "satu foto 10 peserta" in (ask_out.plain or "")
    replies = await _group_photo(bot, pengawas, ago=timedelta(minutes=0))
    [done] = [m for m in replies if m is not card_out]
    # 08.05 to 10.10, the decision allows two hours a day: two credited each, on the card.
    assert "10 peserta pulang pukul 10.10" in (done.plain or "")
    assert (card_out.plain or "").count("pulang 10.10 WITA · 2 jam") == OFFENDERS
    for code in codes:
        case = await store.cases.by_code(code)
        assert case is not None and await store.attendance.open_for_case(case.id) is None
    assert len(await _evidence(bot)) == 2 * OFFENDERS


async def test_a_card_choice_a_stale_card_and_a_photo_used_again(bot: Bot) -> None:
    pengawas, codes = await _session_of_ten(bot)
    [card] = await bot.send(pengawas, "/hadir")
    first, second = card.callback_data()[:2]
    # Two names tapped, the first tapped again: one chosen.
    for data in (first, second, first):
        assert await bot.press(pengawas, card, data) == []
    assert [t for t in card.button_texts() if t.startswith("☑")] == [card.button_texts()[1]]
    [ask] = await bot.press(pengawas, card, _button(card, "📷 Lanjut (1"))
    assert "Kirim foto" in (ask.plain or "")
    taken = int((bot.clock.now - timedelta(minutes=1)).timestamp()) // 60 * 60
    update = bot.fake.send_photo(pengawas, date=taken)
    await bot.handled(update)
    assert (card.plain or "").count("belum datang") == OFFENDERS - 1
    # 08.09 for a session from 08.00: past the five minutes' grace, the card says how late.
    assert "hadir 08.09 WITA · terlambat 9 menit" in (card.plain or "")

    # The same photo again for all the others: refused, asked for a new one, nothing written.
    [again] = await bot.send(pengawas, "/hadir")
    await bot.press(pengawas, again, _button(again, "✅ Semua hadir"))
    mark = bot.fake.mark()
    await bot.handled(bot.fake.inject({"message": {**update["message"], "message_id": 9999}}))
    [refused] = [m for m in bot.fake.sent[mark:] if m.chat_id == pengawas["id"]]
    assert "sudah pernah dipakai" in (refused.plain or "")
    assert await bot.db.reader().audit.count("attendance.check_in") == 1
    # A new photo still goes through: the flow waited at its photo step.
    await _group_photo(bot, pengawas, ago=timedelta(minutes=0))
    assert await bot.db.reader().audit.count("attendance.check_in") == OFFENDERS

    # Yesterday's card is stale: its buttons carry its day.
    bot.clock.advance(timedelta(days=1))
    mark = bot.fake.mark()
    update = bot.fake.press(pengawas, card, first)
    await bot.handled(update)
    assert "tidak berlaku" in bot.answers(update)[0].get("text", "")
    assert [m for m in bot.fake.sent[mark:] if m.chat_id == pengawas["id"]] == []
    del codes


async def test_the_morning_list_opens_the_card_on_its_day_only(bot: Bot) -> None:
    world = await _starting_tomorrow(bot)
    pengawas, first_day = world["pengawas"], world["first_day"]
    await plan_outbox(bot.db, at(first_day - timedelta(days=1), time(12, 0)))
    mark = bot.fake.mark()
    await dispatch(bot.app.bot, bot.db, at(first_day, time(6, 30)))
    [listing] = [m for m in bot.fake.sent[mark:] if m.chat_id == pengawas["id"]]
    [open_card] = listing.callback_data()
    bot.clock.set_local(first_day, time(7, 50))
    [card] = await bot.press(pengawas, listing, open_card)
    assert "Budi Santoso" in (card.plain or "") and "belum datang" in (card.plain or "")
    assert card.button_texts()[0].startswith("☐ Budi Santoso")
    # The next morning, that list opens nothing: its day is over.
    bot.clock.set_local(first_day + timedelta(days=1), time(7, 50))
    mark = bot.fake.mark()
    update = bot.fake.press(pengawas, listing, open_card)
    await bot.handled(update)
    assert "tidak berlaku" in bot.answers(update)[0].get("text", "")
    assert [m for m in bot.fake.sent[mark:] if m.chat_id == pengawas["id"]] == []


async def test_a_photo_with_no_command_asks_whose_it_is(bot: Bot) -> None:
    pengawas, codes = await _session_of_ten(bot)
    taken = int((bot.clock.now - timedelta(minutes=2)).timestamp()) // 60 * 60
    mark = bot.fake.mark()
    await bot.handled(bot.fake.send_photo(pengawas, date=taken))
    [ask] = [m for m in bot.fake.sent[mark:] if m.chat_id == pengawas["id"]]
    assert "untuk siapa" in (ask.plain or "")
    assert len(ask.button_texts()) == OFFENDERS and ask.button_texts()[0] == "Hadir: Peserta 0"
    [done] = await bot.press(pengawas, ask, ask.callback_data()[3])
    assert "Peserta 3" in (done.plain or "") and "hadir pukul 08.08" in (done.plain or "")
    assert "→ Hadir: Peserta 3" in (ask.plain or "")  # the choice written under the question
    case = await bot.db.reader().cases.by_code(codes[3])
    assert case is not None and await bot.db.reader().attendance.open_for_case(case.id)
    # Later, a bare photo offers Peserta 3's check-out beside the others' check-ins.
    bot.clock.advance(timedelta(hours=2))
    mark = bot.fake.mark()
    await bot.handled(bot.fake.send_photo(pengawas))
    [ask] = [m for m in bot.fake.sent[mark:] if m.chat_id == pengawas["id"]]
    assert ask.button_texts()[-1] == "Pulang: Peserta 3"
    [done] = await bot.press(pengawas, ask, ask.callback_data()[-1])
    assert "Jam dikreditkan: 2 jam" in (done.plain or "")
    assert await bot.db.reader().attendance.open_for_case(case.id) is None


async def test_a_photo_from_someone_who_records_nothing_is_not_understood(bot: Bot) -> None:
    await _session_of_ten(bot)
    stranger = bot.user(4999, "Orang", "Lain")
    mark = bot.fake.mark()
    await bot.handled(bot.fake.send_photo(stranger))
    [reply] = [m for m in bot.fake.sent[mark:] if m.chat_id == stranger["id"]]
    assert "untuk siapa" not in (reply.plain or "")
    assert await bot.db.reader().audit.count("refused") == 0


async def test_with_two_sites_today_the_first_tap_chooses_the_site(bot: Bot) -> None:
    pengawas, _ = await _session_of_ten(bot)
    jaksa = await actor_of(bot.db, JAKSA_TELEGRAM_ID)
    [other] = await seed_site(
        bot.db,
        bot.clock() - timedelta(hours=2),
        jaksa,
        name="Pasar Pagi",
        cases=1,
        pengawas_telegram_id=PENGAWAS,
        first_offender=OFFENDERS,
    )
    [ask_site] = await bot.send(pengawas, "/hadir")
    assert sorted(ask_site.button_texts()) == ["Pasar Pagi", "Taman Uji"]
    [card] = await bot.press(pengawas, ask_site, _button(ask_site, "Pasar Pagi"))
    # Only that site's session: its one offender, with no "all" button for one person.
    assert "Pasar Pagi" in (card.plain or "") and "Taman Uji" not in (card.plain or "")
    assert card.button_texts() == [f"☐ Peserta {OFFENDERS} · {other}", "❌ Ada yang tidak hadir…"]
    [ask] = await _choose_one(bot, pengawas, card)
    assert "Kirim foto Peserta 10" in (ask.plain or "")
    # Naming the case skips both questions.
    [ask] = await bot.send(pengawas, f"/hadir {other}")
    assert "Kirim foto Peserta 10" in (ask.plain or "")


async def test_the_day_is_rated_in_one_tap_and_a_poor_rating_reaches_the_jaksa(bot: Bot) -> None:
    pengawas, codes = await _session_of_ten(bot)
    await bot.send(bot.user(JAKSA_TELEGRAM_ID, "Jaksa", "Konsol"), "/start")  # a chat to tell
    [card] = await bot.send(pengawas, "/hadir")
    await bot.press(pengawas, card, _button(card, "✅ Semua hadir"))
    await _group_photo(bot, pengawas, ago=timedelta(minutes=5))
    bot.clock.advance(timedelta(hours=2))
    [out] = await bot.send(pengawas, "/pulang")
    await bot.press(pengawas, out, _button(out, "✅ Semua pulang"))
    [done] = [m for m in await _group_photo(bot, pengawas, ago=timedelta(0)) if m is not out]
    [rate] = done.callback_data()
    [ratings] = await bot.press(pengawas, done, rate)
    assert ratings.button_texts()[0] == "👍 Peserta 0: baik"
    assert ratings.button_texts()[-1] == "💾 Simpan (10)"
    # Peserta 3 worked poorly: two taps (baik → cukup → kurang), then save.
    for _ in range(2):
        assert await bot.press(pengawas, ratings, ratings.callback_data()[3]) == []
    assert ratings.button_texts()[3] == "👎 Peserta 3: kurang"
    [ask_note] = await bot.press(pengawas, ratings, ratings.callback_data()[-1])
    assert "Catatan singkat" in (ask_note.plain or "")
    assert ask_note.button_texts() == ["Tanpa catatan"]
    assert await bot.db.reader().audit.count("attendance.rated") == 0  # kept with the note
    mark = bot.fake.mark()
    [saved] = await bot.send(pengawas, "Peserta 3 duduk saja sejak 09.00")
    assert "10 peserta disimpan" in (saved.plain or "") and "1 dinilai kurang" in (
        saved.plain or ""
    )
    async with bot.db.reader().conn.execute(
        "SELECT rating, COUNT(*) FROM attendance_ratings GROUP BY rating ORDER BY rating"
    ) as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [("baik", 9), ("kurang", 1)]
    assert await bot.db.reader().audit.count("attendance.rated") == 10
    # The jaksa hears of the poor one, through the outbox.
    await dispatch(bot.app.bot, bot.db, bot.clock())
    told = [m.plain or "" for m in bot.fake.sent[mark:] if m.chat_id == JAKSA_TELEGRAM_ID]
    assert len(told) == 1 and codes[3] in told[0] and "kurang" in told[0]
    assert "duduk saja sejak 09.00" in told[0]
    # Rated once: the button again finds nobody left to rate, and writes nothing.
    [again] = await bot.press(pengawas, done, rate)
    assert "belum dinilai" in (again.plain or "")
    assert await bot.db.reader().audit.count("attendance.rated") == 10


async def test_sent_home_early_credits_the_hours_worked_and_keeps_why(bot: Bot) -> None:
    pengawas, codes = await _session_of_ten(bot)
    await bot.send(bot.user(JAKSA_TELEGRAM_ID, "Jaksa", "Konsol"), "/start")  # a chat to tell
    [card] = await bot.send(pengawas, "/hadir")
    await bot.press(pengawas, card, _button(card, "✅ Semua hadir"))
    await _group_photo(bot, pengawas, ago=timedelta(minutes=10))  # 08.00
    # Rain at 09.00: everyone goes home after an hour.
    bot.clock.advance(timedelta(minutes=50))
    [out] = await bot.send(pengawas, "/pulang")
    [ask] = await bot.press(pengawas, out, _button(out, "✅ Semua pulang"))
    assert await bot.press(pengawas, ask, _button(ask, "🏠")) == []  # asked on the same card
    assert "Mengapa" in (ask.plain or "")
    [why] = await bot.press(pengawas, ask, _button(ask, "Cuaca"))
    assert "alasannya" in (why.plain or "")
    assert "paling sedikit" in ((await bot.send(pengawas, "ya"))[0].plain or "")
    mark = bot.fake.mark()
    [done] = await bot.send(pengawas, "hujan deras sejak 09.00")
    assert (done.plain or "").startswith("🏠 10 peserta dipulangkan pukul 09.00")
    assert (out.plain or "").count("pulang 09.00 WITA · 1 jam") == OFFENDERS
    async with bot.db.reader().conn.execute("SELECT cause, reason FROM sent_home") as cur:
        rows = [tuple(r) for r in await cur.fetchall()]
    assert rows == [("cuaca", "hujan deras sejak 09.00")] * OFFENDERS
    # Weather is the site's matter: the jaksa is not told of it.
    await dispatch(bot.app.bot, bot.db, bot.clock())
    assert [m for m in bot.fake.sent[mark:] if m.chat_id == JAKSA_TELEGRAM_ID] == []
    del codes


async def test_sent_home_for_behaviour_is_told_to_the_jaksa(bot: Bot) -> None:
    pengawas, codes = await _session_of_ten(bot)
    await bot.send(bot.user(JAKSA_TELEGRAM_ID, "Jaksa", "Konsol"), "/start")
    await _group_photo(bot, pengawas, ago=timedelta(minutes=10))
    [ask] = [m for m in bot.fake.sent if m.chat_id == pengawas["id"]][-1:]
    await bot.press(pengawas, ask, _button(ask, "Hadir: Peserta 0"))
    bot.clock.advance(timedelta(minutes=30))
    [photo_asked] = await bot.send(pengawas, f"/pulang {codes[0]}")
    await bot.press(pengawas, photo_asked, _button(photo_asked, "🏠"))
    await bot.press(pengawas, photo_asked, _button(photo_asked, "Perilaku"))
    mark = bot.fake.mark()
    [done] = await bot.send(pengawas, "menolak bekerja dan bertengkar")
    # 08.00 to 08.40: the 40 minutes worked are credited.
    assert "dipulangkan" in (done.plain or "") and "Jam dikreditkan: 40 menit" in (done.plain or "")
    await dispatch(bot.app.bot, bot.db, bot.clock())
    [told] = [m.plain or "" for m in bot.fake.sent[mark:] if m.chat_id == JAKSA_TELEGRAM_ID]
    assert codes[0] in told and "perilaku" in told and "bertengkar" in told
    assert await bot.db.reader().audit.count("attendance.sent_home") == 1


async def test_an_absence_is_recorded_from_the_card(bot: Bot) -> None:
    pengawas, codes = await _session_of_ten(bot)
    [card] = await bot.send(pengawas, "/hadir")
    [who] = await bot.press(pengawas, card, _button(card, "❌"))
    assert card.callback_data() == []  # the card's choosing is over
    assert len(who.button_texts()) == OFFENDERS and who.button_texts()[2] == "Peserta 2"
    # The absence report's own flow: the category, then the reason.
    [ask_category] = await bot.press(pengawas, who, who.callback_data()[2])
    await bot.press(pengawas, ask_category, _button(ask_category, "Sakit"))
    [recorded] = await bot.send(pengawas, "demam sejak semalam, kata ibunya")
    assert "Peserta 2" in (recorded.plain or "")
    case = await bot.db.reader().cases.by_code(codes[2])
    assert case is not None
    [absence] = await bot.db.reader().attendance.absences_of_case(case.id)
    assert absence["category"] == "sakit"
    # The next card shows it, and no longer offers Peserta 2.
    [card] = await bot.send(pengawas, "/hadir")
    assert "Peserta 2 (KS" in (card.plain or "") and "❌ Peserta 2" in (card.plain or "")
    assert not any(t.startswith("☐ Peserta 2 ") for t in card.button_texts())
