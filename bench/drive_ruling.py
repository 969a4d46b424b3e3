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
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.db import Database
from tests.e2e.launch import clock_from
from tests.fakebot.server import FakeBotApi
from tests.seeds import JAKSA_TELEGRAM_ID, seed_site_with_cases

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:DRIVE-token"
PENGAWAS = 7777
PAUSE = 1.2


def morning() -> datetime:
    """08.10 WITA today (00.10 UTC), ten minutes into the day's sessions."""
    today = datetime.now(UTC).date()
    return datetime(today.year, today.month, today.day, 0, 10, tzinfo=UTC)


async def main() -> None:
    start = morning()
    clock: Callable[[], datetime] = clock_from(start)
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        db = await Database.open(data_dir / "kerjasosial.sqlite3")
        [code] = await seed_site_with_cases(
            db, start - timedelta(hours=2), cases=1, pengawas_telegram_id=PENGAWAS
        )
        await db.close()
        fake = FakeBotApi(token=TOKEN, bot_username="kerjasosial_bot", bot_id=123456, clock=clock)
        await fake.start()
        pengawas = fake.create_user(PENGAWAS, "Pak", "Pengawas")
        jaksa = fake.create_user(JAKSA_TELEGRAM_ID, "Bu", "Jaksa")
        env = {
            **os.environ,
            "KERJASOSIAL_BOT_TOKEN": TOKEN,
            "KERJASOSIAL_API_URL": fake.url,
            "KERJASOSIAL_DATA_DIR": str(data_dir),
            "PYTHONPATH": str(ROOT),
        }
        log = (data_dir / "bot.log").open("w")
        command = [sys.executable, "-m", "tests.e2e.launch", start.isoformat(), "run"]
        process = subprocess.Popen(command, env=env, cwd=data_dir, stdout=log, stderr=log)
        try:
            await fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=60)
            await walk(fake, pengawas, jaksa, code)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.to_thread(process.wait, 30)
            refused = [c for c in fake.calls if c.status not in (0, 200) and not c.client_gone]
            print(f"\nanswers the fake refused: {len(refused)}")
            for call in refused:
                print(f"  {call.method} {call.status} {call.error}")
            await fake.stop()
            log.close()
            errors = [
                line
                for line in (data_dir / "bot.log").read_text().splitlines()
                if "ERROR" in line or "Traceback" in line
            ]
            print(f"errors in the bot's log: {len(errors)}", *errors[:10], sep="\n  ")


async def step(
    fake: FakeBotApi, user: Any, what: str, act: Callable[[], object], *, wait: int = 1
) -> list[Any]:
    """Do one thing as ``user``, wait for ``wait`` answers to them, print them, pause."""
    mark = fake.mark()
    answers = len(fake.calls_of("answerCallbackQuery"))
    began = time.perf_counter()
    act()

    def arrived() -> int:
        return sum(1 for m in fake.sent[mark:] if m.chat_id == user["id"])

    def noticed() -> bool:
        return any(c.params.get("text") for c in fake.calls_of("answerCallbackQuery")[answers:])

    await fake.wait_for(lambda: arrived() >= wait or noticed(), timeout=30)
    took = (time.perf_counter() - began) * 1000
    await asyncio.sleep(0.3)
    print(f"\n>>> {user['first_name']}: {what}  ({took:.0f} ms)")
    new = [m for m in fake.sent[mark:] if m.chat_id == user["id"]]
    for message in new:
        if message.document is not None:
            print(f"  (a document: {message.document_name}, {len(message.document)} bytes)")
        print("  " + (message.plain or "").replace("\n", "\n  "))
        if message.button_texts():
            print("  [" + "] [".join(message.button_texts()) + "]")
    for call in fake.calls_of("answerCallbackQuery")[answers:]:
        if call.params.get("text"):
            print(f"  (a notice on the button: {call.params['text']})")
    await asyncio.sleep(PAUSE)
    return new


def button(message: Any, starts: str) -> str:
    return next(b["callback_data"] for b in message.buttons() if b["text"].startswith(starts))


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
