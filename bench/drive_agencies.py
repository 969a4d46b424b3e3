"""A walk through issue #15's agencies as they are, at human pace, against ``kerjasosial run``.

Not a benchmark: the jaksa hands a case's PK duty and then the case itself to others
(``/serahkan``), imports a file naming the jaksa and PK by name (one name two PK share,
then the Bapas in brackets), and the admin declares a regional day off and moves the
sessions on it. One message or tap at a time, as ``bench/drive_ruling.py`` does; prints
the transcript, every answer the fake refused and every error in the bot's log:

    .venv/bin/python bench/drive_agencies.py
"""

import asyncio
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.drive import button, running_bot, step, today_at_utc
from domain.roles import AgencyType, Role
from storage.db import Database
from tests.fakebot.server import FakeBotApi
from tests.seeds import JAKSA_TELEGRAM_ID, seed_site_with_cases
from tests.sheets import case, xlsx

ROOT = Path(__file__).resolve().parent.parent
ADMIN, PENGAWAS, COLLEAGUE, PK_A, PK_B, PK_C = 1, 7777, 560, 561, 562, 563
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _people(db: Database, now: datetime) -> None:
    async with db.transaction() as store:
        pemkot = await store.agencies.add(
            type=AgencyType.PEMKOT,
            name="Pemerintah Kota Samarinda",
            parent_id=None,
            timezone="Asia/Makassar",
            created_by=None,
            now=now,
        )
        await store.conn.execute("UPDATE agencies SET parent_id = ? WHERE id = 2", (pemkot.id,))
        bapas = []
        for name in ("Bapas Kelas II Samarinda", "Bapas Kelas I Balikpapan"):
            bapas.append(
                await store.agencies.add(
                    type=AgencyType.BAPAS,
                    name=name,
                    parent_id=None,
                    timezone="Asia/Makassar",
                    created_by=None,
                    now=now,
                )
            )
        for telegram_id, full_name, agency_id, role in (
            (COLLEAGUE, "Siti Rekan", 1, Role.JAKSA),
            (PK_A, "Rina Wati", bapas[0].id, Role.PK),
            (PK_B, "Rina Wati", bapas[1].id, Role.PK),
            (PK_C, "Dewi Lestari", bapas[0].id, Role.PK),
        ):
            person = await store.people.ensure(
                telegram_user_id=telegram_id, full_name=full_name, language_code="id", now=now
            )
            await store.people.add_membership(
                person_id=person.id, agency_id=agency_id, role=role, invitation_id=None, now=now
            )


async def main() -> None:
    start = today_at_utc(0, 10)  # 08.10 WITA
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        db = await Database.open(data_dir / "kerjasosial.sqlite3")
        [code] = await seed_site_with_cases(
            db, start - timedelta(hours=2), cases=1, pengawas_telegram_id=PENGAWAS
        )
        await _people(db, start - timedelta(hours=2))
        await db.close()
        async with running_bot(start, data_dir, {"KERJASOSIAL_ADMIN_IDS": str(ADMIN)}) as drive:
            fake = drive.fake
            users = {
                "admin": fake.create_user(ADMIN, "Admin", "Kejari"),
                "jaksa": fake.create_user(JAKSA_TELEGRAM_ID, "Bu", "Jaksa"),
                "colleague": fake.create_user(COLLEAGUE, "Siti", "Rekan"),
                "pk": fake.create_user(PK_C, "Dewi", "Lestari"),
                "pengawas": fake.create_user(PENGAWAS, "Pak", "Pengawas"),
            }
            await walk(fake, users, code, start)


async def _notices(fake: FakeBotApi, user: Any, mark: int) -> None:
    await fake.wait_for(lambda: any(m.chat_id == user["id"] for m in fake.sent[mark:]), timeout=30)
    for message in [m for m in fake.sent[mark:] if m.chat_id == user["id"]]:
        print(
            f"\n--- {user['first_name']} is told:\n  " + (message.plain or "").replace("\n", "\n  ")
        )


