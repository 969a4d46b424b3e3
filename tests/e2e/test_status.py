"""``/status`` for administrators and ``kerjasosial status`` for the operator's console."""

import asyncio
import re
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.cli_status import render
from services.status import BotStatus
from tests.e2e.conftest import ADMIN_ID, TOKEN, Bot, create_agency, invite
from tests.e2e.test_cli import _cli, _env, _kerjasosial
from tests.fakebot.server import FakeBotApi


async def _outbox_in_every_state(bot: Bot) -> datetime:
    """Two messages waiting, one each failed, skipped and unreachable, one sent; returns the
    sending time."""
    now = bot.clock.now
    async with bot.db.transaction() as store:
        for i, chat in enumerate([7001, 7002, 7003, 7004, 7005, 7006]):
            await store.outbox.add(
                dedupe_key=f"test:status:{i}",
                chat_id=chat,
                kind="test",
                payload={"text": "x"},
                due_at=now + timedelta(hours=1),
                now=now,
            )
        await store.outbox.mark(3, "failed", "Bad Request")
        await store.outbox.mark(4, "skipped", "overdue after downtime")
        await store.outbox.mark_unreachable(7005, reason="forbidden", now=now)
        sent_at = now - timedelta(minutes=10)
        await store.outbox.mark_sent(6, message_id=1, now=sent_at)
    return sent_at


async def test_status_shows_an_admin_uptime_outbox_and_database(bot: Bot) -> None:
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await _outbox_in_every_state(bot)
    bot.clock.advance(timedelta(hours=2, minutes=5))
    [reply] = await bot.send(admin, "/status")
    text = reply.plain or ""
    assert "Status bot" in text
    assert "(selama 2 jam 5 menit)" in text
    assert "Outbox: 2 pesan menunggu" in text
    # The last message left ten minutes before the start; shown in local time (WITA).
    assert "pesan terakhir terkirim: " in text and "WITA" in text
    assert "Tidak terkirim: 1 gagal, 1 dilewati, 1 tidak terjangkau" in text
    assert re.search(r"Ukuran basis data: \d+,\d (kB|MB)", text), text


async def test_status_speaks_english_to_an_english_admin(bot: Bot) -> None:
    admin = bot.user(ADMIN_ID, "Admin", "Kejari", language_code="en")
    await bot.send(admin, "/start")
    [reply] = await bot.send(admin, "/status")
    text = reply.plain or ""
    assert "Bot status" in text and "(up 0 min)" in text
    assert "Outbox: 0 messages waiting; last message sent: never" in text
    assert re.search(r"Database size: \d+\.\d (kB|MB)", text), text


async def test_status_is_refused_to_everyone_but_admins(bot: Bot) -> None:
    admin = await bot.admin()
    await bot.send(admin, "/start")
    await create_agency(bot, admin, "Kejaksaan Negeri Samarinda", "Kejaksaan Negeri")
    token = await invite(bot, admin, "jaksa", agency="Kejaksaan Negeri Samarinda")
    jaksa = bot.user(9101, "Jaksa")
    await bot.send(jaksa, f"/start {token}")
    refused = await bot.db.reader().audit.count("refused")
    [reply] = await bot.send(jaksa, "/status")
    assert reply.plain == "Maaf, perintah ini tidak tersedia untuk peran Anda."
    stranger = bot.user(9102, "Orang Asing")
    [reply] = await bot.send(stranger, "/status")
    assert "Outbox" not in (reply.plain or "")
    assert await bot.db.reader().audit.count("refused") == refused + 2


def _report(**changes: object) -> BotStatus:
    fields: dict[str, object] = {
        "started_at": None,
        "heartbeat_at": None,
        "stopped_at": None,
        "pending": 4,
        "last_sent_at": None,
        "undelivered": {"failed": 1, "skipped": 0, "unreachable": 2},
        "database_bytes": 2_500_000,
    }
    fields.update(changes)
    return BotStatus(**fields)  # type: ignore[arg-type]


def test_a_bot_killed_without_shutting_down_is_reported_by_its_old_heartbeat() -> None:
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    started = now - timedelta(hours=5)
    alive = render(_report(started_at=started, heartbeat_at=now - timedelta(seconds=20)), now)
    assert alive[0].startswith("bot: running since 2026-03-02 03:00:00 UTC (up 5h 0m)")
    killed = render(_report(started_at=started, heartbeat_at=now - timedelta(minutes=7)), now)
    assert killed[0] == (
        "bot: NOT RUNNING: no heartbeat for 7m 0s (it stopped without shutting down)"
    )
    assert killed[1:] == [
        "outbox: 4 pending; last message sent: never",
        "undelivered: 1 failed, 0 skipped, 2 unreachable",
        "database: 2.5 MB",
    ]


async def test_cli_status_while_the_bot_runs_and_after_it_stopped(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    code, _, err = await _cli(tmp_path, "status")
    assert code == 1 and "no database" in err
    env = _env(tmp_path, KERJASOSIAL_BOT_TOKEN=TOKEN, KERJASOSIAL_API_URL=fake.url)
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *_kerjasosial(), "run", cwd=tmp_path, env=env, stdout=log, stderr=log
        )
        try:
            await fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=30, message="polling")
            code, out, _ = await _cli(tmp_path, "status")
            assert code == 0, out
            lines = out.splitlines()
            assert lines[0].startswith("bot: running since ") and "last heartbeat" in lines[0]
            assert lines[1] == "outbox: 0 pending; last message sent: never"
            assert lines[2] == "undelivered: 0 failed, 0 skipped, 0 unreachable"
            assert re.fullmatch(r"database: \d+\.\d (kB|MB)", lines[3]), lines[3]
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), timeout=20) == 0
    code, out, _ = await _cli(tmp_path, "status")
    assert code == 0 and out.startswith("bot: not running (stopped at "), out
