"""The Prometheus endpoint of a running bot counts what happened, and is optional."""

import asyncio
import signal
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from storage.db import Database
from tests.clock import suite_now
from tests.e2e.conftest import BOT_USERNAME, TOKEN
from tests.e2e.test_cli import _cli, _env, _kerjasosial
from tests.e2e.test_webhook import _free_port
from tests.fakebot.server import FakeBotApi

ADMIN_ID = 4545
READERS = [8101, 8102, 8103]
BLOCKED = 8104

#: A real `kerjasosial` process: robustness, not the calendar (see tests/calendar_sweep).
pytestmark = pytest.mark.process


async def _outbox(database: Path) -> None:
    """Four messages due now (one to a person who blocked the bot) and one for later."""
    now = suite_now()
    db = await Database.open(database)
    async with db.transaction() as store:
        for chat in [*READERS, BLOCKED]:
            await store.outbox.add(
                dedupe_key=f"test:metrics:{chat}",
                chat_id=chat,
                kind="test",
                payload={"text": "Pengingat"},
                due_at=now,
                now=now,
            )
        await store.outbox.add(
            dedupe_key="test:metrics:later",
            chat_id=READERS[0],
            kind="test",
            payload={"text": "Nanti"},
            due_at=now + timedelta(hours=2),
            now=now,
        )
    await db.close()


async def _scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        text = await response.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_the_endpoint_counts_updates_sends_429s_errors_and_the_outbox(
    tmp_path: Path,
) -> None:
    port = _free_port()
    await _outbox(tmp_path / "data" / "kerjasosial.sqlite3")
    async with FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME, bot_id=123456) as fake:
        for chat in [*READERS, BLOCKED]:
            fake.create_user(chat, f"Peserta {chat}")
        fake.block(BLOCKED)
        # The first message of the outbox is told to slow down; the rate limiter retries it.
        fake.fail_next(
            1,
            429,
            description="Too Many Requests: retry after 1",
            parameters={"retry_after": 1},
            methods=["sendMessage"],
        )
        env = _env(
            tmp_path,
            KERJASOSIAL_BOT_TOKEN=TOKEN,
            KERJASOSIAL_API_URL=fake.url,
            KERJASOSIAL_ADMIN_IDS=str(ADMIN_ID),
            KERJASOSIAL_METRICS_LISTEN=f"127.0.0.1:{port}",
        )
        log_path = tmp_path / "bot.log"
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                *_kerjasosial(), "run", cwd=tmp_path, env=env, stdout=log, stderr=log
            )
            try:
                # The dispatcher's first tick comes 5 s after the start.
                await fake.wait_for(
                    lambda: {m.chat_id for m in fake.sent} >= set(READERS), timeout=30
                )
                admin = fake.create_user(ADMIN_ID, "Kartini")
                for _ in range(2):
                    mark = fake.mark()
                    fake.send_text(admin, "/start")
                    await fake.wait_sent(ADMIN_ID, after=mark, timeout=10)
                url = f"http://127.0.0.1:{port}/metrics"
                updates = ("kerjasosial_updates_handled_total", ())
                for _ in range(50):  # counted once the last handler group is done
                    metrics = await _scrape(url)
                    if metrics.get(updates) == 2:
                        break
                    await asyncio.sleep(0.1)
            finally:
                process.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(process.wait(), timeout=20)
        assert code == 0, log_path.read_text()
    assert fake.too_many_requests == 1
    assert metrics[updates] == 2
    assert metrics[("kerjasosial_messages_sent_total", ())] == 3
    assert metrics[("kerjasosial_rate_limited_total", ())] == 1
    assert metrics[("kerjasosial_outbox_depth", ())] == 1  # the one for later
    forbidden = (("kind", "Forbidden"), ("source", "outbox"))
    assert metrics[("kerjasosial_errors_total", forbidden)] == 1


def test_without_prometheus_client_counting_does_nothing_and_the_setting_is_refused(
    tmp_path: Path,
) -> None:
    script = (
        "import sys; sys.modules['prometheus_client'] = None\n"
        "from services import metrics\n"
        "assert not metrics.AVAILABLE\n"
        "metrics.update_handled(); metrics.message_sent(); metrics.rate_limited()\n"
        "metrics.error('outbox', 'Forbidden'); metrics.set_outbox_depth(3)\n"
        "assert not metrics.serving()\n"
        "from bot.cli import main\n"
        "sys.exit(main(['run']))\n"
    )
    env = _env(
        tmp_path,
        KERJASOSIAL_BOT_TOKEN=TOKEN,
        KERJASOSIAL_METRICS_LISTEN="127.0.0.1:9100",
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 2, done.stderr
    assert "KERJASOSIAL_METRICS_LISTEN needs prometheus-client" in done.stderr


async def test_a_busy_metrics_port_stops_run_with_one_line(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = await _cli(
            tmp_path,
            "run",
            KERJASOSIAL_BOT_TOKEN=TOKEN,
            KERJASOSIAL_API_URL=fake.url,
            KERJASOSIAL_METRICS_LISTEN=f"127.0.0.1:{port}",
        )
    assert code == 1 and "cannot serve metrics" in err, err
    assert len(err.strip().splitlines()) == 1, err
