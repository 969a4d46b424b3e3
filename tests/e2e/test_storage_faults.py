"""The database locked by another program, and the disk full.

Chosen behaviour: the bot waits for a lock as long as SQLite's busy timeout (5 s in
production, shortened here), so a short lock only delays the answer. Past it, or with the
disk full, the person is told plainly that nothing was saved, nothing is half-written, the
update is not recorded as handled and the outbox rows stay due; sending it again works once
the lock is gone or there is space.
"""

import asyncio
import logging
import sqlite3
import sys
from pathlib import Path

import pytest

from scheduler.dispatcher import dispatch
from services import evidence
from tests.e2e.conftest import Bot
from tests.fakebot.server import make_png
from tests.seeds import seed_site_with_cases

PENGAWAS = 7777
CHAT = 910_000
CHECKED_IN = "hadir pukul"

#: Another program: takes SQLite's exclusive lock, says so, holds it, lets go. It waits with
#: select() rather than time.sleep(), which libfaketime (tests/calendar_sweep) breaks.
LOCKER = (
    "import select, sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "conn.execute('BEGIN EXCLUSIVE')\n"
    "print('locked', flush=True)\n"
    "select.select([], [], [], float(sys.argv[2]))\n"
    "conn.execute('COMMIT')\n"
)


async def _hold_lock(database: Path, seconds: float) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", LOCKER, str(database), str(seconds), stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    assert (await process.stdout.readline()).strip() == b"locked"
    return process


async def _world(bot: Bot, cases: int) -> tuple[dict[str, object], list[str]]:
    codes = await seed_site_with_cases(
        bot.db, bot.clock.now, cases=cases, pengawas_telegram_id=PENGAWAS
    )
    bot.fake.create_user(CHAT, "Peserta")
    async with bot.db.transaction() as store:
        await store.outbox.add(
            dedupe_key="test:storage-faults",
            chat_id=CHAT,
            kind="test",
            payload={"text": "Pengingat"},
            due_at=bot.clock.now,
            now=bot.clock.now,
        )
    return bot.user(PENGAWAS, "Pengawas"), codes


async def _check_in(bot: Bot, pengawas: dict[str, object], code: str) -> tuple[int, str]:
    """A photo captioned ``/hadir <code>``: the update id and the bot's answer."""
    mark = bot.fake.mark()
    update = bot.fake.send_photo(pengawas, caption=f"/hadir {code}", size=(64, 48))
    await bot.handled(update, timeout=10)
    [answer] = [m for m in bot.fake.sent[mark:] if m.chat_id == PENGAWAS]
    return update["update_id"], answer.plain or ""


async def _recorded(bot: Bot, update_id: int) -> tuple[bool, int]:
    """Whether the update is recorded as handled, and how many attendances exist."""
    conn = bot.db.reader().conn
    async with conn.execute(
        "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
    ) as c:
        handled = await c.fetchone() is not None
    async with conn.execute("SELECT COUNT(*) FROM attendances") as c:
        count = (await c.fetchone())[0]
    return handled, count


async def _integrity(bot: Bot) -> str:
    async with bot.db.reader().conn.execute("PRAGMA integrity_check") as cur:
        return str((await cur.fetchone())[0])


async def _outbox_status(bot: Bot) -> str:
    async with bot.db.reader().conn.execute("SELECT status FROM outbox") as cur:
        return str((await cur.fetchone())[0])


