"""SIGKILL in the middle of a large dispatch: after the restart every due message is sent,
and exactly once, but for at most the one in flight at the kill (the README explains why)."""

import asyncio
import signal
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from storage.db import Database
from tests.clock import suite_now
from tests.e2e.conftest import BOT_USERNAME, TOKEN
from tests.e2e.test_cli import _env, _kerjasosial
from tests.fakebot.server import FakeBotApi

MESSAGES = 250
FIRST_CHAT = 800_000

#: A real `kerjasosial` process: robustness, not the calendar (see tests/calendar_sweep).
pytestmark = pytest.mark.process


async def _fill_outbox(database: Path) -> None:
    now = suite_now()
    db = await Database.open(database)
    async with db.transaction() as store:
        for i in range(MESSAGES):
            await store.outbox.add(
                dedupe_key=f"test:restart:{i}",
                chat_id=FIRST_CHAT + i,
                kind="test",
                payload={"text": f"Pesan {i}"},
                due_at=now,
                now=now,
            )
    await db.close()


def _pending(database: Path) -> int:
    conn = sqlite3.connect(database)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM outbox WHERE status != 'sent'").fetchone()[0])
    finally:
        conn.close()


async def _start(tmp_path: Path, fake: FakeBotApi, log: Path) -> asyncio.subprocess.Process:
    env = _env(tmp_path, KERJASOSIAL_BOT_TOKEN=TOKEN, KERJASOSIAL_API_URL=fake.url)
    with log.open("ab") as out:
        return await asyncio.create_subprocess_exec(
            *_kerjasosial(), "run", cwd=tmp_path, env=env, stdout=out, stderr=out
        )


async def test_a_kill_in_the_middle_of_sending_loses_nothing(tmp_path: Path) -> None:
    async with FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME, bot_id=123456) as fake:
        for i in range(MESSAGES):
            fake.create_user(FIRST_CHAT + i, f"Peserta {i}")
        database = tmp_path / "data" / "kerjasosial.sqlite3"
        await _fill_outbox(database)
        log = tmp_path / "bot.log"

        first = await _start(tmp_path, fake, log)
        try:
            await fake.wait_for(lambda: len(fake.sent) >= MESSAGES // 3, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        sent_before = len(fake.sent)
        assert sent_before < MESSAGES, "the kill came too late to test anything"

        second = await _start(tmp_path, fake, log)
        try:
            await fake.wait_for(lambda: len({m.chat_id for m in fake.sent}) >= MESSAGES, timeout=90)
            # A duplicate could only come from a row not yet marked sent: wait for the last.
            await fake.wait_for(lambda: _pending(database) == 0, timeout=30, message="all sent")
        finally:
            second.send_signal(signal.SIGTERM)
            await asyncio.wait_for(second.wait(), timeout=20)

    per_chat = Counter(m.chat_id for m in fake.sent)
    assert set(per_chat) == {FIRST_CHAT + i for i in range(MESSAGES)}
    duplicates = [chat for chat, n in per_chat.items() if n > 1]
    assert len(duplicates) <= 1, duplicates
    conn = sqlite3.connect(database)
    statuses = Counter(r[0] for r in conn.execute("SELECT status FROM outbox"))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert statuses == {"sent": MESSAGES}
