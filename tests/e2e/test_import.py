"""Spreadsheet import through the bot: all or nothing, errors by sheet, row and column."""

import asyncio
import io
import json
import sqlite3
from datetime import date
from typing import Any

import openpyxl
import pytest

from services import importing
from tests.e2e.conftest import Bot, create_agency, invitation_card, invite
from tests.sheets import case, csv_bytes, site, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _office(bot: Bot) -> dict[str, Any]:
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    await create_agency(bot, admin, "Dinas Lingkungan Hidup Kota Samarinda", "Dinas")
    token = await invite(bot, admin, "jaksa", agency="Kejaksaan Negeri Samarinda")
    jaksa = bot.user(3300, "Jaksa", "Impor")
    await bot.send(jaksa, f"/start {token}")
    return {"admin": admin, "jaksa": jaksa}


async def _upload(bot: Bot, user: dict[str, Any], data: bytes, name: str, mime: str = XLSX) -> str:
    mark = bot.fake.mark()
    update = bot.fake.send_document(user, data, name, mime)
    await bot.handled(update, timeout=30)
    return "\n".join(m.plain or "" for m in bot.fake.sent[mark:] if m.chat_id == user["id"])


async def _counts(bot: Bot) -> tuple[int, int, int]:
    counts = []
    for table in ("sites", "cases", "sessions"):
        async with bot.db.reader().conn.execute(f"SELECT COUNT(*) FROM {table}") as cur:
            counts.append((await cur.fetchone())[0])
    return counts[0], counts[1], counts[2]


def _good_file() -> bytes:
    return xlsx(
        {
            "Lokasi": [site(), site(nama_lokasi="Masjid Islamic Center", kapasitas=5)],
            "Kasus": [
                case(),
                case(nomor_putusan="13/Pid.B/2026/PN Smr", nama_terpidana="Siti Rahma"),
                case(
                    nomor_putusan="14/Pid.B/2026/PN Smr",
                    lokasi="Masjid Islamic Center",
                    hari="Sabtu",
                    total_jam=120,
                    jam_per_hari=1,
                ),
            ],
        }
    )


async def test_the_template_opens_in_a_spreadsheet_program(bot: Bot) -> None:
    people = await _office(bot)
    [sent] = await bot.send(people["jaksa"], "/templat")
    assert sent.method == "sendDocument" and sent.document is not None
    workbook = openpyxl.load_workbook(io.BytesIO(sent.document))
    assert workbook.sheetnames == ["Lokasi", "Kasus", "Petunjuk"]
    # Sent back as it is, the template imports nothing and complains about nothing.
    reply = await _upload(bot, people["jaksa"], sent.document, "templat-kerjasosial.xlsx")
    assert "Impor selesai" in reply and "0 baru" in reply


async def test_a_good_file_is_imported_once(bot: Bot) -> None:
    people = await _office(bot)
    reply = await _upload(bot, people["jaksa"], _good_file(), "kasus.xlsx")
    assert "Lokasi: 2 baru" in reply and "Kasus: 3 baru" in reply
    assert "kurang" in reply  # 120 hours of Saturdays cannot fit in six months
    sites, cases, sessions = await _counts(bot)
    assert (sites, cases) == (2, 3) and sessions > 0
    first = await bot.db.reader().cases.by_decision_number("12/Pid.B/2026/PN Smr")
    assert first is not None
    assert first.start_date == date(2026, 2, 9)
    assert first.jaksa_person_id == (await bot.db.reader().people.by_telegram_id(3300)).id
    # The same file again adds nothing.
    reply = await _upload(bot, people["jaksa"], _good_file(), "kasus.xlsx")
    assert "Lokasi: 0 baru, 2 sudah ada" in reply and "Kasus: 0 baru, 3 sudah ada" in reply
    assert await _counts(bot) == (sites, cases, sessions)


async def test_errors_in_several_rows_import_nothing(bot: Bot) -> None:
    people = await _office(bot)
    data = xlsx(
        {
            "Lokasi": [site(), site(nama_lokasi="Pasar", instansi_tuan_rumah="Dinas Tidak Ada")],
            "Kasus": [
                case(),
                case(nomor_putusan="2/X", total_jam=300),
                case(nomor_putusan="3/X", lokasi="Lapangan Entah"),
                case(nomor_putusan="4/X", nama_jaksa="Jaksa Entah"),
            ],
        }
    )
    reply = await _upload(bot, people["jaksa"], data, "salah.xlsx")
    assert "Tidak ada yang diimpor" in reply
    assert "Lokasi, baris 3, kolom instansi_tuan_rumah" in reply
    assert "Kasus, baris 3, kolom total_jam" in reply and "8–240" in reply
    assert "Kasus, baris 4, kolom lokasi" in reply
    assert "Kasus, baris 5, kolom nama_jaksa" in reply and "“Jaksa Entah”" in reply
    assert await _counts(bot) == (0, 0, 0)


