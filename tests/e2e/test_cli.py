"""The `kerjasosial` command as an operator runs it: a real process against the fake Bot API."""

import asyncio
import os
import signal
import sqlite3
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from storage.db import latest_version
from tests.clock import Clock, suite_now
from tests.e2e.conftest import BOT_USERNAME, TOKEN
from tests.fakebot.server import FakeBotApi

ADMIN_ID = 4242
ADMIN_FIRST_NAME = "Kartini"
ADMIN_LAST_NAME = "Wijayakusuma"


REPO = Path(__file__).resolve().parents[2]


def _console_script() -> list[str]:
    """The installed ``kerjasosial`` command, exactly as the README runs it."""
    script = Path(sys.executable).parent / "kerjasosial"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def _kerjasosial(now: datetime | None = None) -> list[str]:
    """``kerjasosial`` as a real process whose "now" starts at ``now`` (default: the suite's),
    so that what it decides does not depend on the machine's calendar (``tests/e2e/launch``)."""
    start = suite_now() if now is None else now
    return [sys.executable, "-m", "tests.e2e.launch", start.isoformat()]


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KERJASOSIAL_")}
    env["KERJASOSIAL_DATA_DIR"] = str(tmp_path / "data")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(values)
    return env


async def _cli(
    tmp_path: Path, *args: str, now: datetime | None = None, **env: str
) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *_kerjasosial(now),
        *args,
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.fixture
async def fake(clock: Clock) -> FakeBotApi:
    server = FakeBotApi(token=TOKEN, bot_username=BOT_USERNAME, bot_id=123456, clock=clock)
    await server.start()
    yield server  # type: ignore[misc]
    await server.stop()


async def test_run_answers_backs_up_and_stops_cleanly(fake: FakeBotApi, tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        KERJASOSIAL_BOT_TOKEN=TOKEN,
        KERJASOSIAL_API_URL=fake.url,
        KERJASOSIAL_ADMIN_IDS=str(ADMIN_ID),
    )
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *_kerjasosial(), "run", cwd=tmp_path, env=env, stdout=log, stderr=log
        )
        try:
            await fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=30, message="polling")
            admin = fake.create_user(ADMIN_ID, ADMIN_FIRST_NAME, last_name=ADMIN_LAST_NAME)
            fake.send_text(admin, "/start")
            [reply] = await fake.wait_sent(ADMIN_ID, timeout=5)
            assert "Selamat datang" in (reply.plain or "")

            # A backup taken while the bot runs is a consistent database.
            code, out, _ = await _cli(tmp_path, "backup", str(tmp_path / "copy.sqlite3"))
            assert code == 0, out
            copy = sqlite3.connect(tmp_path / "copy.sqlite3")
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert copy.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 1
            copy.close()
            assert (tmp_path / "copy.sqlite3").stat().st_mode & 0o077 == 0

            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), timeout=20) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    logs = log_path.read_text()
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs
    assert ADMIN_FIRST_NAME not in logs and ADMIN_LAST_NAME not in logs
    # The restored copy works as the bot's database: audit intact.
    code, out, _ = await _cli(tmp_path, "audit", "verify")
    assert code == 0 and "intact" in out


async def test_a_refused_token_stops_with_one_line_and_status_1(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    code, _, err = await _cli(
        tmp_path, "run", KERJASOSIAL_BOT_TOKEN="999:not-the-token", KERJASOSIAL_API_URL=fake.url
    )
    assert code == 1
    assert "refused the token" in err
    assert "Traceback" not in err
    assert "not-the-token" not in err


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "KERJASOSIAL_BOT_TOKEN"),
        ({"KERJASOSIAL_BOT_TOKEN": "nonsense"}, "KERJASOSIAL_BOT_TOKEN"),
        (
            {"KERJASOSIAL_BOT_TOKEN": TOKEN, "KERJASOSIAL_ADMIN_IDS": "12,abc"},
            "KERJASOSIAL_ADMIN_IDS",
        ),
        (
            {"KERJASOSIAL_BOT_TOKEN": TOKEN, "KERJASOSIAL_TIMEZONE": "Mars/Base"},
            "KERJASOSIAL_TIMEZONE",
        ),
        (
            {"KERJASOSIAL_BOT_TOKEN": TOKEN, "KERJASOSIAL_API_URL": "telegram"},
            "KERJASOSIAL_API_URL",
        ),
    ],
)
async def test_bad_settings_stop_with_one_line_and_status_2(
    tmp_path: Path, env: dict[str, str], variable: str
) -> None:
    code, _, err = await _cli(tmp_path, "run", **env)
    assert code == 2
    assert err.count("\n") == 1 and variable in err
    assert "Traceback" not in err