async def test_a_locked_database_delays_or_refuses_politely_and_the_work_is_retried(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    pengawas, codes = await _world(bot, cases=2)
    bot.db._conn("writer").busy_timeout_ms = 500  # production waits 5 s
    database = bot.data_dir / "kerjasosial.sqlite3"

    # Shorter than the busy timeout: the bot waits, and the check-in goes through.
    locker = await _hold_lock(database, 0.2)
    update_id, answer = await _check_in(bot, pengawas, codes[0])
    await locker.wait()
    assert CHECKED_IN in answer
    assert await _recorded(bot, update_id) == (True, 1)

    # Longer: the supervisor is told nothing was saved, and nothing was.
    caplog.set_level(logging.INFO)
    # Long enough for three waits of 0.5 s: polling writing the update down, the handler,
    # and the dispatcher below.
    locker = await _hold_lock(database, 3.0)
    update_id, answer = await _check_in(bot, pengawas, codes[1])
    assert "sibuk" in answer and "belum ada yang tersimpan" in answer
    assert await _recorded(bot, update_id) == (False, 1)
    # The outbox sends nothing it could not then mark as sent; the row stays due.
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        await dispatch(bot.app.bot, bot.db, bot.clock.now)
    assert bot.fake.sent_to(CHAT) == []
    assert await locker.wait() == 0
    assert await _outbox_status(bot) == "pending"
    lines = [r for r in caplog.records if r.name == "handlers.errors"]
    assert [r.getMessage() for r in lines] == [
        f"database locked while handling update {update_id} (OperationalError)"
    ]

    # Once the other program has let go, the same work goes through, once.
    update_id, answer = await _check_in(bot, pengawas, codes[1])
    assert CHECKED_IN in answer
    assert await _recorded(bot, update_id) == (True, 2)
    assert (await dispatch(bot.app.bot, bot.db, bot.clock.now)).sent == 1
    assert len(bot.fake.sent_to(CHAT)) == 1
    assert await _integrity(bot) == "ok"


async def test_a_full_disk_is_one_clear_message_and_the_work_goes_through_later(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    pengawas, codes = await _world(bot, cases=40)
    async with bot.db.transaction() as store:
        # SQLite's real "database or disk is full": the file may not grow by one more page,
        # so the check-ins fill what room is left in its pages, and then it is full.
        async with store.conn.execute("PRAGMA page_count") as cur:
            pages = (await cur.fetchone())[0]
        await store.conn.execute(f"PRAGMA max_page_count = {pages}")

    caplog.set_level(logging.INFO)
    checked_in = 0
    for code in codes:
        update_id, answer = await _check_in(bot, pengawas, code)
        if CHECKED_IN not in answer:
            break
        checked_in += 1
    assert "Penyimpanan server penuh" in answer and "belum ada yang tersimpan" in answer
    assert await _recorded(bot, update_id) == (False, checked_in)
    lines = [r for r in caplog.records if r.name == "handlers.errors"]
    assert [r.getMessage() for r in lines] == [
        f"disk full while handling update {update_id} (OperationalError)"
    ]
    # The photos of check-ins saved just before: kept on disk, noted later (retried).
    others = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert all("kept but not recorded yet" in m for m in others if "disk full while" not in m)
    assert await _integrity(bot) == "ok"

    async with bot.db.transaction() as store:
        await store.conn.execute("PRAGMA max_page_count = 1073741823")  # space is back
    update_id, answer = await _check_in(bot, pengawas, code)
    assert CHECKED_IN in answer
    assert await _recorded(bot, update_id) == (True, checked_in + 1)
    assert await _integrity(bot) == "ok"


async def test_a_photo_fetched_while_the_database_is_locked_is_recorded_later(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """The check-in it belongs to is saved already: failing to note the file must not turn
    the supervisor's answer into an error; the file is fetched again later."""
    evidence_dir = bot.data_dir / "evidence"
    file_id, unique_id = bot.fake.add_file(make_png(64, 48), kind="photo")
    async with bot.db.transaction() as store:
        evidence_id = await store.attendance.add_evidence(
            file_id=file_id, file_unique_id=unique_id, size=None, now=bot.clock.now
        )
    bot.db._conn("writer").busy_timeout_ms = 300
    assert evidence_id is not None
    locker = await _hold_lock(bot.data_dir / "kerjasosial.sqlite3", 2.0)
    assert await evidence.keep(
        bot.app.bot, bot.db, evidence_id, file_id, evidence_dir, bot.clock.now
    )
    await bot.db.batch.flush()  # as the update's last step would: the lock is held still
    assert [e for e, _ in await bot.db.reader().attendance.evidence_to_download(20)] == [
        evidence_id
    ]
    assert f"evidence {evidence_id} kept but not recorded yet" in caplog.text
    # The retry job, the lock still held: fetched again, not noted, not counted as kept.
    assert await evidence.retry_downloads(bot.app.bot, bot.db, evidence_dir, bot.clock.now) == 0
    await locker.wait()
    assert await evidence.retry_downloads(bot.app.bot, bot.db, evidence_dir, bot.clock.now) == 1
    assert await bot.db.reader().attendance.evidence_to_download(20) == []