async def walk(fake: FakeBotApi, users: dict[str, Any], code: str, start: datetime) -> None:
    admin, jaksa, colleague, pk = users["admin"], users["jaksa"], users["colleague"], users["pk"]
    [duty] = await step(
        fake, jaksa, f"/serahkan {code}", lambda: fake.send_text(jaksa, f"/serahkan {code}")
    )
    [people] = await step(
        fake, jaksa, "tap 'PK'", lambda: fake.press(jaksa, duty, button(duty, "PK"))
    )
    await step(
        fake, jaksa, "tap 'Dewi Lestari'", lambda: fake.press(jaksa, people, button(people, "Dewi"))
    )
    await step(fake, jaksa, "'x'", lambda: fake.send_text(jaksa, "x"))
    [summary] = await step(
        fake, jaksa, "the reason", lambda: fake.send_text(jaksa, "PK baru sesuai penugasan Bapas")
    )
    mark = fake.mark()
    await step(
        fake, jaksa, "tap confirm", lambda: fake.press(jaksa, summary, summary.callback_data()[0])
    )
    await _notices(fake, pk, mark)
    [people] = await step(
        fake,
        jaksa,
        f"/serahkan {code} jaksa",
        lambda: fake.send_text(jaksa, f"/serahkan {code} jaksa"),
    )
    await step(
        fake,
        jaksa,
        "tap 'Siti Rekan'",
        lambda: fake.press(jaksa, people, people.callback_data()[0]),
    )
    [summary] = await step(
        fake, jaksa, "the reason", lambda: fake.send_text(jaksa, "cuti melahirkan sampai Maret")
    )
    mark = fake.mark()
    await step(
        fake, jaksa, "tap confirm", lambda: fake.press(jaksa, summary, summary.callback_data()[0])
    )
    await _notices(fake, colleague, mark)
    await step(
        fake, pk, f"/serahkan {code} pk (a PK)", lambda: fake.send_text(pk, f"/serahkan {code} pk")
    )

    rows = [
        case(nama_jaksa="  siti   REKAN ", nama_pk="dewi lestari", lokasi="Taman Uji"),
        case(nomor_putusan="2/X", nama_pk="Rina Wati", lokasi="Taman Uji"),
        case(nomor_putusan="3/X", nama_jaksa="Jaksa Entah", lokasi="Taman Uji"),
    ]
    today = start.astimezone(ZoneInfo("Asia/Makassar")).date()
    for row in rows:
        row["tanggal_putusan"] = today.strftime("%d-%m-%Y")
        row["tanggal_mulai"] = today.strftime("%d-%m-%Y")
    bad = xlsx({"Kasus": rows})
    await step(
        fake, jaksa, "upload with names", lambda: fake.send_document(jaksa, bad, "kasus.xlsx", XLSX)
    )
    rows[1]["nama_pk"] = "Rina Wati (Bapas Kelas I Balikpapan)"
    rows[2]["nama_jaksa"] = None
    good = xlsx({"Kasus": rows})
    await step(
        fake, jaksa, "upload fixed", lambda: fake.send_document(jaksa, good, "kasus.xlsx", XLSX)
    )

    await step(fake, admin, "/start", lambda: fake.send_text(admin, "/start"))
    tomorrow = today + timedelta(days=1)
    text = f"/libur daerah {tomorrow:%d-%m-%Y} Hari Jadi Kota Samarinda"
    [ask] = await step(fake, admin, text, lambda: fake.send_text(admin, text))
    [saved] = await step(
        fake, admin, "tap the Pemkot", lambda: fake.press(admin, ask, button(ask, "Pemerintah"))
    )
    await step(fake, admin, "/libur", lambda: fake.send_text(admin, "/libur"))
    if saved.buttons():
        await step(
            fake,
            admin,
            "tap 'Pindahkan'",
            lambda: fake.press(admin, saved, button(saved, "Pindahkan")),
        )


if __name__ == "__main__":
    asyncio.run(main())
