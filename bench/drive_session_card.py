"""A walk through the session card at human pace, against ``kerjasosial run`` as a process.

Not a benchmark: a pengawas's morning as it happens on site, one message or tap at a time
with a pause of ``PAUSE`` seconds between them (Telegram allows about one message a second
per private chat), on a site with ten offenders expected at 08.00 WITA. The bot runs as the
console script does (``tests.e2e.launch``: its clock starts at 08.10 WITA today and runs on
in real time), against the local fake Bot API. Prints the transcript (what was sent, what
came back, how long it took) and every answer the fake refused, 429s included:

    .venv/bin/python bench/drive_session_card.py
"""

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.drive import running_bot, today_at_utc
from storage.db import Database
from tests.fakebot.server import FakeBotApi
from tests.seeds import seed_site_with_cases

PENGAWAS = 7777
PAUSE = 1.5


async def main() -> None:
    start = today_at_utc(0, 10)  # 08.10 WITA
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        db = await Database.open(data_dir / "kerjasosial.sqlite3")
        await seed_site_with_cases(
            db, start - timedelta(hours=2), cases=10, pengawas_telegram_id=PENGAWAS
        )
        await db.close()
        async with running_bot(start, data_dir) as drive:
            await walk(drive.fake, drive.fake.create_user(PENGAWAS, "Pak", "Pengawas"))


async def step(fake: FakeBotApi, user: Any, what: str, act: Callable[[], object]) -> list[Any]:
    """Do one thing as the pengawas, wait for the bot's answer, print it, pause."""
    mark, edits = fake.mark(), len(fake.calls_of("editMessageText"))
    edited = len(fake.calls_of("editMessageReplyMarkup"))
    answers = len(fake.calls_of("answerCallbackQuery"))
    began = time.perf_counter()
    act()

    def answered() -> bool:
        return (
            any(m.chat_id == user["id"] for m in fake.sent[mark:])
            or len(fake.calls_of("editMessageText")) > edits
            or len(fake.calls_of("editMessageReplyMarkup")) > edited
            or any(c.params.get("text") for c in fake.calls_of("answerCallbackQuery")[answers:])
        )

    await fake.wait_for(answered, timeout=15)
    took = (time.perf_counter() - began) * 1000
    await asyncio.sleep(0.3)  # the rest of a multi-message answer
    print(f"\n>>> {what}  ({took:.0f} ms)")
    new = [m for m in fake.sent[mark:] if m.chat_id == user["id"]]
    for message in new:
        print("  " + (message.plain or "").replace("\n", "\n  "))
        if message.button_texts():
            print("  [" + "] [".join(message.button_texts()) + "]")
    notices = [
        c.params["text"]
        for c in fake.calls_of("answerCallbackQuery")[answers:]
        if c.params.get("text")
    ]
    for notice in notices:
        print(f"  (a notice on the button: {notice})")
    if not new and not notices:
        print("  (the card's buttons changed in place)")
    await asyncio.sleep(PAUSE)
    return new


async def walk(fake: FakeBotApi, user: Any) -> None:
    [card] = await step(fake, user, "/hadir", lambda: fake.send_text(user, "/hadir"))
    names = card.callback_data()
    await step(fake, user, "tap Peserta 0", lambda: fake.press(user, card, names[0]))
    await step(fake, user, "tap Peserta 0 again", lambda: fake.press(user, card, names[0]))
    every = next(b["callback_data"] for b in card.buttons() if b["text"].startswith("✅"))
    await step(fake, user, "tap 'Semua hadir'", lambda: fake.press(user, card, every))
    await step(fake, user, "a sticker instead of the photo", lambda: fake.send_sticker(user))
    await step(fake, user, "the group photo", lambda: fake.send_photo(user))
    print("\n--- the card now:\n  " + (card.plain or "").replace("\n", "\n  "))
    [out] = await step(fake, user, "/pulang", lambda: fake.send_text(user, "/pulang"))
    every = next(b["callback_data"] for b in out.buttons() if b["text"].startswith("✅"))
    await step(fake, user, "tap 'Semua pulang'", lambda: fake.press(user, out, every))
    await step(fake, user, "the group photo", lambda: fake.send_photo(user))
    print("\n--- the check-out card now:\n  " + (out.plain or "").replace("\n", "\n  "))
    await step(fake, user, "a bare photo", lambda: fake.send_photo(user))
    await step(fake, user, "yesterday's card pressed", lambda: fake.press(user, card, names[1]))


if __name__ == "__main__":
    asyncio.run(main())
