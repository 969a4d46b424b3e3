"""Invite -> deep link -> /start <token> -> role, for every role, and every way it can fail."""

from datetime import timedelta

import pytest

from tests.e2e.conftest import (
    BOT_USERNAME,
    Bot,
    _data,
    create_agency,
    invitation_card,
    invite,
    invite_link_token,
    sites_ready,
)

ROLES = ["admin", "jaksa", "pk", "pengawas", "pejabat", "terpidana"]
# (A pengawas also names a site: see test_a_pengawas_is_invited_to_supervise_a_site.)


async def _setup(bot: Bot) -> dict[str, object]:
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    await create_agency(bot, admin, "Bapas Samarinda", "Balai Pemasyarakatan")
    return admin


#: Where each role's invitation lands: a PK in a Bapas, a pengawas in the site's host.
HOME = {
    "admin": "Kejaksaan Negeri Samarinda",
    "jaksa": "Kejaksaan Negeri Samarinda",
    "pk": "Bapas Samarinda",
    "pengawas": "Pemerintah Kota Samarinda",
    "pejabat": "Kejaksaan Negeri Samarinda",
    "terpidana": "Kejaksaan Negeri Samarinda",
}


async def test_a_pengawas_is_invited_to_supervise_a_site(bot: Bot) -> None:
    admin = await _setup(bot)
    await sites_ready(bot, admin)
    token = await invite(bot, admin, "pengawas", agency="Kejaksaan Negeri Samarinda")
    assert "Taman Samarendah" in (invitation_card(bot.fake.sent).plain or "")
    pengawas = bot.user(7600, "Pak", "Pengawas")
    await bot.send(pengawas, f"/start {token}")
    person = await bot.db.reader().people.by_telegram_id(7600)
    assert [s.name for s in await bot.db.reader().sites.supervised_by(person.id)] == [
        "Taman Samarendah"
    ]


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_joins_through_a_deep_link(bot: Bot, role: str) -> None:
    admin = await _setup(bot)
    if role == "pengawas":
        await sites_ready(bot, admin)
    token = await invite(bot, admin, role, agency=HOME[role])
    photo = invitation_card(bot.fake.sent)  # the printable card, then its PDF
    assert f"https://t.me/{BOT_USERNAME}?start={token}" in (photo.plain or "")

    newcomer = bot.user(7000, "Rina", "Wati")
    replies = await bot.send(newcomer, f"/start {token}")
    assert len(replies) == 1
    assert "Selamat bergabung" in (replies[0].plain or "")
    assert f"di {HOME[role]}" in (replies[0].plain or "")
    menu = [name for name, _ in bot.fake.commands_for({"type": "chat", "chat_id": 7000})]
    assert menu[:2] == ["start", "bantuan"]
    assert ("undang" in menu) is (role in ("admin", "jaksa"))
    assert ("instansi_baru" in menu) is (role == "admin")

    # The token is single use: a second person is turned away.
    other = bot.user(7001, "Dodi")
    replies = await bot.send(other, f"/start {token}")
    assert "sudah dipakai" in (replies[0].plain or "")
    assert (await bot.db.reader().people.by_telegram_id(7001)) is None


async def test_the_token_is_stored_only_as_a_hash(bot: Bot) -> None:
    admin = await _setup(bot)
    token = await invite(bot, admin, "pk")
    raw = bot.db.path.read_bytes()
    wal = bot.db.path.with_name(bot.db.path.name + "-wal")
    if wal.exists():
        raw += wal.read_bytes()
    assert token.encode() not in raw


async def test_expired_malformed_and_unknown_links_get_their_own_messages(bot: Bot) -> None:
    admin = await _setup(bot)
    token = await invite(bot, admin, "pejabat", agency="Kejaksaan Negeri Samarinda")
    person = bot.user(7100, "Agus")
    bot.clock.advance(timedelta(days=7, seconds=1))
    replies = await bot.send(person, f"/start {token}")
    assert "kedaluwarsa" in (replies[0].plain or "")
    replies = await bot.send(person, "/start abc")
    assert "rusak" in (replies[0].plain or "")
    replies = await bot.send(person, "/start " + "A" * 32)
    assert "tidak dikenal" in (replies[0].plain or "")
    assert await bot.db.reader().people.by_telegram_id(7100) is None


async def test_repeated_failures_lock_the_user_out_for_a_while(bot: Bot) -> None:
    admin = await _setup(bot)
    token = await invite(bot, admin, "pk")
    guesser = bot.user(7200, "Tebak")
    for _ in range(5):
        replies = await bot.send(guesser, "/start " + "B" * 32)
        assert "tidak dikenal" in (replies[0].plain or "")
    # Even a valid token is refused while locked out...
    replies = await bot.send(guesser, f"/start {token}")
    assert "Terlalu banyak" in (replies[0].plain or "")
    assert await bot.db.reader().people.by_telegram_id(7200) is None
    # ...and accepted once the window has passed.
    bot.clock.advance(timedelta(minutes=10, seconds=1))
    replies = await bot.send(guesser, f"/start {token}")
    assert "Selamat bergabung" in (replies[0].plain or "")


async def test_redeeming_a_role_already_held_keeps_the_invitation(bot: Bot) -> None:
    admin = await _setup(bot)
    first = await invite(bot, admin, "pk")
    second = await invite(bot, admin, "pk")
    person = bot.user(7300, "Sari")
    await bot.send(person, f"/start {first}")
    replies = await bot.send(person, f"/start {second}")
    assert "sudah terdaftar" in (replies[0].plain or "")
    other = bot.user(7301, "Wawan")
    replies = await bot.send(other, f"/start {second}")
    assert "Selamat bergabung" in (replies[0].plain or "")