async def test_people_are_named_and_a_name_two_people_share_says_where_they_are(
    bot: Bot,
) -> None:
    people = await _office(bot)
    admin, jaksa = people["admin"], people["jaksa"]
    for n, bapas in enumerate(("Bapas Kelas II Samarinda", "Bapas Kelas I Balikpapan")):
        await create_agency(bot, admin, bapas, "Bapas")
        token = await invite(bot, admin, "pk", agency=bapas)
        await bot.send(bot.user(3400 + n, "Rina", "Wati"), f"/start {token}")
    token = await invite(bot, admin, "pk", agency="Bapas Kelas II Samarinda")
    await bot.send(bot.user(3410, "Dewi", "Lestari"), f"/start {token}")
    ambiguous = xlsx(
        {
            "Lokasi": [site()],
            "Kasus": [
                case(nama_jaksa="  jaksa   IMPOR ", nama_pk="dewi lestari"),
                case(nomor_putusan="2/X", nama_pk="Rina Wati"),
            ],
        }
    )
    reply = await _upload(bot, jaksa, ambiguous, "kasus.xlsx")
    assert "Tidak ada yang diimpor" in reply and "Kasus, baris 3, kolom nama_pk" in reply
    assert "Bapas Kelas II Samarinda" in reply and "Bapas Kelas I Balikpapan" in reply
    assert await _counts(bot) == (0, 0, 0)
    # The Bapas in brackets tells the two apart.
    fixed = xlsx(
        {
            "Lokasi": [site()],
            "Kasus": [
                case(nama_jaksa="  jaksa   IMPOR ", nama_pk="dewi lestari"),
                case(nomor_putusan="2/X", nama_pk="Rina Wati (bapas kelas I balikpapan)"),
            ],
        }
    )
    reply = await _upload(bot, jaksa, fixed, "kasus.xlsx")
    assert "Kasus: 2 baru" in reply, reply
    store = bot.db.reader()
    first = await store.cases.by_decision_number("12/Pid.B/2026/PN Smr")
    second = await store.cases.by_decision_number("2/X")
    assert first is not None and second is not None
    jaksa_person = await store.people.by_telegram_id(3300)
    dewi = await store.people.by_telegram_id(3410)
    rina_balikpapan = await store.people.by_telegram_id(3401)
    assert jaksa_person and dewi and rina_balikpapan
    assert (first.jaksa_person_id, first.pk_person_id) == (jaksa_person.id, dewi.id)
    assert second.pk_person_id == rina_balikpapan.id


async def test_wrong_columns_and_other_files_are_refused_politely(bot: Bot) -> None:
    people = await _office(bot)
    jaksa = people["jaksa"]
    reply = await _upload(bot, jaksa, xlsx({"Kasus": [{"nama": "Andi", "jam": 40}]}), "x.xlsx")
    assert "Tidak ada yang diimpor" in reply and "nama_terpidana" in reply
    reply = await _upload(bot, jaksa, b"%PDF-1.4 not a sheet", "putusan.pdf", "application/pdf")
    assert "Tidak ada yang diimpor" in reply
    huge = b"x" * (2 * 1024 * 1024 + 1)
    reply = await _upload(bot, jaksa, huge, "besar.csv", "text/csv")
    assert "2 MB" in reply
    reply = await _upload(
        bot, jaksa, csv_bytes([site()], delimiter=";", bom=True), "lokasi.csv", "text/csv"
    )
    assert "Lokasi: 1 baru" in reply
    assert (await _counts(bot))[1] == 0


async def test_only_admins_and_jaksa_import(bot: Bot) -> None:
    people = await _office(bot)
    await create_agency(bot, people["admin"], "Bapas Samarinda", "Balai Pemasyarakatan")
    token = await invite(bot, people["jaksa"], "pk")
    pk = bot.user(3400, "PK")
    await bot.send(pk, f"/start {token}")
    reply = await _upload(bot, pk, _good_file(), "kasus.xlsx")
    assert "tidak tersedia untuk peran Anda" in reply
    assert "tidak tersedia" in ((await bot.send(pk, "/templat"))[0].plain or "")
    assert await _counts(bot) == (0, 0, 0)


async def test_the_offender_of_an_imported_case_is_invited_by_case_code(bot: Bot) -> None:
    people = await _office(bot)
    await _upload(bot, people["jaksa"], _good_file(), "kasus.xlsx")
    case = await bot.db.reader().cases.by_decision_number("13/Pid.B/2026/PN Smr")
    assert case is not None
    [photo, _pdf] = await bot.send(people["jaksa"], f"/undang terpidana {case.code}")
    assert photo is invitation_card([photo, _pdf])
    assert case.code in (photo.plain or "") and "Siti Rahma" in (photo.plain or "")
    token = (photo.plain or "").split("start=")[1].split()[0]
    offender = bot.user(3500, "Siti")
    await bot.send(offender, f"/start {token}")
    [view] = await bot.send(offender, "/jadwal")
    assert case.code in (view.plain or "") and "Siti Rahma" in (view.plain or "")
    # An unknown code, or another office's case, gives nothing away.
    replies = await bot.send(people["jaksa"], "/undang terpidana KS-1999-0001")
    assert "tidak ditemukan" in (replies[0].plain or "")


