"""Benchmark: the session card of ten offenders, its taps and how fast its edits arrive.

The real Application runs against the local fake Bot API on 127.0.0.1, on a site with ten
offenders expected today. A pengawas works the card as on site, waiting for each answer:

- taps: ``/hadir`` → "✅ Semua hadir" → one group photo (everyone checked in), then
  ``/pulang`` → "✅ Semua pulang" → one group photo; the taps are counted (a photo is one:
  the camera's shutter and "send" are the phone's, not ours to count);
- the card's edit: 200 taps on names (each toggles a mark: one ``editMessageReplyMarkup``),
  timed from the tap's update being available to the edit arriving at the fake, and the
  group photo until the card is rewritten;
- all of it twice: on an idle bot, then while 50 other people send ``/bantuan`` at about
  100 updates a second in all (the inbound bench's rate; answered, not recorded).

Target (issue #13): ten in with ≤ 4 taps after ``/hadir``, out with ≤ 3; the card's edit
p95 ≤ 300 ms. Run from the repository root (about half a minute):

    .venv/bin/python bench/roll_call.py

Prints one JSON line.
"""

import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update

from bot.app import build_application
from bot.config import Settings
from storage.db import Database
from tests.fakebot.server import FakeBotApi
from tests.seeds import seed_site_with_cases

OFFENDERS = 10
TOGGLES = 200
TOKEN = "123456:BENCH-token"
PENGAWAS = 7777
BACKGROUND_USERS = 50
BACKGROUND_RATE = 100  # updates per second, in all
PHOTO_BYTES = 300_000


def machine_clock() -> datetime:
    return datetime.now(UTC)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[max(int(len(ordered) * 0.95) - 1, 0)], 1)


async def _edit_after(fake: FakeBotApi, method: str, seen: int) -> None:
    await fake.wait_for(lambda: len(fake.calls_of(method)) > seen, timeout=10)


async def _answer(fake: FakeBotApi, user: Any, mark: int) -> Any:
    """The bot's first message to ``user`` since ``mark`` (others are being answered too)."""

    def found() -> Any:
        return next((m for m in fake.sent[mark:] if m.chat_id == user["id"]), None)

    return await fake.wait_for(found, timeout=10)


async def work_the_card(fake: FakeBotApi, user: Any) -> dict[str, Any]:
    """Ten in and out with the card; then the toggles, timed."""
    taps = 0
    mark = fake.mark()
    fake.send_text(user, "/hadir")
    card = await _answer(fake, user, mark)
    everyone = next(b for b in card.buttons() if b["text"].startswith("✅"))["callback_data"]
    mark = fake.mark()
    fake.press(user, card, everyone)
    taps += 1
    await _answer(fake, user, mark)
    edits = len(fake.calls_of("editMessageText"))
    began = time.perf_counter()
    mark = fake.mark()
    fake.send_photo(user, data=os.urandom(PHOTO_BYTES))
    taps += 1
    await _edit_after(fake, "editMessageText", edits)
    photo_in_ms = (time.perf_counter() - began) * 1000
    await _answer(fake, user, mark)  # the summary, after the card's edit
    checked_in = (card.plain or "").count("🟢")
    taps_in = taps

    mark = fake.mark()
    fake.send_text(user, "/pulang")
    card_out = await _answer(fake, user, mark)
    # The toggles, timed, on the check-out card (the names stay there all along).
    toggle = card_out.callback_data()[0]
    toggle_ms = []
    for _ in range(TOGGLES):
        seen = len(fake.calls_of("editMessageReplyMarkup"))
        began = time.perf_counter()
        fake.press(user, card_out, toggle)
        await _edit_after(fake, "editMessageReplyMarkup", seen)
        toggle_ms.append((time.perf_counter() - began) * 1000)
    if any(t.startswith("☑") for t in card_out.button_texts()):
        seen = len(fake.calls_of("editMessageReplyMarkup"))
        fake.press(user, card_out, toggle)  # an even number leaves nobody chosen
        await _edit_after(fake, "editMessageReplyMarkup", seen)
    taps = 0
    everyone = next(b for b in card_out.buttons() if b["text"].startswith("✅"))["callback_data"]
    mark = fake.mark()
    fake.press(user, card_out, everyone)
    taps += 1
    await _answer(fake, user, mark)
    edits = len(fake.calls_of("editMessageText"))
    began = time.perf_counter()
    fake.send_photo(user, data=os.urandom(PHOTO_BYTES))
    taps += 1
    await _edit_after(fake, "editMessageText", edits)
    photo_out_ms = (time.perf_counter() - began) * 1000
    return {
        "checked_in": checked_in,
        "checked_out": (card_out.plain or "").count("✅ "),
        "taps_in_after_hadir": taps_in,
        "taps_out_after_pulang": taps,
        "toggle_median_ms": round(statistics.median(toggle_ms), 1),
        "toggle_p95_ms": p95(toggle_ms),
        "group_photo_in_to_card_ms": round(photo_in_ms, 1),
        "group_photo_out_to_card_ms": round(photo_out_ms, 1),
    }


async def background(fake: FakeBotApi, stop: asyncio.Event) -> int:
    """Other people writing to the bot at ``BACKGROUND_RATE`` updates a second."""
    users = [fake.create_user(90_000 + i, f"Tamu {i}") for i in range(BACKGROUND_USERS)]
    sent = 0
    while not stop.is_set():
        fake.send_text(users[sent % len(users)], "/bantuan")
        sent += 1
        await asyncio.sleep(1 / BACKGROUND_RATE)
    return sent


async def run(loaded: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        db = await Database.open(data_dir / "kerjasosial.sqlite3")
        await seed_site_with_cases(
            db, datetime.now(UTC), cases=OFFENDERS, pengawas_telegram_id=PENGAWAS
        )
        await db.close()
        fake = FakeBotApi(token=TOKEN, bot_username="bench_bot", bot_id=123456, clock=machine_clock)
        await fake.start()
        settings = Settings(
            bot_token=TOKEN,
            api_url=fake.url,
            data_dir=data_dir,
            _env_file=None,  # type: ignore[arg-type, call-arg]
        )
        app = build_application(settings)
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES
        )
        stop = asyncio.Event()
        load = asyncio.create_task(background(fake, stop)) if loaded else None
        began = time.perf_counter()
        try:
            result = await work_the_card(fake, fake.create_user(PENGAWAS, "Pengawas"))
        finally:
            stop.set()
            sent = await load if load is not None else 0
        seconds = time.perf_counter() - began
        await app.updater.stop()
        await app.stop()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
        with contextlib.suppress(Exception):
            await app.shutdown()
        await fake.stop()
    return {**result, "background_updates_per_s": round(sent / seconds, 1)}


async def main() -> None:
    idle = await run(loaded=False)
    loaded = await run(loaded=True)
    print(
        json.dumps(
            {
                "benchmark": "roll_call",
                "offenders": OFFENDERS,
                "idle": idle,
                "loaded": loaded,
                "target": {"taps_in": 4, "taps_out": 3, "card_edit_p95_ms": 300},
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
