"""Benchmark: a check-in with its photo, from the supervisor's message to the bot's answer.

The real Application runs against the local fake Bot API on 127.0.0.1. Each check-in is a
photo captioned ``/hadir KS-…``: the bot records it, downloads the photo (getFile and the
file itself), stores it by its SHA-256 and replies. One update at a time, as a supervisor
sends them. Target: median under 300 ms on the 2-core machine.

One supervisor sends all hundred, each on the last one's answer. Telegram lets a bot answer
a private chat about once a second after a burst of three, and 30 messages a second in all,
evenly spaced here: with those kept the bench measured the limits (1,050 ms each, and 33 ms
with the chat's pace alone lifted). Both are lifted here, to measure the bot; the limits
themselves are bench/mixed_load.py's.

Run from the repository root:

    .venv/bin/python bench/checkin.py

Prints one JSON line.
"""

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.rate_limit import shared_budget
from storage.db import Database
from tests.fakebot.server import FakeBotApi
from tests.seeds import seed_site_with_cases

CHECK_INS = 100
PHOTO_BYTES = 300_000  # a phone photo as Telegram compresses it: a few hundred kB
TOKEN = "123456:BENCH-token"
PENGAWAS = 7777


def machine_clock() -> datetime:
    """The bot under test runs on the machine's clock, so the fake dates messages by it too
    (its default is the test suite's fixed clock)."""
    return datetime.now(UTC)


async def prepare(path: Path) -> list[str]:
    """An office, a site with its pengawas, and one case per check-in, straight in storage."""
    db = await Database.open(path)
    codes = await seed_site_with_cases(
        db, datetime.now(UTC), cases=CHECK_INS, pengawas_telegram_id=PENGAWAS
    )
    await db.close()
    return codes


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        codes = await prepare(data_dir / "kerjasosial.sqlite3")
        fake = FakeBotApi(token=TOKEN, bot_username="bench_bot", bot_id=123456, clock=machine_clock)
        await fake.start()
        settings = Settings(
            bot_token=TOKEN,
            api_url=fake.url,
            data_dir=data_dir,
            _env_file=None,  # type: ignore[arg-type, call-arg]
        )
        app = build_application(
            settings,
            budget=shared_budget(
                overall_per_second=None, private_chat_interval=0.005, group_per_minute=6000
            ),
        )
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        user = fake.create_user(PENGAWAS, "Pengawas")
        latencies = []
        for code in codes:
            mark = fake.mark()
            began = time.perf_counter()
            fake.send_photo(user, caption=f"/hadir {code}", data=os.urandom(PHOTO_BYTES))
            await fake.wait_for(
                lambda m=mark: any("hadir pukul" in (s.plain or "") for s in fake.sent[m:]),
                timeout=10,
            )
            latencies.append((time.perf_counter() - began) * 1000)
        await app.updater.stop()
        await app.stop()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
        await app.shutdown()
        await fake.stop()
        stored = len(list((data_dir / "evidence").iterdir()))
    latencies.sort()
    print(
        json.dumps(
            {
                "benchmark": "checkin",
                "check_ins": len(latencies),
                "photos_stored": stored,
                "photo_bytes": PHOTO_BYTES,
                "median_ms": round(statistics.median(latencies), 1),
                "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1),
                "max_ms": round(latencies[-1], 1),
                "target_median_ms": 300,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