async def test_check_reports_each_part(fake: FakeBotApi, tmp_path: Path) -> None:
    env = {"KERJASOSIAL_BOT_TOKEN": TOKEN, "KERJASOSIAL_API_URL": fake.url}
    code, out, _ = await _cli(tmp_path, "check", **env)
    assert code == 0, out
    assert f"@{BOT_USERNAME}" in out and "writable" in out
    code, out, _ = await _cli(tmp_path, "migrate")
    assert code == 0 and f"schema version {latest_version()}" in out
    code, out, _ = await _cli(tmp_path, "check", **env)
    assert code == 0 and f"version {latest_version()} of {latest_version()} (ok)" in out
    code, out, _ = await _cli(
        tmp_path, "check", KERJASOSIAL_BOT_TOKEN="1:wrong", KERJASOSIAL_API_URL=fake.url
    )
    assert code == 1 and "refused" in out


async def test_audit_verify_reports_an_edited_row(tmp_path: Path, now: datetime) -> None:
    code, _, _ = await _cli(tmp_path, "migrate")
    assert code == 0
    from storage.db import Database

    db = await Database.open(tmp_path / "data" / "kerjasosial.sqlite3")
    for i in range(3):
        async with db.transaction() as store:
            await store.audit.append(action="test", now=now, subject=f"s{i}")
    await db.close()
    code, out, _ = await _cli(tmp_path, "audit", "verify")
    assert code == 0 and "3 rows" in out

    conn = sqlite3.connect(tmp_path / "data" / "kerjasosial.sqlite3")
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET subject = 'edited' WHERE id = 2")
    conn.commit()
    conn.close()
    code, out, _ = await _cli(tmp_path, "audit", "verify")
    assert code == 1
    assert "row 2" in out


async def test_help_lists_the_commands(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        *_console_script(), "--help", cwd=tmp_path, stdout=asyncio.subprocess.PIPE
    )
    out = (await asyncio.wait_for(process.communicate(), timeout=60))[0].decode()
    assert process.returncode == 0
    for command in ("run", "check", "migrate", "backup", "audit"):
        assert command in out


async def _office_in_database(tmp_path: Path, now: datetime) -> None:
    from storage.db import Database
    from tests.seeds import seed_office

    db = await Database.open(tmp_path / "data" / "kerjasosial.sqlite3")
    await seed_office(db, now)
    await db.close()


async def test_import_export_and_purge_from_the_command_line(tmp_path: Path, now: datetime) -> None:
    from tests.sheets import case, site, xlsx

    await _office_in_database(tmp_path, now)
    sheet = tmp_path / "kasus.xlsx"
    sheet.write_bytes(xlsx({"Lokasi": [site()], "Kasus": [case()]}))
    code, out, _ = await _cli(tmp_path, "import", str(sheet), "--as", "555")
    assert code == 0, out
    assert "Kasus: 1 baru" in out
    code, out, _ = await _cli(tmp_path, "import", str(sheet), "--as", "555")
    assert code == 0 and "Kasus: 0 baru, 1 sudah ada" in out
    code, out, err = await _cli(tmp_path, "import", str(sheet), "--as", "999")
    assert code == 1 and "not an admin or jaksa" in err

    database = tmp_path / "data" / "kerjasosial.sqlite3"
    conn = sqlite3.connect(database)
    case_code = conn.execute("SELECT code FROM cases").fetchone()[0]
    conn.close()
    code, out, _ = await _cli(tmp_path, "export", "--case", case_code)
    assert code == 0, out
    import json
    import zipfile

    with zipfile.ZipFile(tmp_path / f"{case_code}.zip") as archive:
        record = json.loads(archive.read(f"{case_code}/case.json"))
    assert record["case"]["offender_name"] == "Andi Pratama"
    assert len(record["sessions"]) == 20
    assert any(row["action"] == "case.created" for row in record["audit"])

    code, out, _ = await _cli(tmp_path, "report", "--month", "2026-02")
    assert code == 0 and (tmp_path / "laporan-kerjasosial-2026-02.xlsx").exists()
    code, out, _ = await _cli(tmp_path, "report", "--case", case_code)
    assert code == 0 and (tmp_path / f"{case_code}.pdf").read_bytes().startswith(b"%PDF")

    # An active case is never purged; a closed one only after the retention period.
    code, _, err = await _cli(tmp_path, "purge", "--case", case_code)
    assert code == 1 and "still active" in err
    conn = sqlite3.connect(database)
    closed = now - timedelta(days=60)
    conn.execute("UPDATE cases SET status = 'selesai', closed_at = ?", (closed.isoformat(),))
    conn.commit()
    conn.close()
    code, _, err = await _cli(tmp_path, "purge", "--case", case_code)
    # The default retention is 730 days from the closing.
    until = closed + timedelta(days=730)
    assert code == 1 and f"retention period runs until {until:%Y-%m-%d}" in err
    code, out, err = await _cli(
        tmp_path, "purge", "--case", case_code, KERJASOSIAL_RETENTION_DAYS="30"
    )
    assert code == 0, err
    conn = sqlite3.connect(database)
    name, number, sessions = conn.execute(
        "SELECT offender_name, decision_number, (SELECT COUNT(*) FROM sessions) FROM cases"
    ).fetchone()
    conn.close()
    assert "Andi" not in name and "12/Pid.B" not in number and sessions == 20
    assert b"Andi Pratama" not in database.read_bytes()
    code, out, _ = await _cli(tmp_path, "audit", "verify")
    assert code == 0 and "intact" in out
