"""Random input from every kind of user: nothing crashes, nobody gets in.

A seeded stream of commands (valid and mangled), random texts with emoji, RTL and
zero-width characters, photos, stickers, locations, documents, forged and stale button
presses and group commands, from an admin, a jaksa, a pengawas and a stranger. The bot must
answer all of it without an unhandled error, and the stranger must leave no trace but
audit rows. (The hypothesis-driven version with every update type comes with issue #6.)"""

import logging
import random
import string

import pytest

from tests.e2e.conftest import Bot, create_agency, invite, sites_ready
from tests.e2e.test_cases import new_case

COMMANDS = [
    "/start",
    "/bantuan",
    "/saya",
    "/undang",
    "/undang pk",
    "/instansi_baru",
    "/orang",
    "/cabut",
    "/cabut 1",
    "/lokasi_baru",
    "/lokasi",
    "/kasus_baru",
    "/jadwal",
    "/jadwal KS-2026-0001",
    "/ubah_jadwal",
    "/ubah_jadwal KS-2026-0001",
    "/libur",
    "/libur tambah x",
    "/templat",
    "/hadir",
    "/hadir KS-2026-0001",
    "/pulang",
    "/pulang KS-2026-0001",
    "/tidakhadir",
    "/izin",
    "/progres",
    "/koreksi",
    "/koreksi KS-2026-0001",
    "/batal",
    "/help",
    "/xyz",
]


def rnd_text(r: random.Random) -> str:
    alphabet = string.printable + "ا‏‎​😀👍🏽" + "<>&"
    return "".join(r.choice(alphabet) for _ in range(r.randint(0, 300)))


async def test_random_input_from_everyone_is_answered_without_errors(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    await sites_ready(bot, admin)
    token = await invite(bot, admin, "jaksa", agency="Kejaksaan Negeri Samarinda")
    jaksa = bot.user(4100, "Jaksa")
    await bot.send(jaksa, f"/start {token}")
    await new_case(bot, jaksa)
    token = await invite(bot, jaksa, "pengawas")
    pengawas = bot.user(4300, "Pengawas")
    await bot.send(pengawas, f"/start {token}")
    stranger = bot.user(9999, "X")
    users = [admin, jaksa, pengawas, stranger]
    group = bot.fake.create_group(-1001, "G")
    r = random.Random(1)
    msgs = [m for m in bot.fake.sent if m.buttons()]
    for _ in range(300):
        u = r.choice(users)
        kind = r.random()
        if kind < 0.35:
            upd = bot.fake.send_text(
                u, r.choice(COMMANDS) + (" " + rnd_text(r)[:30] if r.random() < 0.3 else "")
            )
        elif kind < 0.55:
            upd = bot.fake.send_text(u, rnd_text(r) or "x")
        elif kind < 0.65:
            upd = bot.fake.send_photo(
                u, caption=r.choice([None, "/hadir KS-2026-0001", rnd_text(r)[:50]])
            )
        elif kind < 0.70:
            upd = bot.fake.send_sticker(u)
        elif kind < 0.75:
            upd = bot.fake.send_location(u, r.uniform(-5, 5), r.uniform(100, 130))
        elif kind < 0.8:
            upd = bot.fake.send_document(u, b"%PDF-1", "x.pdf", "application/pdf")
        elif kind < 0.9 and msgs:
            m = r.choice(msgs)
            data = (
                r.choice(
                    [
                        *m.callback_data(),
                        "",
                        "x" * 64,
                        "rev:v1:y:1",
                        "kas:v1:3:9",
                        "hdr:v1:20990101:1",
                    ]
                )
                or "z"
            )
            upd = bot.fake.press(u, m, data)
        else:
            upd = bot.fake.send_text(u, "/bantuan@kerjasosial_test_bot", chat=group)
        await bot.handled(upd, timeout=10)
        msgs = [m for m in bot.fake.sent if m.buttons()][-50:]
    errors = [rec.getMessage() for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert errors == []
    assert await bot.db.reader().people.by_telegram_id(stranger["id"]) is None
    async with bot.db.reader().conn.execute(
        "SELECT COUNT(*) FROM audit_log WHERE actor_telegram_id = ? AND action != 'refused'"
        " AND action != 'start.unregistered' AND action != 'invitation.refused'",
        (stranger["id"],),
    ) as cur:
        assert (await cur.fetchone())[0] == 0
