"""Soak: SIGKILL the bot again and again while a burst of check-ins is being handled.

The longer variant of tests/e2e/test_crash.py. ``kerjasosial run`` (a real process) works
through CHECK_INS photo check-ins from the local fake Bot API; it is killed at a random
moment, the database is checked, and it is started again, until every update is handled.
After each kill, every update the bot had confirmed to Telegram must be in the database
exactly once; at the end, all of them, each once, and SQLite's integrity check must pass.

Run from the repository root:

    .venv/bin/python bench/soak_crash.py [--check-ins 2000] [--max-kills 30] [--seed 1]

Prints one JSON line; exits 1 if anything was lost or doubled.
"""

import argparse
import asyncio
import json
import logging
import random
import signal
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.conftest import BOT_USERNAME, TOKEN
from tests.e2e.processes import PENGAWAS, seed_cases, start_bot, stop_bot
from tests.e2e.test_crash import replies, tally
from tests.fakebot.server import FakeBotApi


def machine_clock() -> datetime:
    """The bot under test runs on the machine's clock, so the fake dates messages by it too
    (its default is the test suite's fixed clock)."""
    return datetime.now(UTC)


async def soak(check_ins: int, max_kills: int, rng: random.Random) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        codes = await seed_cases(workdir, check_ins)
        database = workdir / "data" / "kerjasosial.sqlite3"
        log = workdir / "bot.log"
        lost_after_a_kill = 0
        async with FakeBotApi(
            token=TOKEN, bot_username=BOT_USERNAME, bot_id=123456, clock=machine_clock
        ) as fake:
            pengawas = fake.create_user(PENGAWAS, "Pengawas")
            began = time.monotonic()
            bot = await start_bot(workdir, fake, log)
            updates = [
                fake.send_photo(pengawas, caption=f"/hadir {code}", size=(64, 48)) for code in codes
            ]
            last = updates[-1]["update_id"]
            kills = 0
            while kills < max_kills:
                await asyncio.sleep(rng.uniform(0.3, 3.0))
                if _checked_in(database) >= check_ins:
                    break
                bot.send_signal(signal.SIGKILL)
                await bot.wait()
                kills += 1
                after_kill = tally(database, updates, fake.confirmed_offset, inbox_counts=True)
                lost_after_a_kill = max(lost_after_a_kill, after_kill.missing)
                bot = await start_bot(workdir, fake, log)
            await fake.wait_for(lambda: fake.confirmed_offset > last, timeout=600)
            await fake.wait_quiet(quiet=1.0, timeout=600)
            await stop_bot(bot)
            elapsed = time.monotonic() - began
        final = tally(database, updates, last + 1, inbox_counts=False)
        confirmations = replies(fake)
    return {
        "benchmark": "soak_crash",
        "check_ins": check_ins,
        "kills": kills,
        "worst_confirmed_but_missing_after_a_kill": lost_after_a_kill,
        "recorded_once_at_the_end": final.acknowledged - final.missing,
        "cases_checked_in_twice": final.cases_checked_in_twice,
        "messages_recorded_twice": final.messages_recorded_twice,
        "confirmed_to_the_supervisor_twice": sum(1 for n in confirmations.values() if n > 1),
        "integrity_check": final.integrity,
        "seconds": round(elapsed, 1),
    }


def _checked_in(database: Path) -> int:
    conn = sqlite3.connect(database)
    try:
        return int(
            conn.execute(
                "SELECT COUNT(*) FROM attendance_events WHERE kind = 'check_in'"
            ).fetchone()[0]
        )
    finally:
        conn.close()


def _sound(result: dict[str, object]) -> bool:
    return (
        result["worst_confirmed_but_missing_after_a_kill"] == 0
        and result["recorded_once_at_the_end"] == result["check_ins"]
        and result["cases_checked_in_twice"] == 0
        and result["messages_recorded_twice"] == 0
        and result["integrity_check"] == "ok"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check-ins", type=int, default=2000)
    parser.add_argument("--max-kills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # Each kill drops the bot's connections mid-request; the fake's server would log each.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    result = asyncio.run(soak(args.check_ins, args.max_kills, random.Random(args.seed)))
    print(json.dumps(result))
    return 0 if _sound(result) else 1


if __name__ == "__main__":
    sys.exit(main())
