"""First contact: unknown people, the configured admin, menus, help and unknown input."""

from storage.db import Database
from tests.e2e.conftest import ADMIN_ID, BOT_USERNAME, Bot


async def _table_counts(db: Database) -> dict[str, int]:
    counts = {}
    for table in ("agencies", "people", "memberships", "invitations", "audit_log"):
        async with db.reader().conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
            row = await cur.fetchone()
            counts[table] = row[0]
    return counts


async def test_an_unknown_person_learns_how_to_get_in_and_nothing_else(bot: Bot) -> None:
    stranger = bot.user(5001, "Budi", "Santoso")
    replies = await bot.send(stranger, "/start")
    assert len(replies) == 1
    text = replies[0].plain or ""
    assert "undangan" in text and "5001" in text
    assert await _table_counts(bot.db) == {
        "agencies": 0,
        "people": 0,
        "memberships": 0,
        "invitations": 0,
        "audit_log": 1,
    }


async def test_an_unknown_person_is_refused_every_protected_command(bot: Bot) -> None:
    stranger = bot.user(5002, "Stranger")
    for command in ("/undang pk", "/instansi_baru", "/orang", "/cabut 1", "/saya", "/invite pk"):
        replies = await bot.send(stranger, command)
        assert len(replies) == 1, command
        assert "belum terdaftar" in (replies[0].plain or ""), command
    counts = await _table_counts(bot.db)
    assert counts["people"] == 0 and counts["invitations"] == 0
    assert await bot.db.reader().audit.count("refused") == 6


async def test_the_configured_admin_is_greeted_with_their_commands(bot: Bot) -> None:
    admin = await bot.admin()
    replies = await bot.send(admin, "/start")
    assert len(replies) == 1
    text = replies[0].plain or ""
    assert "Selamat datang" in text
    # The next step comes first, right under the greeting, not a list of every command.
    assert text.splitlines()[2].startswith(
        "Langkah pertama: daftarkan instansi dengan /instansi_baru"
    )
    assert "/bantuan" in text and "/cabut" not in text and len(text.splitlines()) <= 10
    menu = bot.fake.commands_for({"type": "chat", "chat_id": ADMIN_ID})
    assert [name for name, _ in menu] == [
        "start",
        "bantuan",
        "saya",
        "jadwal",
        "kasus_baru",
        "lokasi_baru",
        "lokasi",
        "ubah_jadwal",
        "tanpa_telegram",
        "koreksi",
        "teguran",
        "tutup",
        "serahkan",
        "ringkasan",
        "atur_ringkasan",
        "laporan",
        "templat",
        "undang",
        "orang",
        "cabut",
        "instansi_baru",
        "kop",
        "nip",
        "libur",
        "status",
        "batal",
    ]
    # The answer came well within a second of the update.


async def test_everyone_sees_the_public_menu_in_their_language(bot: Bot) -> None:
    assert [name for name, _ in bot.fake.commands_for({"type": "default"})] == ["start", "bantuan"]
    assert [name for name, _ in bot.fake.commands_for({"type": "default"}, "en")] == [
        "start",
        "help",
    ]


async def test_english_speakers_are_answered_in_english(bot: Bot) -> None:
    visitor = bot.user(5003, "John", language_code="en")
    replies = await bot.send(visitor, "/start")
    assert "invitation" in (replies[0].plain or "")
    replies = await bot.send(visitor, "/help")
    assert "not registered" in (replies[0].plain or "")


async def test_unknown_commands_and_stray_messages_get_a_hint(bot: Bot) -> None:
    admin = await bot.admin()
    await bot.send(admin, "/start")
    replies = await bot.send(admin, "/terbang")
    assert "/bantuan" in (replies[0].plain or "")
    replies = await bot.send(admin, "halo bot")
    assert "/bantuan" in (replies[0].plain or "")
    mark = bot.fake.mark()
    update = bot.fake.send_sticker(admin)
    await bot.handled(update)
    assert any("/bantuan" in (m.plain or "") for m in bot.fake.sent[mark:])


async def test_in_groups_only_commands_addressed_to_the_bot_are_answered(bot: Bot) -> None:
    admin = await bot.admin()
    group = bot.fake.create_group(-100200, "Kejari Samarinda")
    replies = await bot.send(admin, "/bantuan", chat=group)
    assert replies == []
    replies = await bot.send(admin, f"/bantuan@{BOT_USERNAME}", chat=group)
    assert len(replies) == 1
    # Invitations are never created in a group, where anyone could take the link.
    replies = await bot.send(admin, f"/undang@{BOT_USERNAME} pk", chat=group)
    assert "obrolan pribadi" in (replies[0].plain or "")
    assert (await _table_counts(bot.db))["invitations"] == 0


async def test_me_shows_my_roles(bot: Bot) -> None:
    admin = await bot.admin()
    await bot.send(admin, "/start")
    replies = await bot.send(admin, "/saya")
    assert "admin sistem" in (replies[0].plain or "")
    assert str(ADMIN_ID) in (replies[0].plain or "")
