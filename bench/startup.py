"""Benchmark: from starting ``kerjasosial run`` to its first getUpdates, and its memory then.

``kerjasosial run`` runs as a subprocess against the local fake Bot API, as in production:
it loads its settings, opens (and if need be migrates) the database, builds the
Application, replays the inbox, sets the public menu, registers its jobs and starts
polling. Measured from ``Popen`` to the fake receiving the first getUpdates: the seconds,
and the process's VmRSS and VmHWM (read from ``/proc`` the moment the call arrives).

Two data dirs, five starts each (the median and the worst are reported):

- **fresh**: an empty data dir, so the database is created and every migration applied;
- **10,000 cases**: a database that already holds 10,000 cases with 300,000 attendance
  records (:mod:`bench.history`), copied anew for each start, to show whether the work
  done at start grows with the data.

Target (the issue): at most 1 s to the first getUpdates. Latency moves when other programs
share the machine; memory does not.

Run from the repository root (about half a minute):

    .venv/bin/python bench/startup.py [--compiled]

With ``--compiled`` the bot runs from compiled bytecode, as installed by pip (and in the
Docker image): a warm-up start writes it to a temporary ``PYTHONPYCACHEPREFIX``. Without
it the bot runs as the environment says; with ``PYTHONDONTWRITEBYTECODE=1`` and the
editable install, that means compiling every module of the project at each start.

Prints, for the last start of each kind, the Bot API calls made before polling (with their
time since ``Popen``), then one JSON line; exits 1 if the target is missed.
"""

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.history import add_history
from bench.inbound import stop_bot
from storage.db import DB_FILENAME, Database
from storage.repositories._sql import ts
from tests.fakebot.server import FakeBotApi
from tests.seeds import seed_office

STARTS = 5
CASES = 10_000
ATTENDANCES_PER_CASE = 30
SITES = 25
TOKEN = "123456:BENCH-token"
TARGET_S = 1.0
ROOT = Path(__file__).resolve().parent.parent
COMMAND = [str(Path(sys.executable).parent / "kerjasosial"), "run"]


async def seed(path: Path) -> None:
    """A Kejari and a city office, 25 sites, and 10,000 cases with their history."""
    now = datetime.now(UTC)
    db = await Database.open(path)
    jaksa = await seed_office(db, now)
    assert jaksa.person is not None
    async with db.transaction() as store:
        await store.conn.executemany(
            "INSERT INTO sites (id, name, host_agency_id, address, latitude, longitude, radius_m,"
            " timezone, activities, capacity, non_commercial_declared_at, created_at)"
            " VALUES (?, ?, 2, 'Jl. Bench', -0.5, 117.1, 150, 'Asia/Makassar', '[\"menyapu\"]',"
            " 500, ?, ?)",
            [(s, f"Lokasi {s}", ts(now), ts(now)) for s in range(1, SITES + 1)],
        )
        today = now.date()
        await add_history(
            store.conn,
            agency_ids=[1],
            site_ids=list(range(1, SITES + 1)),
            jaksa_person_id=jaksa.person.id,
            cases=CASES,
            sessions_per_case=ATTENDANCES_PER_CASE,
            attendances_per_case=ATTENDANCES_PER_CASE,
            start=today - timedelta(days=63 + today.weekday()),
            now=now,
        )
    await db.close()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> dict[str, float]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found


async def start_once(data_dir: Path, environ: dict[str, str]) -> dict[str, object]:
    """Start the bot in ``data_dir``; seconds and memory at its first getUpdates."""
    fake = FakeBotApi(token=TOKEN, bot_username="bench_bot", bot_id=123456)
    await fake.start()
    env = {
        **environ,
        "KERJASOSIAL_BOT_TOKEN": TOKEN,
        "KERJASOSIAL_API_URL": fake.url,
        "KERJASOSIAL_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
    }
    log = (data_dir / "bot.log").open("w")
    began = time.monotonic()
    process = subprocess.Popen(COMMAND, env=env, cwd=data_dir, stdout=log, stderr=log)
    try:
        deadline = began + 30
        while not fake.calls_of("getUpdates"):
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    "the bot did not poll:\n" + (data_dir / "bot.log").read_text()[-2000:]
                )
            await asyncio.sleep(0.001)
        memory = memory_mb(process.pid)
        cpu = cpu_seconds(process.pid)
        first = fake.calls_of("getUpdates")[0].at
        calls = [(c.method, round(c.at - began, 3)) for c in fake.calls if c.at <= first]
    finally:
        log.flush()
        try:
            await stop_bot(process, data_dir / "bot.log")
        finally:
            await fake.stop()
            log.close()
    return {
        "seconds": first - began,
        "cpu_s": cpu,
        "rss_mb": memory["VmRSS"],
        "hwm_mb": memory["VmHWM"],
        "calls": calls,
    }


def summary(starts: list[dict[str, object]]) -> dict[str, float]:
    row = {}
    for key in ("seconds", "cpu_s", "rss_mb", "hwm_mb"):
        values = [float(s[key]) for s in starts]  # type: ignore[arg-type]
        digits = 1 if key.endswith("_mb") else 3
        row[f"median_{key}"] = round(statistics.median(values), digits)
        row[f"max_{key}"] = round(max(values), digits)
    return row


async def main(compiled: bool) -> int:
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        environ = dict(os.environ)
        if compiled:
            environ.pop("PYTHONDONTWRITEBYTECODE", None)
            environ["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
            (root / "warm-up").mkdir()
            await start_once(root / "warm-up", environ)
        seeded = root / "seeded"
        seeded.mkdir()
        began = time.monotonic()
        await seed(seeded / DB_FILENAME)
        seeding_s = time.monotonic() - began
        for kind in ("fresh", f"{CASES} cases"):
            starts = []
            for n in range(STARTS):
                data_dir = root / f"{kind.replace(' ', '_')}-{n}"
                if kind == "fresh":
                    data_dir.mkdir()
                else:
                    shutil.copytree(seeded, data_dir)
                starts.append(await start_once(data_dir, environ))
            print(f"{kind}: Bot API calls up to the first getUpdates (s since Popen):")
            for method, at in starts[-1]["calls"]:  # type: ignore[attr-defined]
                print(f"  {at:6.3f}  {method}")
            results[kind] = summary(starts)
    ok = all(r["max_seconds"] <= TARGET_S for r in results.values())
    for kind, row in results.items():
        print(
            f"{'PASS' if row['max_seconds'] <= TARGET_S else 'FAIL'}  {kind}: first getUpdates"
            f" after {row['median_seconds']} s (max {row['max_seconds']}) <= {TARGET_S},"
            f" CPU {row['median_cpu_s']} s; RSS then {row['median_rss_mb']} MB"
            f" (max {row['max_rss_mb']})"
        )
    print(
        json.dumps(
            {
                "benchmark": "startup",
                "bytecode": "compiled" if compiled else "as the environment says",
                **results,
                "seeding_s": round(seeding_s, 1),
            }
        )
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(compiled="--compiled" in sys.argv[1:])))