async def test_a_jaksa_invites_only_what_a_jaksa_may(bot: Bot) -> None:
    admin = await _setup(bot)
    await create_agency(bot, admin, "Kejaksaan Negeri Balikpapan", "Kejaksaan Negeri")
    token = await invite(bot, admin, "jaksa", agency="Kejaksaan Negeri Samarinda")
    jaksa = bot.user(7400, "Jaksa", "Satu")
    await bot.send(jaksa, f"/start {token}")

    # A jaksa has one agency, so the invitation goes there without asking.
    # A PK's invitation goes to the Bapas (the only one), never to the jaksa's Kejari.
    pk_token = await invite(bot, jaksa, "pk")
    pk = bot.user(7401, "Petugas", "PK")
    replies = await bot.send(pk, f"/start {pk_token}")
    assert "sebagai PK (pembimbing kemasyarakatan) di Bapas Samarinda" in (replies[0].plain or "")

    refused_before = await bot.db.reader().audit.count("refused")
    for role in ("jaksa", "admin"):
        replies = await bot.send(jaksa, f"/undang {role}")
        assert "tidak dapat mengundang" in (replies[0].plain or "")
    assert await bot.db.reader().audit.count("refused") == refused_before + 2

    # A pk may not invite anybody.
    replies = await bot.send(pk, "/undang terpidana")
    assert "tidak tersedia untuk peran Anda" in (replies[0].plain or "")


async def test_wrong_arguments_are_explained(bot: Bot) -> None:
    admin = await _setup(bot)
    replies = await bot.send(admin, "/undang")
    assert "Cara pakai" in (replies[0].plain or "")
    replies = await bot.send(admin, "/undang hakim")
    assert "tidak dikenal" in (replies[0].plain or "") and "pengawas" in (replies[0].plain or "")
    replies = await bot.send(admin, "/undang " + "x" * 3000)
    assert len(replies) == 1 and "tidak dikenal" in (replies[0].plain or "")


async def test_an_admin_chooses_the_agency_with_buttons(bot: Bot) -> None:
    """Only the agencies a role belongs in are offered: for a PK the Bapas, never a Kejari."""
    admin = await _setup(bot)
    await create_agency(bot, admin, "Bapas Balikpapan", "Balai Pemasyarakatan")
    [question] = await bot.send(admin, "/undang pk")
    assert question.button_texts() == ["Bapas Balikpapan", "Bapas Samarinda"]
    token = invite_link_token(
        invitation_card(await bot.press(admin, question, _data(question, "Bapas Samarinda")))
    )
    person = bot.user(7500, "Ani")
    replies = await bot.send(person, f"/start {token}")
    assert "di Bapas Samarinda" in (replies[0].plain or "")
    # Once chosen, the choice buttons are gone, so one tap makes one invitation.
    assert question.buttons() == []


async def test_a_jaksa_invitation_never_offers_a_bapas_or_a_local_government(bot: Bot) -> None:
    admin = await _setup(bot)
    await sites_ready(bot, admin)  # a Pemkot and its site
    await create_agency(bot, admin, "Kejaksaan Tinggi Kalimantan Timur", "Kejaksaan Tinggi")
    [question] = await bot.send(admin, "/undang jaksa")
    assert question.button_texts() == [
        "Kejaksaan Negeri Samarinda",
        "Kejaksaan Tinggi Kalimantan Timur",
    ]


async def test_a_forged_press_for_an_agency_that_does_not_fit_says_what_would(bot: Bot) -> None:
    admin = await _setup(bot)
    [question] = await bot.send(admin, "/undang pejabat")
    kejari = await bot.db.reader().agencies.by_name("Kejaksaan Negeri Samarinda")
    update = bot.fake.press(admin, question, f"inv:v1:pk:{kejari.id}")
    await bot.handled(update)
    text = bot.answers(update)[0].get("text", "")
    assert "hanya dapat diundang ke Balai Pemasyarakatan (Bapas)" in text, text
    assert "bukan ke Kejaksaan Negeri Samarinda" in text and "\n" not in text
    assert await bot.db.reader().audit.count("invitation.created") == 0


async def test_a_pengawas_works_for_the_sites_host_not_the_kejari(bot: Bot) -> None:
    admin = await _setup(bot)
    await sites_ready(bot, admin)
    token = await invite(bot, admin, "jaksa", agency="Kejaksaan Negeri Samarinda")
    jaksa = bot.user(7410, "Jaksa", "Dua")
    await bot.send(jaksa, f"/start {token}")
    [question] = await bot.send(jaksa, "/undang pengawas")
    assert question.button_texts() == ["Taman Samarendah — Pemerintah Kota Samarinda"]
    token = invite_link_token(
        invitation_card(await bot.press(jaksa, question, question.callback_data()[0]))
    )
    pengawas = bot.user(7411, "Pak", "Pengawas")
    [welcome] = await bot.send(pengawas, f"/start {token}")
    text = welcome.plain or ""
    assert "pengawas di Pemerintah Kota Samarinda" in text and "Taman Samarendah" in text
    person = await bot.db.reader().people.by_telegram_id(7411)
    [membership] = await bot.db.reader().people.memberships_of(person.id)
    host = await bot.db.reader().agencies.by_name("Pemerintah Kota Samarinda")
    assert membership.agency_id == host.id
    [me] = await bot.send(pengawas, "/saya")
    assert "Pemerintah Kota Samarinda" in (me.plain or "") and "Taman Samarendah" in (
        me.plain or ""
    )


async def test_no_agency_yet_is_explained(bot: Bot) -> None:
    admin = await bot.admin()
    replies = await bot.send(admin, "/undang pk")
    assert "/instansi_baru" in (replies[0].plain or "")
