"""Spreadsheet import through the bot: all or nothing, errors by sheet, row and column."""

import io
from datetime import date
from typing import Any

import openpyxl

from tests.e2e.conftest import Bot, create_agency, invite
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
                case(nomor_putusan="4/X", jaksa_telegram_id=999999),
            ],
        }
    )
    reply = await _upload(bot, people["jaksa"], data, "salah.xlsx")
    assert "Tidak ada yang diimpor" in reply
    assert "Lokasi, baris 3, kolom instansi_tuan_rumah" in reply
    assert "Kasus, baris 3, kolom total_jam" in reply and "8–240" in reply
    assert "Kasus, baris 4, kolom lokasi" in reply
    assert "Kasus, baris 5, kolom jaksa_telegram_id" in reply
    assert await _counts(bot) == (0, 0, 0)


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
    [photo] = await bot.send(people["jaksa"], f"/undang terpidana {case.code}")
    assert case.code in (photo.plain or "") and "Siti Rahma" in (photo.plain or "")
    token = (photo.plain or "").split("start=")[1].split()[0]
    offender = bot.user(3500, "Siti")
    await bot.send(offender, f"/start {token}")
    [view] = await bot.send(offender, "/jadwal")
    assert case.code in (view.plain or "") and "Siti Rahma" in (view.plain or "")
    # An unknown code, or another office's case, gives nothing away.
    replies = await bot.send(people["jaksa"], "/undang terpidana KS-1999-0001")
    assert "tidak ditemukan" in (replies[0].plain or "")