def _disk_full() -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = sqlite3.SQLITE_FULL
    return error


async def _import_actions(bot: Bot) -> list[tuple[str, dict[str, Any]]]:
    async with bot.db.reader().conn.execute(
        "SELECT action, detail FROM audit_log WHERE action LIKE 'import.%' ORDER BY id"
    ) as cur:
        return [(r[0], json.loads(r[1])) for r in await cur.fetchall()]


async def test_an_import_that_fails_in_a_later_chunk_leaves_nothing(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = await _office(bot)
    monkeypatch.setattr(importing, "CHUNK_CASES", 1)
    real_create = importing.create_case
    created = 0

    async def create_case(*args: Any, **kwargs: Any) -> Any:
        nonlocal created
        if created == 2:  # the third chunk; two cases and both sites are committed by now
            raise _disk_full()
        created += 1
        return await real_create(*args, **kwargs)

    monkeypatch.setattr(importing, "create_case", create_case)
    mark = bot.fake.mark()
    update = bot.fake.send_document(people["jaksa"], _good_file(), "kasus.xlsx", XLSX)
    await bot.handled(update, timeout=30)
    reply = "\n".join(m.plain or "" for m in bot.fake.sent[mark:])
    assert "Penyimpanan server penuh" in reply and "Impor selesai" not in reply
    # The chunks already written were taken back: no site, case or session is left over.
    assert await _counts(bot) == (0, 0, 0)
    assert await _import_actions(bot) == [
        ("import.undone", {"batch": 1, "cases": 2, "kept": [], "sites": 2})
    ]
    async with bot.db.reader().conn.execute("SELECT state FROM import_batches") as cur:
        assert [r[0] for r in await cur.fetchall()] == ["undone"]
    # Not recorded as handled: sent again once the disk has room, the whole file goes in.
    assert not await bot.db.reader().updates.seen(update["update_id"])
    monkeypatch.setattr(importing, "create_case", real_create)
    reply = await _upload(bot, people["jaksa"], _good_file(), "kasus.xlsx")
    assert "Lokasi: 2 baru" in reply and "Kasus: 3 baru" in reply
    assert (await _counts(bot))[:2] == (2, 3)
    async with bot.db.reader().conn.execute(
        "SELECT COUNT(*) FROM cases WHERE import_batch_id = 2"
    ) as cur:
        assert (await cur.fetchone())[0] == 3
    assert (await bot.db.reader().audit.verify())[1] == []


async def test_a_check_in_does_not_wait_for_the_whole_import(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = await _office(bot)
    monkeypatch.setattr(importing, "CHUNK_CASES", 1)
    real_create = importing.create_case
    order: list[str] = []
    arrivals: list[asyncio.Task[None]] = []

    async def check_in() -> None:
        # What a check-in writes, in brief: one small transaction of its own.
        async with bot.db.transaction() as tx:
            await tx.audit.append(action="test.check_in", now=bot.clock.now)
            order.append("check-in")  # while it holds the writer

    async def create_case(*args: Any, **kwargs: Any) -> Any:
        if not arrivals:  # a check-in arrives while the import writes its first case
            arrivals.append(asyncio.create_task(check_in()))
        result = await real_create(*args, **kwargs)
        order.append("case")
        return result

    monkeypatch.setattr(importing, "create_case", create_case)
    reply = await _upload(bot, people["jaksa"], _good_file(), "kasus.xlsx")
    await asyncio.gather(*arrivals)
    assert "Kasus: 3 baru" in reply
    # The check-in had the writer as soon as the first chunk let go of it, not after the
    # last one, as it did when an import was one transaction.
    assert order == ["case", "check-in", "case", "case"]


async def test_an_imported_offender_without_telegram_goes_on_the_call_list(bot: Bot) -> None:
    """The template's last column: the number to phone; no link is made for the case."""
    people = await _office(bot)
    data = xlsx(
        {
            "Lokasi": [site()],
            "Kasus": [case(hp_tanpa_telegram="+62 812-3456-7890")],
        }
    )
    reply = await _upload(bot, people["jaksa"], data, "kasus.xlsx")
    assert "Impor selesai" in reply
    [imported] = await bot.db.reader().cases.for_agencies(None)
    assert await bot.db.reader().phones.phone_of(imported.id) == "+6281234567890"
    async with bot.db.reader().conn.execute(
        "SELECT COUNT(*) FROM invitations WHERE case_id IS NOT NULL"
    ) as cur:
        assert (await cur.fetchone())[0] == 0  # nobody to invite into a chat
