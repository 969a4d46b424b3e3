"""Benchmark: 5,000 reminders due at the same moment, through the outbox dispatcher.

The rows sit in a real SQLite outbox; the dispatcher sends them as the running bot does
(ticks of up to 200 rows, the outbox lane of the sending budget) to 5,000 chats on a local
fake Bot API that enforces Telegram's limits (30 messages a second in all, 1 a second per
chat).
Target: at least 25 messages a second sustained, zero 429, none lost, none twice.

Run from the repository root:

    .venv/bin/python bench/fanout.py [--messages N]

Prints one JSON line. 5,000 messages take about three and a half minutes.
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram.ext import ExtBot

from bot.rate_limit import shared_budget
from scheduler.dispatcher import dispatch
from storage.db import Database
from storage.repositories import Store
from tests.fakebot.server import FakeBotApi

TOKEN = "123456:FANOUT-token"
FIRST_CHAT = 1_000_000


async def add_reminders(store: Store, count: int, first_chat: int, now: datetime) -> None:
    """``count`` outbox rows of kind ``bench``, due ``now``, one to each of ``count`` chats
    from ``first_chat`` on."""
    for i in range(count):
        await store.outbox.add(
            dedupe_key=f"bench:{i}",
            chat_id=first_chat + i,
            kind="bench",
            payload={"text": f"🔔 Pengingat {i}: besok kerja sosial pukul 08.00"},
            due_at=now,
            now=now,
        )


async def main(messages: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "bench.sqlite3")
        now = datetime.now(UTC)
        async with db.transaction() as store:
            await add_reminders(store, messages, FIRST_CHAT, now)
        async with FakeBotApi(token=TOKEN, bot_username="fanout_bot", bot_id=1) as fake:
            for i in range(messages):
                fake.create_user(FIRST_CHAT + i, f"Peserta {i}")
            fake.set_flood_limits(global_per_second=30, per_chat_per_second=1.0)
            bot = ExtBot(
                TOKEN,
                base_url=f"{fake.url}/bot",
                base_file_url=f"{fake.url}/file/bot",
                rate_limiter=shared_budget().outbox,  # the bot's own, with no replies to share
            )
            await bot.initialize()
            began = time.perf_counter()
            while True:
                tick = datetime.now(UTC)
                report = await dispatch(bot, db, tick)
                counts = await db.reader().outbox.counts()
                if counts.get("pending", 0) == 0:
                    break
                if report.sent == 0:
                    await asyncio.sleep(0.5)
            elapsed = time.perf_counter() - began
            await bot.shutdown()
            per_chat = Counter(m.chat_id for m in fake.sent)
            too_many = fake.too_many_requests
        counts = await db.reader().outbox.counts()
        await db.close()
    print(
        json.dumps(
            {
                "benchmark": "fanout",
                "messages": messages,
                "delivered_chats": len(per_chat),
                "duplicated": sum(1 for n in per_chat.values() if n > 1),
                "lost": messages - len(per_chat),
                "too_many_requests": too_many,
                "seconds": round(elapsed, 1),
                "msg_per_s": round(sum(per_chat.values()) / elapsed, 1),
                "outbox": counts,
                "target_msg_per_s": 25,
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=5000)
    asyncio.run(main(parser.parse_args().messages))
