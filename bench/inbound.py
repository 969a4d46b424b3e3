"""Benchmark: 250 supervisors at 25 sites checking offenders in and out with photos, at once.

``kerjasosial run`` runs as a subprocess (so its peak memory, VmHWM, is its own), with
Telegram's overall limit of 30 messages a second lifted (``bench/unpaced_bot.py``: each
update is answered, and 100 answers a second is more than Telegram allows), against the
local fake Bot API, over a database that already holds 10,000 cases and 300,000 attendance
records, with the evidence rows of their 600,000 photos (:mod:`bench.history`). Every
supervisor records two offenders the way it is done on site, waiting for each answer
before the next message:

    /hadir KS-…  →  "Kirim foto …"      photo  →  "… hadir pukul …"       (check-in)
    /pulang KS-… →  "Kirim foto …"      photo  →  "… Jam dikreditkan …"   (check-out)

250 supervisors × 2 offenders × 4 updates = 2,000 updates, 1,000 of them 300 kB photos that
the bot downloads and keeps. The offenders are told of each record, as in real use. (Until
issue #17 it was 50 supervisors with ten offenders each; since the bot keeps every private
chat to Telegram's pace, a burst of 3 and then one a second, a supervisor writing twice a
second would measure that limit rather than the bot.) It is run twice, against fresh
offenders:

- **flat out**: no pause between a reply and the next message, which gives the throughput;
- **at 100 updates/s**: each supervisor sends at most one message every 2.5 s (and never
  before the answer to the last one), which gives the latency at the target load. (Flat out,
  latency is only 250 waiting supervisors divided by the throughput.)

Latency runs from the moment the update is available to the bot's getUpdates to the moment
the fake receives the bot's reply. The bot's scheduled jobs run as in production. "CPU per
update" is the bot process's own user and system time divided by the updates: it moves less
than the rest when other programs share the machine. The same load then goes to
``bench/echo_bot.py``, a bare python-telegram-bot echo bot on the same fake: the floor to
compare with.

Run from the repository root (about a minute and a half):

    .venv/bin/python bench/inbound.py

Prints a table, PASS or FAIL per target, and one JSON line; exits 1 if a target is missed.
"""

import asyncio
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.history import add_history
from domain.roles import Role
from storage.db import DB_FILENAME, Database
from storage.repositories._sql import ts
from tests.fakebot.server import FakeBotApi
from tests.seeds import seed_office

SITES = 25
SUPERVISORS = 250
OFFENDERS_PER_SUPERVISOR = 2  # per run
RUNS = ("flat out", "at 100 updates/s")
PACE_S = {"flat out": 0.0, "at 100 updates/s": SUPERVISORS / 100}
CASES = 10_000
ATTENDANCES_PER_CASE = 30
PHOTO_BYTES = 300_000
ZONE = ZoneInfo("Asia/Makassar")
TOKEN = "123456:BENCH-token"
SUPERVISOR_IDS = 10_000
OFFENDER_IDS = 200_000
REPLY_TIMEOUT_S = 15.0
# Issue #17's targets: throughput against the echo floor of the same run, the rest absolute.
TARGET_SHARE_OF_ECHO = 0.5
TARGET_CPU_MS = 3.0
TARGET_P95_MS = 25.0
TARGET_PEAK_MB = 90
ROOT = Path(__file__).resolve().parent.parent


def machine_clock() -> datetime:
    """The bot under test runs on the machine's clock, so the fake dates messages by it too
    (its default is the test suite's fixed clock)."""
    return datetime.now(UTC)


@dataclass
class Supervisor:
    telegram_id: int
    check_in_at: int  # when the check-in photos were taken: today's session starts then
    codes: dict[str, list[str]] = field(default_factory=dict)  # run → case codes


@dataclass
class RunResult:
    latencies_ms: list[float]
    seconds: float
    failed: int
    cpu_seconds: float = 0.0  # the bot process's own, user and system

    @property
    def updates(self) -> int:
        return len(self.latencies_ms) + self.failed

    def row(self) -> dict[str, float]:
        ordered = sorted(self.latencies_ms) or [float("nan")]
        return {
            "updates": self.updates,
            "failed": self.failed,
            "updates_per_s": round(self.updates / self.seconds, 1),
            "median_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
            "cpu_ms_per_update": round(self.cpu_seconds * 1000 / self.updates, 2),
        }


# -- the database ---------------------------------------------------------------------------


