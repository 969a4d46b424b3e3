"""Benchmark: a broadcast of 1,000 messages to 1,000 private chats through the sending budget.

A real PTB ExtBot sends to the local fake Bot API on 127.0.0.1 with Telegram-like flood
control on (30 messages in any one second overall). All messages are queued at once, as the
outbox does for a broadcast; the outbox lane of the sending budget spaces them at 29/s, with
no more than 29 in flight or answered in any second. Target: every message delivered, no 429,
at least 25 msg/s.

Run from the repository root:

    .venv/bin/python bench/fanout_limiter.py [--messages N]

Prints one JSON line.
"""

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram.ext import ExtBot

from bot.rate_limit import shared_budget
from tests.fakebot.server import FakeBotApi

FIRST_USER = 100_000


async def run(messages: int) -> dict[str, float | int]:
    async with FakeBotApi() as fake:
        for i in range(messages):
            fake.create_user(FIRST_USER + i, f"Warga {i}")
        fake.set_flood_limits(global_per_second=30, per_chat_per_second=1.0)
        bot = ExtBot(
            token=fake.token,
            base_url=fake.bot_base_url,
            base_file_url=fake.file_base_url,
            rate_limiter=shared_budget().outbox,
        )
        async with bot:
            started = time.monotonic()
            await asyncio.gather(
                *(bot.send_message(FIRST_USER + i, f"Pengumuman {i}") for i in range(messages)),
                return_exceptions=True,  # a message the limiter gave up on counts as lost
            )
            elapsed = time.monotonic() - started
        delivered = len(fake.sent)
        return {
            "messages": messages,
            "delivered": delivered,
            "too_many_requests": fake.too_many_requests,
            "seconds": round(elapsed, 2),
            "msg_per_s": round(delivered / elapsed, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    print(json.dumps(asyncio.run(run(parser.parse_args().messages))))


if __name__ == "__main__":
    main()
