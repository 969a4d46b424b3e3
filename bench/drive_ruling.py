"""A walk through a *tidak sah* and what follows, at human pace, against ``kerjasosial run``.

Not a benchmark: the pengawas reports an absence, the jaksa rules it *tidak sah* (with a
reason, a wrong answer on the way), gives Teguran I, plans the lost hours again, closes the
case with the replaced sentence, and asks for the case's Berita Acara; one message or tap at
a time with ``PAUSE`` seconds between them, as people do it. The bot runs as the console
script does (``tests.e2e.launch``), against the local fake Bot API. Prints the transcript,
every answer the fake refused (429s included) and every error in the bot's log:

    .venv/bin/python bench/drive_ruling.py
"""

import asyncio
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.drive import PAUSE, button, running_bot, step, today_at_utc
from storage.db import Database
from tests.fakebot.server import FakeBotApi
from tests.seeds import JAKSA_TELEGRAM_ID, seed_site_with_cases

PENGAWAS = 7777


async def main() -> None:
    start = today_at_utc(0, 10)  # 08.10 WITA, ten minutes into the day's sessions
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        db = await Database.open(data_dir / "kerjasosial.sqlite3")
        [code] = await seed_site_with_cases(
            db, start - timedelta(hours=2), cases=1, pengawas_telegram_id=PENGAWAS
        )
        await db.close()
        async with running_bot(start, data_dir) as drive:
            pengawas = drive.fake.create_user(PENGAWAS, "Pak", "Pengawas")
            jaksa = drive.fake.create_user(JAKSA_TELEGRAM_ID, "Bu", "Jaksa")
            await walk(drive.fake, pengawas, jaksa, code)


async def walk(fake: FakeBotApi, pengawas: Any, jaksa: Any, code: str) -> None:
    [choose] = await step(
        fake, pengawas, "/tidakhadir", lambda: fake.send_text(pengawas, "/tidakhadir")
    )
    [category] = await step(
        fake,
        pengawas,
        "tap the offender",
        lambda: fake.press(pengawas, choose, choose.callback_data()[0]),
    )
    await step(
        fake,
        pengawas,
        "tap 'Tanpa keterangan'",
        lambda: fake.press(pengawas, category, button(category, "Tanpa")),
    )
    mark = fake.mark()
    await step(fake, pengawas, "'-' (no note)", lambda: fake.send_text(pengawas, "-"))
    await fake.wait_for(lambda: any(m.chat_id == jaksa["id"] for m in fake.sent[mark:]), timeout=30)
    [alert] = [m for m in fake.sent[mark:] if m.chat_id == jaksa["id"]]
    print("\n--- the jaksa's alert:\n  " + (alert.plain or "").replace("\n", "\n  "))
    print("  [" + "] [".join(alert.button_texts()) + "]")
    await asyncio.sleep(PAUSE)
    valid = button(alert, "✅")  # kept: the ruling takes the alert's buttons away
    await step(
        fake, jaksa, "tap '❌ Tidak sah'", lambda: fake.press(jaksa, alert, button(alert, "❌"))
    )
    await step(fake, jaksa, "a photo instead of the reason", lambda: fake.send_photo(jaksa))
    await step(fake, jaksa, "'x'", lambda: fake.send_text(jaksa, "x"))
    [summary] = await step(
        fake,
        jaksa,
        "the reason",
        lambda: fake.send_text(jaksa, "Tidak ada kabar, tidak bisa dihubungi"),
    )
    [ruled] = await step(
        fake, jaksa, "tap confirm", lambda: fake.press(jaksa, summary, summary.callback_data()[0])
    )
    await step(fake, jaksa, "the old alert's 'Sah'", lambda: fake.press(jaksa, alert, valid))
    await step(fake, jaksa, "tap 'Teguran I'", lambda: fake.press(jaksa, ruled, button(ruled, "⚠️")))
    [confirm] = await step(
        fake,
        jaksa,
        "the warning's text",
        lambda: fake.send_text(
            jaksa, "Saudara tidak hadir tanpa alasan sah. Hadirlah pada sesi berikutnya."
        ),
    )
    await step(
        fake,
        jaksa,
        "tap confirm",
        lambda: fake.press(jaksa, confirm, confirm.callback_data()[0]),
        wait=2,
    )
    await step(
        fake, jaksa, "tap 'Jadwalkan ulang'", lambda: fake.press(jaksa, ruled, button(ruled, "🔁"))
    )
    await step(
        fake,
        jaksa,
        "tap 'Jadwalkan ulang' again",
        lambda: fake.press(jaksa, ruled, button(ruled, "🔁")),
    )
    [kind] = await step(
        fake, jaksa, f"/tutup {code}", lambda: fake.send_text(jaksa, f"/tutup {code}")
    )
    [penalty] = await step(
        fake, jaksa, "tap 'pidana penjara'", lambda: fake.press(jaksa, kind, button(kind, "⚖️"))
    )
    await step(fake, jaksa, "'tiga bulan' (no number)", lambda: fake.send_text(jaksa, "tiga bulan"))
    await step(
        fake,
        jaksa,
        "tap 'Pakai: 1 bulan penjara'",
        lambda: fake.press(jaksa, penalty, penalty.callback_data()[0]),
    )
    [close] = await step(
        fake,
        jaksa,
        "the reason",
        lambda: fake.send_text(jaksa, "Tidak hadir tanpa alasan sah setelah teguran"),
    )
    await step(
        fake,
        jaksa,
        "tap confirm (then the Berita Acara, through the outbox)",
        lambda: fake.press(jaksa, close, close.callback_data()[0]),
        wait=2,
    )
    await step(fake, jaksa, f"/laporan {code}", lambda: fake.send_text(jaksa, f"/laporan {code}"))
    await step(
        fake, jaksa, f"/teguran {code} (closed)", lambda: fake.send_text(jaksa, f"/teguran {code}")
    )
    await step(fake, pengawas, "/jadwal", lambda: fake.send_text(pengawas, "/jadwal"))


if __name__ == "__main__":
    asyncio.run(main())
