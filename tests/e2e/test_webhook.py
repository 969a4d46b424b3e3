"""`kerjasosial run --webhook`: PTB's webhook server, registered with a secret, refusing
updates that do not carry it."""

import asyncio
import signal
import socket
import sqlite3
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.conftest import BOT_USERNAME, TOKEN
from tests.e2e.test_cli import _cli, _env, _kerjasosial
from tests.fakebot.server import FakeBotApi
from tests.fakebot.spec import check_calls, load_spec

SECRET = "s3cret_Webhook-token_0123456789"
PUBLIC_URL = "https://bot.kejari-samarinda.example/telegram/updates"
ADMIN_ID = 4343
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

#: A real `kerjasosial` process: robustness, not the calendar (see tests/calendar_sweep).
pytestmark = pytest.mark.process


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _post(url: str, update: dict[str, object], secret: str | None) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with aiohttp.ClientSession() as session:
        for _ in range(100):  # the server starts listening just after setWebhook
            try:
                async with session.post(url, json=update, headers=headers) as response:
                    return response.status
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.1)
    raise AssertionError(f"nothing listens at {url}")


def _processed(database: Path, update_id: int) -> bool:
    conn = sqlite3.connect(database)
    try:
        row = conn.execute(
            "SELECT 1 FROM processed_updates WHERE update_id = ?", (update_id,)
        ).fetchone()
    finally:
        conn.close()
    return row is not None


async def test_webhook_mode_registers_its_secret_and_refuses_forged_updates(
    tmp_path: Path,
) -> None:
    port = _free_port()
    env = _env(
        tmp_path,
        KERJASOSIAL_BOT_TOKEN=TOKEN,
        KERJASOSIAL_WEBHOOK_SECRET=SECRET,
        KERJASOSIAL_ADMIN_IDS=str(ADMIN_ID),
    )
    async with FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME, bot_id=123456) as fake:
        env["KERJASOSIAL_API_URL"] = fake.url
        log_path = tmp_path / "bot.log"
        with log_path.open("wb") as log:
            process = await asyncio.create_subprocess_exec(
                *_kerjasosial(),
                "run",
                "--webhook",
                PUBLIC_URL,
                "--listen",
                f"127.0.0.1:{port}",
                cwd=tmp_path,
                env=env,
                stdout=log,
                stderr=log,
            )
            try:
                await fake.wait_for(lambda: fake.webhook.get("url"), timeout=30, message="hook")
                [registered] = fake.calls_of("setWebhook")
                assert registered.params["url"] == PUBLIC_URL
                assert registered.params["secret_token"] == SECRET
                assert not fake.calls_of("getUpdates")  # no polling in webhook mode

                admin = fake.create_user(ADMIN_ID, "Kartini")
                update = fake.send_text(admin, "/start")
                local = f"http://127.0.0.1:{port}/telegram/updates"
                # A forged update, without the secret or with a wrong one, changes nothing.
                assert await _post(local, update, None) == 403
                assert await _post(local, update, SECRET[:-1] + "X") == 403
                await asyncio.sleep(0.5)
                assert fake.sent_to(ADMIN_ID) == []
                database = tmp_path / "data" / "kerjasosial.sqlite3"
                assert not _processed(database, update["update_id"])

                assert await _post(local, update, SECRET) == 200
                [reply] = await fake.wait_sent(ADMIN_ID, timeout=10)
                assert "Selamat datang" in (reply.plain or "")
                assert _processed(database, update["update_id"])
            finally:
                process.send_signal(signal.SIGTERM)
                code = await asyncio.wait_for(process.wait(), timeout=20)
        assert code == 0, log_path.read_text()
    output = log_path.read_text()
    assert SECRET not in output and TOKEN.split(":")[1] not in output
    assert all(line.startswith("ts=") for line in output.splitlines()), output
    spec = load_spec()
    if spec is not None:
        assert check_calls(fake.calls, spec) == []


@pytest.mark.parametrize(
    ("secret", "complaint"),
    [
        (None, "KERJASOSIAL_WEBHOOK_SECRET is not set"),
        ("short_secret", "KERJASOSIAL_WEBHOOK_SECRET is invalid"),
        ("with spaces and ümlauts in it!", "KERJASOSIAL_WEBHOOK_SECRET is invalid"),
        ("x" * 257, "KERJASOSIAL_WEBHOOK_SECRET is invalid"),
    ],
)
async def test_webhook_mode_refuses_to_start_without_a_proper_secret(
    tmp_path: Path, secret: str | None, complaint: str
) -> None:
    env = {"KERJASOSIAL_BOT_TOKEN": TOKEN, "KERJASOSIAL_API_URL": "http://127.0.0.1:9"}
    if secret is not None:
        env["KERJASOSIAL_WEBHOOK_SECRET"] = secret
    code, _, err = await _cli(
        tmp_path, "run", "--webhook", PUBLIC_URL, "--listen", "127.0.0.1:8443", **env
    )
    assert code == 2
    assert complaint in err and len(err.strip().splitlines()) == 1, err
    if secret is not None:
        assert secret not in err


async def test_webhook_url_must_be_https(tmp_path: Path) -> None:
    code, _, err = await _cli(
        tmp_path,
        "run",
        "--webhook",
        "http://bot.example/tg",
        KERJASOSIAL_BOT_TOKEN=TOKEN,
        KERJASOSIAL_WEBHOOK_SECRET=SECRET,
    )
    assert code == 2 and "https" in err and len(err.strip().splitlines()) == 1, err


async def test_a_taken_listen_port_stops_run_with_one_line(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        listen = f"127.0.0.1:{taken.getsockname()[1]}"
        code, _, err = await _cli(
            tmp_path,
            "run",
            "--webhook",
            PUBLIC_URL,
            "--listen",
            listen,
            KERJASOSIAL_BOT_TOKEN=TOKEN,
            KERJASOSIAL_API_URL=fake.url,
            KERJASOSIAL_WEBHOOK_SECRET=SECRET,
        )
    assert code == 1, err
    assert (
        err.strip().splitlines()[-1]
        == f"kerjasosial: cannot listen on {listen}: Address already in use"
    )
    assert "Traceback" not in err
