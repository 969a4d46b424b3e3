"""/orang and /cabut: who sees whom, revocation with history kept, forged and stale presses."""

from typing import Any

from tests.e2e.conftest import Bot, _data, create_agency, invite, sites_ready


async def _kejari_with_people(bot: Bot) -> dict[str, dict[str, Any]]:
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    await create_agency(bot, admin, "Kejaksaan Negeri Balikpapan", "Kejaksaan Negeri")
    await create_agency(bot, admin, "Bapas Samarinda", "Balai Pemasyarakatan")
    await sites_ready(bot, admin)
    people = {"admin": admin}
    for key, user_id, name, role, agency in [
        ("jaksa", 9001, "Jaksa Samarinda", "jaksa", "Kejaksaan Negeri Samarinda"),
        ("jaksa_bpn", 9002, "Jaksa Balikpapan", "jaksa", "Kejaksaan Negeri Balikpapan"),
    ]:
        token = await invite(bot, admin, role, agency=agency)
        people[key] = bot.user(user_id, name)
        await bot.send(people[key], f"/start {token}")
    for key, user_id, name, role in [
        ("pk", 9003, "Pembimbing Satu", "pk"),
        ("pengawas", 9004, "Pengawas Taman", "pengawas"),
    ]:
        token = await invite(bot, people["jaksa"], role)
        people[key] = bot.user(user_id, name)
        await bot.send(people[key], f"/start {token}")
    return people


async def test_a_jaksa_sees_only_their_own_agency(bot: Bot) -> None:
    people = await _kejari_with_people(bot)
    [listing] = await bot.send(people["jaksa"], "/orang")
    # Grouped by agency (their own first) and role, each entry naming the role.
    assert listing.button_texts() == [
        "Jaksa Samarinda · jaksa",
        "Pembimbing Satu · PK",
        "Pengawas Taman · pengawas",
    ]
    text = listing.plain or ""
    for line in (
        "Petugas",
        "Kejaksaan Negeri Samarinda\n• jaksa: Jaksa Samarinda",
        "Bapas Samarinda\n• PK: Pembimbing Satu",
        "Pemerintah Kota Samarinda\n• pengawas: Pengawas Taman",
    ):
        assert line in text, text
    [everyone] = await bot.send(people["admin"], "/orang")
    assert "Jaksa Balikpapan · jaksa" in everyone.button_texts()
    # A forged "show person" press for someone of another Kejari reveals nothing.
    other = await bot.db.reader().people.by_telegram_id(9002)
    replies = await bot.press(people["jaksa"], listing, f"ppl:v1:s:{other.id}")
    assert "tidak ditemukan" in (replies[0].plain or "")
    assert "Balikpapan" not in (replies[0].plain or "")


async def test_revoking_takes_access_away_and_keeps_history(bot: Bot) -> None:
    people = await _kejari_with_people(bot)
    # A pengawas works for the Pemkot, which is no Kejari's: the admin takes the role back.
    jaksa, pengawas = people["admin"], people["pengawas"]
    [card] = await bot.send(jaksa, "/cabut 9004")
    assert "Pengawas Taman" in (card.plain or "")
    [question] = await bot.press(jaksa, card, card.callback_data()[0])
    assert "Cabut peran" in (question.plain or "")
    mark = bot.fake.mark()
    await bot.handled(bot.fake.press(jaksa, question, _data(question, "Ya, cabut")))
    done = [m for m in bot.fake.sent[mark:] if m.chat_id == jaksa["id"]]
    assert "dicabut" in (done[0].plain or "")
    notice = [m for m in bot.fake.sent[mark:] if m.chat_id == pengawas["id"]]
    assert "dicabut" in (notice[0].plain or "")
    # Their menu is back to the public one, and their commands are refused.
    assert bot.fake.commands_for({"type": "chat", "chat_id": 9004}) == []
    replies = await bot.send(pengawas, "/saya")
    assert "belum terdaftar" in (replies[0].plain or "")
    person = await bot.db.reader().people.by_telegram_id(9004)
    history = await bot.db.reader().people.memberships_of(person.id, active_only=False)
    assert len(history) == 1 and history[0].revoked_at is not None
    # Pressing the old confirm button again changes nothing.
    update = bot.fake.press(
        jaksa, question, question.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    )
    await bot.handled(update)
    assert "sudah dicabut" in bot.answers(update)[0].get("text", "")
    assert await bot.db.reader().audit.count("membership.revoked") == 1


async def test_forged_revoke_presses_are_refused_and_audited(bot: Bot) -> None:
    people = await _kejari_with_people(bot)
    pk, jaksa_bpn = people["pk"], people["jaksa_bpn"]
    pengawas = await bot.db.reader().people.by_telegram_id(9004)
    [membership] = await bot.db.reader().people.memberships_of(pengawas.id)
    [me] = await bot.send(pk, "/saya")
    refused = await bot.db.reader().audit.count("refused")
    # A pk has no revoke rights at all; a jaksa of another Kejari has none over this person.
    for presser in (pk, jaksa_bpn):
        update = bot.fake.press(presser, me, f"rev:v1:y:{membership.id}")
        await bot.handled(update)
        assert "tidak tersedia" in bot.answers(update)[0].get("text", "")
    assert await bot.db.reader().audit.count("refused") == refused + 2
    assert (await bot.db.reader().people.membership(membership.id)).revoked_at is None


async def test_garbage_button_data_is_stale(bot: Bot) -> None:
    people = await _kejari_with_people(bot)
    [me] = await bot.send(people["admin"], "/saya")
    for data in ("rev:v1:y:999999", "rev:v9:y:1", "ppl:v1:x:1", "zzz", "rev:v1:y:1;DROP TABLE"):
        update = bot.fake.press(people["admin"], me, data)
        await bot.handled(update)
        assert "tidak berlaku" in bot.answers(update)[0].get("text", ""), data


async def test_nobody_revokes_themselves(bot: Bot) -> None:
    people = await _kejari_with_people(bot)
    [card] = await bot.send(people["jaksa"], "/cabut 9001")
    assert card.buttons() == []


async def test_revoke_arguments_are_checked(bot: Bot) -> None:
    people = await _kejari_with_people(bot)
    assert "/orang" in ((await bot.send(people["jaksa"], "/cabut"))[0].plain or "")
    assert "bukan ID" in ((await bot.send(people["jaksa"], "/cabut budi"))[0].plain or "")
    assert "tidak ditemukan" in ((await bot.send(people["jaksa"], "/cabut 424242"))[0].plain or "")


async def test_people_lists_are_paged(bot: Bot) -> None:
    people = await _kejari_with_people(bot)
    for i in range(10):
        token = await invite(bot, people["jaksa"], "terpidana")
        await bot.send(bot.user(9100 + i, f"Peserta {i:02d}"), f"/start {token}")
    [first] = await bot.send(people["jaksa"], "/orang")
    assert "halaman 1 dari 2" in (first.plain or "")
    # Staff first, the offenders apart under their own heading, each with the role named.
    text = first.plain or ""
    assert text.index("Petugas") < text.index("Terpidana\nKejaksaan Negeri Samarinda")
    assert first.button_texts()[0] == "Jaksa Samarinda · jaksa"
    assert "Peserta 00 · terpidana" in first.button_texts()
    names = first.button_texts()
    await bot.press(people["jaksa"], first, _data(first, "Berikutnya"))
    assert "halaman 2 dari 2" in (first.plain or "")  # the same message, edited in place
    assert set(names).isdisjoint(first.button_texts()[:-1])
