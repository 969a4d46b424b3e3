"""Object-level scope: someone who holds the role may still not reach another office's case.

The role matrix (``test_role_matrix.py``) asks whether a role may run a command at all;
this asks whether the record named in it is theirs. A jaksa of another Kejari is told the
case is not found (exactly as for a code that names nothing, so codes cannot be probed), and
one ``refused`` audit row records the attempt; a pengawas of another site records nothing.
"""

from typing import Any

from tests.e2e.conftest import Bot, create_agency, create_site, invite
from tests.e2e.test_attendance import _site_day

OTHER_KEJARI = "Kejaksaan Negeri Balikpapan"
OTHER_CITY = "Pemerintah Kota Balikpapan"
NOT_FOUND = "tidak ditemukan atau bukan wewenang Anda"


async def _audit_of(bot: Bot, update: dict[str, Any]) -> list[tuple[str, str | None]]:
    async with bot.db.reader().conn.execute(
        "SELECT action, subject FROM audit_log WHERE update_id = ? ORDER BY id",
        (update["update_id"],),
    ) as cur:
        return [(row[0], row[1]) for row in await cur.fetchall()]


async def _said(bot: Bot, user: dict[str, Any], text: str) -> tuple[list[Any], dict[str, Any]]:
    mark = bot.fake.mark()
    update = bot.fake.send_text(user, text)
    await bot.handled(update)
    return [m for m in bot.fake.sent[mark:] if m.chat_id == user["id"]], update


async def _world(bot: Bot) -> dict[str, Any]:
    """``_site_day``'s office, plus a second Kejari with its jaksa, and a second city's site
    with its own pengawas."""
    day = await _site_day(bot)
    admin = day["admin"]
    await create_agency(bot, admin, OTHER_KEJARI, "Kejaksaan Negeri")
    token = await invite(bot, admin, "jaksa", agency=OTHER_KEJARI)
    day["other_jaksa"] = bot.user(4500, "Jaksa", "Balikpapan")
    await bot.send(day["other_jaksa"], f"/start {token}")
    await create_agency(bot, admin, OTHER_CITY, "Pemerintah Kota")
    await create_site(bot, admin, "Pantai Kemala", OTHER_CITY)
    token = await invite(bot, admin, "pengawas", agency=OTHER_KEJARI, site="Pantai Kemala")
    day["other_pengawas"] = bot.user(4600, "Pengawas", "Pantai")
    await bot.send(day["other_pengawas"], f"/start {token}")
    return day


async def test_another_kejaris_jaksa_neither_lists_nor_opens_the_case(bot: Bot) -> None:
    day = await _world(bot)
    case, other = day["case"], day["other_jaksa"]
    subject = f"case:{case.id}"

    [listing], _ = await _said(bot, other, "/jadwal")
    assert "Belum ada kasus aktif" in (listing.plain or "") and listing.buttons() == []

    replies, update = await _said(bot, other, f"/jadwal {case.code}")
    assert [m.plain for m in replies] == [
        f"Kasus {case.code} tidak ditemukan atau bukan wewenang Anda."
    ]
    assert await _audit_of(bot, update) == [("refused", subject)]

    # A code that names nothing reads the same, and leaves no refusal behind.
    replies, update = await _said(bot, other, "/jadwal KS-2099-9999")
    assert NOT_FOUND in (replies[0].plain or "") and await _audit_of(bot, update) == []

    replies, update = await _said(bot, other, f"/laporan {case.code}")
    assert [m.method for m in replies] == ["sendMessage"] and NOT_FOUND in (replies[0].plain or "")
    assert await _audit_of(bot, update) == [("refused", subject)]

    # A forged schedule button naming the case.
    press = bot.fake.press(other, listing, f"jdw:v1:c:{case.id}")
    await bot.handled(press)
    assert any("tidak tersedia" in a.get("text", "") for a in bot.answers(press))
    assert await _audit_of(bot, press) == [("refused", subject)]

    # The case's own jaksa opens it, and that read is recorded.
    replies, update = await _said(bot, day["jaksa"], f"/jadwal {case.code}")
    assert case.code in (replies[0].plain or "") and NOT_FOUND not in (replies[0].plain or "")
    assert await _audit_of(bot, update) == [("case.viewed", subject)]
    replies, update = await _said(bot, day["jaksa"], f"/laporan {case.code}")
    assert replies[0].method == "sendDocument"
    assert await _audit_of(bot, update) == [("report.case", subject)]


async def test_another_sites_pengawas_cannot_check_the_offender_in(bot: Bot) -> None:
    day = await _world(bot)
    case, other = day["case"], day["other_pengawas"]
    replies, _ = await _said(bot, other, f"/hadir {case.code}")
    assert "tidak ditemukan di lokasi yang Anda awasi" in (replies[0].plain or "")
    # Nor does a photo sent next, or one captioned with the code, record anything.
    await bot.handled(bot.fake.send_photo(other))
    await bot.handled(bot.fake.send_photo(other, caption=f"/hadir {case.code}"))
    async with bot.db.reader().conn.execute("SELECT COUNT(*) FROM attendance_events") as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] == 0
    assert await bot.db.reader().audit.count("attendance.check_in") == 0
    # Their own schedule shows their site's week, without the case.
    [week], _ = await _said(bot, other, "/jadwal")
    assert "Pantai Kemala" in (week.plain or "") and case.code not in (week.plain or "")
