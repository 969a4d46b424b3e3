"""The bot as the operator runs it: ``kerjasosial run`` as a real process against the fake,
its data seeded straight into storage. Shared by the crash and restore tests and the soak."""

import asyncio
from datetime import UTC, datetime, time
from pathlib import Path

from storage.db import Database
from tests.clock import WITA, Clock, suite_now, working_days
from tests.e2e.conftest import BOT_USERNAME, TOKEN
from tests.e2e.test_cli import _env, _kerjasosial
from tests.fakebot.server import FakeBotApi
from tests.seeds import seed_site_with_cases

PENGAWAS = 7777
CHECKED_IN = "hadir pukul"


def process_now() -> datetime:
    """Noon in Samarinda on the first day from the suite's date that is not a day off: the
    seeded cases have a session then. The process, its data and the fake all start here."""
    day = next(working_days(suite_now().astimezone(WITA).date(), weekdays=range(7)))
    return datetime.combine(day, time(12, 0), WITA).astimezone(UTC)


def fake_api() -> FakeBotApi:
    """The fake Bot API for a bot process, dating messages at ``process_now()``."""
    return FakeBotApi(
        token=TOKEN, bot_username=BOT_USERNAME, bot_id=123456, clock=Clock(process_now())
    )


async def seed_cases(workdir: Path, cases: int) -> list[str]:
    """A site, its pengawas (Telegram id ``PENGAWAS``) and ``cases`` cases due today, in
    ``workdir/data``; returns the case codes."""
    db = await Database.open(workdir / "data" / "kerjasosial.sqlite3")
    try:
        return await seed_site_with_cases(
            db, process_now(), cases=cases, pengawas_telegram_id=PENGAWAS
        )
    finally:
        await db.close()


async def start_bot(workdir: Path, fake: FakeBotApi, log: Path) -> asyncio.subprocess.Process:
    """``kerjasosial run`` against the fake, with its data in ``workdir/data``; returns once it
    polls."""
    env = _env(workdir, KERJASOSIAL_BOT_TOKEN=TOKEN, KERJASOSIAL_API_URL=fake.url)
    polls = len(fake.calls_of("getUpdates"))
    with log.open("ab") as out:
        process = await asyncio.create_subprocess_exec(
            *_kerjasosial(process_now()), "run", cwd=workdir, env=env, stdout=out, stderr=out
        )
    await fake.wait_for(
        lambda: len(fake.calls_of("getUpdates")) > polls or process.returncode is not None,
        timeout=60,
        message="the bot to start polling",
    )
    assert process.returncode is None, log.read_text()[-2000:]
    return process


async def stop_bot(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, as systemd stops it; the bot must exit cleanly."""
    process.terminate()
    # A ceiling against a hang, not a speed test: a loaded machine may take a while.
    assert await asyncio.wait_for(process.wait(), timeout=60) == 0