async def seed(path: Path) -> list[Supervisor]:
    """The history, 25 sites with ten supervisors each, and today's session for the load.

    Today's sessions start a minute before the run, as in the morning rush: the reminders
    and follow-ups the scheduler plans for them fall due after the run, as they would then.
    """
    now = datetime.now(UTC)
    opening = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    today = opening.astimezone(ZONE).date()
    db = await Database.open(path)
    jaksa = await seed_office(db, now)
    assert jaksa.person is not None
    dinas = 2  # seed_office's city office, which hosts the sites
    load = SUPERVISORS * OFFENDERS_PER_SUPERVISOR * len(RUNS)
    async with db.transaction() as store:
        conn = store.conn
        await conn.executemany(
            "INSERT INTO sites (id, name, host_agency_id, address, latitude, longitude, radius_m,"
            " timezone, activities, capacity, non_commercial_declared_at, created_at)"
            " VALUES (?, ?, ?, 'Jl. Bench', -0.5, 117.1, 150, 'Asia/Makassar', '[\"menyapu\"]',"
            " 500, ?, ?)",
            [(s, f"Lokasi {s}", dinas, ts(now), ts(now)) for s in range(1, SITES + 1)],
        )
        supervisors = []
        for n in range(SUPERVISORS):
            person = await store.people.ensure(
                telegram_user_id=SUPERVISOR_IDS + n,
                full_name=f"Pengawas {n}",
                language_code="id",
                now=now,
            )
            await store.people.add_membership(
                person_id=person.id,
                agency_id=dinas,
                role=Role.PENGAWAS,
                invitation_id=None,
                now=now,
            )
            await store.sites.add_supervisor(n % SITES + 1, person.id, now)
            supervisors.append(Supervisor(SUPERVISOR_IDS + n, int(opening.timestamp())))
        # Thirty weekdays of history, ending three weeks before today.
        start = today - timedelta(days=63 + today.weekday())
        case_ids = await add_history(
            conn,
            agency_ids=[1],
            site_ids=list(range(1, SITES + 1)),
            jaksa_person_id=jaksa.person.id,
            cases=CASES,
            sessions_per_case=ATTENDANCES_PER_CASE,
            attendances_per_case=ATTENDANCES_PER_CASE,
            start=start,
            now=now,
        )
        await conn.executemany(
            "INSERT INTO people (telegram_user_id, full_name, language_code, created_at)"
            " VALUES (?, ?, 'id', ?)",
            [(OFFENDER_IDS + c, f"Peserta {c}", ts(now)) for c in case_ids[:load]],
        )
        await conn.execute(
            "UPDATE cases SET offender_person_id = (SELECT id FROM people"
            " WHERE telegram_user_id = ? + cases.id) WHERE id <= ?",
            (OFFENDER_IDS, load),
        )
        await conn.execute(
            "INSERT INTO sessions (case_id, site_id, day, starts_at, ends_at, minutes, created_at)"
            " SELECT id, site_id, ?, ?, ?, 120, ? FROM cases WHERE id <= ?",
            (
                today.isoformat(),
                ts(opening),
                ts(opening + timedelta(hours=2)),
                ts(now),
                load,
            ),
        )
    # A site's cases are dealt to its ten supervisors in turn, two each per run.
    dealt: dict[int, list[int]] = {}
    for case_id in case_ids[:load]:
        site = case_id % SITES + 1
        dealt.setdefault(site, []).append(case_id)
    for site, cases in dealt.items():
        pair = [s for n, s in enumerate(supervisors) if n % SITES + 1 == site]
        for k, case_id in enumerate(cases):
            owner = pair[k % len(pair)]
            run = RUNS[k // (len(pair) * OFFENDERS_PER_SUPERVISOR)]
            owner.codes.setdefault(run, []).append(f"KS-{start.year}-{case_id:04d}")
    await db.close()
    return supervisors


# -- driving the load -----------------------------------------------------------------------


class Replies:
    """Resolves, per chat, the wait for the next reply that carries the expected text."""

    def __init__(self, fake: FakeBotApi) -> None:
        self.fake = fake
        self.seen = 0
        self.waiting: dict[int, tuple[str | None, asyncio.Future[float]]] = {}

    async def watch(self) -> None:
        while True:
            sent = self.fake.sent
            while self.seen < len(sent):
                message = sent[self.seen]
                self.seen += 1
                wanted = self.waiting.get(message.chat_id)
                if wanted is None or wanted[1].done():
                    continue
                marker, future = wanted
                if marker is None or marker in (message.plain or ""):
                    future.set_result(message.at)
            await asyncio.sleep(0.002)

    async def send(
        self, chat_id: int, marker: str | None, inject: Callable[[], object]
    ) -> float | None:
        """Latency in ms from making the update available to the reply; None if none came."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = (marker, future)
        began = time.monotonic()
        inject()
        try:
            replied = await asyncio.wait_for(future, REPLY_TIMEOUT_S)
        except TimeoutError:
            return None
        return (replied - began) * 1000


async def supervise(
    fake: FakeBotApi, replies: Replies, who: Supervisor, run: str, echo: bool
) -> tuple[list[float], int]:
    user, pace = who.telegram_id, PACE_S[run]
    steps: list[tuple[Callable[[], object], str]] = []
    for code in who.codes[run]:
        steps.append((partial(fake.send_text, user, f"/hadir {code}"), "Kirim foto"))
        steps.append((partial(send_photo, fake, user, who.check_in_at), "hadir pukul"))
    for code in who.codes[run]:
        steps.append((partial(fake.send_text, user, f"/pulang {code}"), "selesai bekerja"))
        steps.append((partial(send_photo, fake, user, None), "Jam dikreditkan"))
    latencies, failed = [], 0
    next_at = time.monotonic() + pace * (user % SUPERVISORS) / SUPERVISORS
    for inject, marker in steps:
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        next_at = time.monotonic() + pace
        latency = await replies.send(user, None if echo else marker, inject)
        if latency is None:
            failed += 1
        else:
            latencies.append(latency)
    return latencies, failed


def send_photo(fake: FakeBotApi, user: int, date: int | None) -> object:
    """A new photo each time (evidence is kept by its hash), taken at ``date`` or now."""
    return fake.send_photo(user, data=os.urandom(PHOTO_BYTES), date=date)


async def drive(
    fake: FakeBotApi, supervisors: Sequence[Supervisor], run: str, echo: bool
) -> RunResult:
    replies = Replies(fake)
    watcher = asyncio.create_task(replies.watch())
    began = time.monotonic()
    results = await asyncio.gather(*(supervise(fake, replies, s, run, echo) for s in supervisors))
    seconds = time.monotonic() - began
    watcher.cancel()
    return RunResult(
        [ms for latencies, _ in results for ms in latencies], seconds, sum(f for _, f in results)
    )


# -- the bot under test ---------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")


async def bench_bot(
    command: list[str], data_dir: Path, supervisors: Sequence[Supervisor], echo: bool
) -> tuple[dict[str, RunResult], float]:
    """Run ``command`` against a fresh fake, drive every run through it; peak memory in MB."""
    fake = FakeBotApi(token=TOKEN, bot_username="bench_bot", bot_id=123456, clock=machine_clock)
    await fake.start()
    for who in supervisors:
        fake.create_user(who.telegram_id, "Pengawas")
    for n in range(SUPERVISORS * OFFENDERS_PER_SUPERVISOR * len(RUNS)):
        fake.create_user(OFFENDER_IDS + n + 1, "Peserta")
    env = {
        **os.environ,
        "KERJASOSIAL_BOT_TOKEN": TOKEN,
        "KERJASOSIAL_API_URL": fake.url,
        "KERJASOSIAL_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
    }
    log = (data_dir / ("echo.log" if echo else "bot.log")).open("w")
    process = subprocess.Popen(command, env=env, cwd=data_dir, stdout=log, stderr=log)
    try:
        await fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=60, message="polling")
        results = {}
        for run in RUNS:
            before = cpu_seconds(process.pid)
            results[run] = await drive(fake, supervisors, run, echo)
            results[run].cpu_seconds = cpu_seconds(process.pid) - before
        peak = peak_memory_mb(process.pid)
    finally:
        log.flush()
        try:
            await stop_bot(process, data_dir / ("echo.log" if echo else "bot.log"))
        finally:
            await fake.stop()
            log.close()
    return results, peak


async def stop_bot(process: subprocess.Popen[bytes], log: Path) -> None:
    """SIGTERM, as systemd stops it; a bot that has not stopped within 30 s is killed, after
    saying what it was doing (the last lines of ``log``)."""
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.to_thread(process.wait, 30)
    except subprocess.TimeoutExpired:
        tail = log.read_text().splitlines()
        print("the bot did not stop within 30 s; its last log lines:", *tail[-15:], sep="\n")
        process.kill()
        raise


def recorded(path: Path) -> dict[str, int]:
    """What the bot stored: the supervisors' attendance events, the photos downloaded."""
    with sqlite3.connect(path) as conn:
        events = dict(
            conn.execute(
                "SELECT kind, COUNT(*) FROM attendance_events WHERE by_person_id IS NOT NULL"
                " GROUP BY kind"
            ).fetchall()
        )
        (photos,) = conn.execute(
            "SELECT COUNT(*) FROM evidence v JOIN attendance_events e"
            " ON e.id = v.attendance_event_id"
            " WHERE v.downloaded_at IS NOT NULL AND e.by_person_id IS NOT NULL"
        ).fetchone()
    return {
        "check_ins": events.get("check_in", 0),
        "check_outs": events.get("check_out", 0),
        "photos_kept": photos,
    }


# -- report ---------------------------------------------------------------------------------


def verdicts(
    bot: dict[str, RunResult], echo: dict[str, RunResult], peak_mb: float, stored: dict[str, int]
) -> list[str]:
    throughput = bot[RUNS[0]].row()["updates_per_s"]
    floor = echo[RUNS[0]].row()["updates_per_s"]
    cpu = bot[RUNS[0]].row()["cpu_ms_per_update"]
    p95 = bot[RUNS[1]].row()["p95_ms"]
    expected = SUPERVISORS * OFFENDERS_PER_SUPERVISOR * len(RUNS)
    checks = [
        (
            f"throughput {throughput} updates/s >= {TARGET_SHARE_OF_ECHO} x the echo floor"
            f" ({floor} updates/s)",
            throughput >= TARGET_SHARE_OF_ECHO * floor,
        ),
        (f"CPU per update {cpu} ms <= {TARGET_CPU_MS}", cpu <= TARGET_CPU_MS),
        (f"p95 latency at 100 updates/s {p95} ms <= {TARGET_P95_MS}", p95 <= TARGET_P95_MS),
        (f"peak memory {peak_mb:.0f} MB <= {TARGET_PEAK_MB}", peak_mb <= TARGET_PEAK_MB),
        (
            f"every update answered and stored ({stored['check_ins']} check-ins,"
            f" {stored['check_outs']} check-outs, {stored['photos_kept']} photos of {expected})",
            all(r.failed == 0 for r in bot.values())
            and stored["check_ins"] == stored["check_outs"] == expected
            and stored["photos_kept"] == 2 * expected,
        ),
    ]
    return [f"{'PASS' if ok else 'FAIL'}  {text}" for text, ok in checks]


def table(bot: dict[str, RunResult], echo: dict[str, RunResult], peaks: tuple[float, float]) -> str:
    header = (
        f"{'':13}{'run':18}{'updates/s':>10}{'median':>10}{'p95':>10}{'CPU/update':>12}{'peak':>8}"
    )
    lines = [header]
    for name, results, peak in (("kerjasosial", bot, peaks[0]), ("echo (floor)", echo, peaks[1])):
        for n, run in enumerate(RUNS):
            row = results[run].row()
            lines.append(
                f"{name if n == 0 else '':13}{run:18}{row['updates_per_s']:>10}"
                f"{row['median_ms']:>7} ms{row['p95_ms']:>7} ms{row['cpu_ms_per_update']:>9} ms"
                + (f"{peak:>5.0f} MB" if n == 0 else "")
            )
    return "\n".join(lines)


async def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        began = time.monotonic()
        supervisors = await seed(data_dir / DB_FILENAME)
        seeding_s = time.monotonic() - began
        bot_command = [sys.executable, str(ROOT / "bench" / "unpaced_bot.py"), "run"]
        bot, bot_peak = await bench_bot(bot_command, data_dir, supervisors, echo=False)
        stored = recorded(data_dir / DB_FILENAME)
        echo_command = [sys.executable, str(ROOT / "bench" / "echo_bot.py")]
        echo, echo_peak = await bench_bot(echo_command, data_dir, supervisors, echo=True)
    print(
        f"seeded {CASES:,} cases and {CASES * ATTENDANCES_PER_CASE:,} attendance records"
        f" in {seeding_s:.1f} s; {SUPERVISORS} supervisors at {SITES} sites"
    )
    print(table(bot, echo, (bot_peak, echo_peak)))
    checks = verdicts(bot, echo, bot_peak, stored)
    print("\n".join(checks))
    print(
        json.dumps(
            {
                "benchmark": "inbound",
                "kerjasosial": {run: r.row() for run, r in bot.items()},
                "kerjasosial_peak_mb": round(bot_peak, 1),
                "echo": {run: r.row() for run, r in echo.items()},
                "echo_peak_mb": round(echo_peak, 1),
                "stored": stored,
                "seeding_s": round(seeding_s, 1),
            }
        )
    )
    return 0 if all(c.startswith("PASS") for c in checks) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
