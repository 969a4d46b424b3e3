"""/instansi_baru: the conversation, its validation, and nothing saved until confirmed."""

from tests.e2e.conftest import Bot, _data, create_agency


async def _agencies(bot: Bot) -> list[tuple[str, str, int | None, str]]:
    return [
        (a.name, a.type.value, a.parent_id, a.timezone)
        for a in await bot.db.reader().agencies.all()
    ]


async def test_an_agency_is_registered_under_its_parent(bot: Bot) -> None:
    admin = await bot.admin()
    await create_agency(bot, admin, "Kejaksaan Tinggi Kalimantan Timur", "Kejaksaan Tinggi")
    await create_agency(
        bot,
        admin,
        "Kejaksaan Negeri Samarinda",
        "Kejaksaan Negeri",
        parent="Kejaksaan Tinggi Kalimantan Timur",
    )
    agencies = {name: (kind, parent, zone) for name, kind, parent, zone in await _agencies(bot)}
    kejati_id = (await bot.db.reader().agencies.by_name("Kejaksaan Tinggi Kalimantan Timur")).id
    assert agencies["Kejaksaan Negeri Samarinda"] == ("kejari", kejati_id, "Asia/Makassar")
    assert await bot.db.reader().audit.count("agency.created") == 2


async def test_bad_answers_are_explained_and_the_form_goes_on(bot: Bot) -> None:
    admin = await bot.admin()
    [ask_type] = await bot.send(admin, "/instansi_baru")
    # Typing instead of tapping a button.
    replies = await bot.send(admin, "kejari")
    assert "tombol" in (replies[0].plain or "")
    [_ask_name] = await bot.press(admin, ask_type, _data(ask_type, "Kejaksaan Negeri"))
    # A photo where a name is expected.
    mark = bot.fake.mark()
    await bot.handled(bot.fake.send_photo(admin))
    [again] = [m for m in bot.fake.sent[mark:] if m.chat_id == admin["id"]]
    assert "teks" in (again.plain or "")
    # Too short, and far too long.
    assert "3–100" in ((await bot.send(admin, "ab"))[0].plain or "")
    assert "3–100" in ((await bot.send(admin, "x" * 5000))[0].plain or "")
    # HTML in a name is shown literally, never interpreted.
    replies = await bot.send(admin, "Kejari <b>Bontang</b> & Co")
    [ask_zone] = (
        replies
        if not replies[-1].button_texts()[0].startswith("Tanpa")
        else [(await bot.press(admin, replies[-1], _data(replies[-1], "Tanpa induk")))[0]]
    )
    [summary] = await bot.press(admin, ask_zone, _data(ask_zone, "WIB — Asia/Jakarta"))
    assert "Kejari <b>Bontang</b> & Co" in (summary.plain or "")
    assert await _agencies(bot) == []  # nothing is saved before the confirm button
    await bot.press(admin, summary, _data(summary, "Simpan"))
    assert await _agencies(bot) == [("Kejari <b>Bontang</b> & Co", "kejari", None, "Asia/Jakarta")]


async def test_a_duplicate_name_is_refused(bot: Bot) -> None:
    admin = await bot.admin()
    await create_agency(bot, admin, "Bapas Samarinda", "Balai Pemasyarakatan")
    [ask_type] = await bot.send(admin, "/instansi_baru")
    await bot.press(admin, ask_type, _data(ask_type, "Balai Pemasyarakatan"))
    replies = await bot.send(admin, "bapas samarinda")
    assert "Sudah ada" in (replies[0].plain or "")


async def test_cancel_leaves_nothing_behind(bot: Bot) -> None:
    admin = await bot.admin()
    [ask_type] = await bot.send(admin, "/instansi_baru")
    await bot.press(admin, ask_type, _data(ask_type, "Kejaksaan Negeri"))
    replies = await bot.send(admin, "/batal")
    assert "Dibatalkan" in (replies[0].plain or "")
    replies = await bot.send(admin, "Kejari Paser")
    assert "/bantuan" in (replies[0].plain or "")  # the form is over: text is just text again
    assert await _agencies(bot) == []


async def test_a_finished_forms_buttons_are_stale(bot: Bot) -> None:
    admin = await bot.admin()
    [ask_type] = await bot.send(admin, "/instansi_baru")
    stale = ask_type.callback_data()[0]
    await bot.send(admin, "/batal")
    update = bot.fake.press(admin, ask_type, stale)
    await bot.handled(update)
    [answer] = bot.answers(update)
    assert "tidak berlaku" in answer.get("text", "")
    assert await _agencies(bot) == []


async def test_only_admins_may_register_agencies(bot: Bot) -> None:
    admin = await bot.admin()
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    from tests.e2e.conftest import invite

    token = await invite(bot, admin, "jaksa")
    jaksa = bot.user(8100, "Jaksa")
    await bot.send(jaksa, f"/start {token}")
    replies = await bot.send(jaksa, "/instansi_baru")
    assert "tidak tersedia untuk peran Anda" in (replies[0].plain or "")
    # Forged presses of the form's buttons are refused too.
    update = bot.fake.press(jaksa, replies[0], "agn:v1:t:kejari")
    await bot.handled(update)
    assert len(await _agencies(bot)) == 1
