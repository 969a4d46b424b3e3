"""Offenders without Telegram at human pace, against ``kerjasosial run``.

Not a benchmark: it is 19.00 WITA. One offender of the site has no Telegram (the number was
given when the case was made); the jaksa (the cases have no PK) gets the evening call list,
taps "sudah dihubungi" and sees the list change in place; the jaksa marks a second offender
with ``/tanpa_telegram`` (a wrong number on the way); the pengawas prints tomorrow's paper
daftar hadir, tries to enter it too early, then prints today's and enters it from the paper.
One message or tap at a time with ``PAUSE`` seconds between them. Prints the transcript,
every answer the fake refused and every error in the bot's log; keeps the sheets it got in
``$DRIVE_OUT`` if set:

    .venv/bin/python bench/drive_without_telegram.py
"""

import asyncio
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.drive import PAUSE, button, running_bot, step, today_at_utc
from services import calls
from services.origin import Origin
from storage.db import Database
from tests.fakebot.server import FakeBotApi
from tests.seeds import JAKSA_TELEGRAM_ID, actor_of, seed_site_with_cases

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:DRIVE-token"
PENGAWAS = 7777


async def main() -> None:
    start = today_at_utc(11, 0, 5)  # 19.00 WITA and a few seconds: the call list's hour
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        db = await Database.open(data_dir / "kerjasosial.sqlite3")
        codes = await seed_site_with_cases(
            db, start - timedelta(hours=12), cases=3, pengawas_telegram_id=PENGAWAS
        )
        jaksa_actor = await actor_of(db, JAKSA_TELEGRAM_ID)
        await calls.set_phone(
            Origin(db, jaksa_actor, start), code=codes[0], phone_text="0812 3456 7890"
        )
        await db.close()
        async with running_bot(start, data_dir) as drive:
            pengawas = drive.fake.create_user(PENGAWAS, "Pak", "Pengawas")
            jaksa = drive.fake.create_user(JAKSA_TELEGRAM_ID, "Bu", "Jaksa")
            await walk(drive.fake, pengawas, jaksa, codes)
        print(f"the number in the bot's log: {'7890' in drive.log_text}")


def _keep(message: Any, name: str) -> None:
    out = os.environ.get("DRIVE_OUT")
    if out and message.document is not None:
        Path(out, name).write_bytes(message.document)


async def walk(fake: FakeBotApi, pengawas: Any, jaksa: Any, codes: list[str]) -> None:
    await fake.wait_for(lambda: fake.sent_to(jaksa["id"]), timeout=60)
    [listing] = fake.sent_to(jaksa["id"])
    print("--- the jaksa's call list, 19.00:\n  " + (listing.plain or "").replace("\n", "\n  "))
    print("  [" + "] [".join(listing.button_texts()) + "]")
    await asyncio.sleep(PAUSE)
    await step(
        fake,
        jaksa,
        "tap '☎️ Sudah dihubungi'",
        lambda: fake.press(jaksa, listing, listing.callback_data()[0]),
    )
    print("--- the list, edited in place:\n  " + (listing.plain or "").replace("\n", "\n  "))
    print("  [" + "] [".join(listing.button_texts()) + "]")
    await step(fake, jaksa, "/tanpa_telegram", lambda: fake.send_text(jaksa, "/tanpa_telegram"))
    await step(
        fake,
        jaksa,
        f"/tanpa_telegram {codes[1]} 12345",
        lambda: fake.send_text(jaksa, f"/tanpa_telegram {codes[1]} 12345"),
    )
    await step(
        fake,
        jaksa,
        f"/tanpa_telegram {codes[1]} +62 813-1111-2222",
        lambda: fake.send_text(jaksa, f"/tanpa_telegram {codes[1]} +62 813-1111-2222"),
    )
    [tomorrow] = await step(
        fake,
        pengawas,
        "/daftar_hadir besok",
        lambda: fake.send_text(pengawas, "/daftar_hadir besok"),
    )
    _keep(tomorrow, "daftar-hadir-besok.pdf")
    await step(
        fake,
        pengawas,
        "tap '✍️ Isi dari kertas' on tomorrow's sheet",
        lambda: fake.press(pengawas, tomorrow, tomorrow.callback_data()[0]),
    )
    [today] = await step(
        fake, pengawas, "/daftar_hadir", lambda: fake.send_text(pengawas, "/daftar_hadir")
    )
    _keep(today, "daftar-hadir.pdf")
    [who] = await step(
        fake,
        pengawas,
        "tap '✍️ Isi dari kertas'",
        lambda: fake.press(pengawas, today, today.callback_data()[0]),
    )
    await step(
        fake,
        pengawas,
        "tap the first name",
        lambda: fake.press(pengawas, who, who.callback_data()[0]),
    )
    await step(fake, pengawas, "'jam 8 pagi'", lambda: fake.send_text(pengawas, "jam 8 pagi"))
    await step(
        fake, pengawas, "'08.05-10.15'", lambda: fake.send_text(pengawas, "08.05-10.15"), wait=2
    )
    who = fake.sent_to(pengawas["id"])[-1]
    await step(
        fake,
        pengawas,
        "tap the next name",
        lambda: fake.press(pengawas, who, who.callback_data()[0]),
    )
    await step(
        fake, pengawas, "'08.00 - 09.30'", lambda: fake.send_text(pengawas, "08.00 - 09.30"), wait=2
    )
    who = fake.sent_to(pengawas["id"])[-1]
    await step(
        fake, pengawas, "tap '✅ Selesai'", lambda: fake.press(pengawas, who, button(who, "✅"))
    )
    await step(fake, pengawas, "/pulang", lambda: fake.send_text(pengawas, "/pulang"))


if __name__ == "__main__":
    asyncio.run(main())
