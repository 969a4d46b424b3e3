"""Benchmark: one sending budget under mixed load, on a fake that enforces Telegram's limits.

``kerjasosial run`` runs as a subprocess against the local fake Bot API, which refuses with
429 whatever goes past Telegram's limits: 30 messages in any one second overall, per private
chat a burst of 3 and then one a second, 20 a minute per group. At the start 1,000 outbox
messages (reminders to 1,000 offenders) are due at once. As soon as the first of them goes
out, 50 supervisors check in (``/hadir KS-…``, then the photo 2.5 s later: 20 updates a
second for 5 s, each answered), and one person sends 12 commands within one second
(``/bantuan`` and ``/saya`` in turn). A reply's latency runs from the moment the update is
available to the moment the fake receives the answer.

Targets (issue #17): 0 × 429, nothing lost (every reply, every outbox message, every
check-in recorded), the outbox at 25 messages/s or more from its first message to its last,
replies p95 <= 1.5 s for the burst sender and <= 300 ms for everyone else. The burst sender's
floor is set by the per-chat limit itself: the 4th to 12th answers can leave no faster than
one a second, so the p95 of twelve answers cannot be under about 7.2 s. The bench prints that
floor beside the figure and, since 1.5 s is out of reach under these limits, passes a p95
within 10 % of the floor instead.

Run from the repository root (about a minute):

    .venv/bin/python bench/mixed_load.py

Prints a table, PASS or FAIL per target, and one JSON line; exits 1 if a target is missed.
"""

import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.fanout import add_reminders
from bench.inbound import cpu_seconds, machine_clock, stop_bot
from storage.db import DB_FILENAME, Database
from storage.repositories._sql import ts
from tests.fakebot.server import FakeBotApi
from tests.seeds import seed_office, seed_site

TOKEN = "123456:MIXED-token"
ROOT = Path(__file__).resolve().parent.parent
ZONE = ZoneInfo("Asia/Makassar")
OUTBOX = 1_000
SUPERVISORS = 50
UPDATES_PER_S = 20
BURST = 12
FIRST_OFFENDER_CHAT = 2_000_000
FIRST_SUPERVISOR = 10_000
BURST_SENDER = FIRST_SUPERVISOR + SUPERVISORS
PHOTO_BYTES = 300_000
TARGET_OUTBOX_PER_S = 25.0
TARGET_BURST_P95_MS = 1_500.0
TARGET_OTHERS_P95_MS = 300.0
# Telegram's per-chat limit as the fake enforces it: a burst of 3, then one a second.
CHAT_BURST, CHAT_PER_S = 3, 1.0


@dataclass
class Sent:
    """An update made available, and the text its answer must contain (None: any)."""

    chat_id: int
    at: float
    marker: str | None


async def seed(path: Path) -> tuple[list[str], int]:
    """The office, a site per supervisor with one case each (today's session began a minute
    ago), the burst sender's own site, and the outbox's 1,000 reminders due now."""
    now = datetime.now(UTC)
    db = await Database.open(path)
    jaksa = await seed_office(db, now)
    codes = []
    for n in range(SUPERVISORS + 1):
        [code] = await seed_site(
            db,
            now,
            jaksa,
            name=f"Lokasi {n}",
            cases=1,
            pengawas_telegram_id=FIRST_SUPERVISOR + n,
            first_offender=n,
        )
        codes.append(code)
    opening = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
    today = now.astimezone(ZONE).date().isoformat()
    async with db.transaction() as store:
        await store.conn.execute(
            "UPDATE sessions SET starts_at = ?, ends_at = ? WHERE day = ?",
            (ts(opening), ts(opening + timedelta(hours=2)), today),
        )
        await add_reminders(store, OUTBOX, FIRST_OFFENDER_CHAT, now)
    await db.close()
    return codes[:SUPERVISORS], int(opening.timestamp())


async def load(fake: FakeBotApi, codes: list[str], photo_date: int) -> list[Sent]:
    """The supervisors' check-ins at 20 updates a second, and the burst of 12 in a second."""
    sent: list[Sent] = []
    began = time.monotonic()

    async def at(offset: float) -> None:
        await asyncio.sleep(max(0.0, began + offset - time.monotonic()))

    async def supervisor(n: int, code: str) -> None:
        user = FIRST_SUPERVISOR + n
        await at(n / UPDATES_PER_S)
        fake.send_text(user, f"/hadir {code}")
        sent.append(Sent(user, time.monotonic(), "Kirim foto"))
        await at((SUPERVISORS + n) / UPDATES_PER_S)
        fake.send_photo(user, data=os.urandom(PHOTO_BYTES), date=photo_date)
        sent.append(Sent(user, time.monotonic(), "hadir pukul"))

    async def burst() -> None:
        for k in range(BURST):
            await at(1.0 + k / BURST)
            fake.send_text(BURST_SENDER, "/bantuan" if k % 2 == 0 else "/saya")
            sent.append(Sent(BURST_SENDER, time.monotonic(), None))

    await asyncio.gather(*(supervisor(n, code) for n, code in enumerate(codes)), burst())
    return sent


def latencies(fake: FakeBotApi, sent: list[Sent]) -> list[float | None]:
    """Each update's latency in ms (None: no answer), in the order of ``sent``; a chat's
    answers are matched to its updates in order."""
    found: dict[int, float | None] = {}
    for chat_id in {s.chat_id for s in sent}:
        answers = [m for m in fake.sent if m.chat_id == chat_id]
        position = 0
        for n, update in sorted(
            ((n, s) for n, s in enumerate(sent) if s.chat_id == chat_id), key=lambda p: p[1].at
        ):
            while position < len(answers) and not (
                answers[position].at >= update.at
                and (update.marker is None or update.marker in (answers[position].plain or ""))
            ):
                position += 1
            if position < len(answers):
                found[n] = (answers[position].at - update.at) * 1000
                position += 1
            else:
                found[n] = None
    return [found[n] for n in range(len(sent))]


def p95(values: list[float]) -> float:
    ordered = sorted(values) or [float("nan")]
    return round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1)


def burst_floor_ms() -> float:
    """The least p95 any sender can reach: the answers past the burst leave a second apart."""
    leave = [max(k / BURST, (k - CHAT_BURST + 1) / CHAT_PER_S) for k in range(BURST)]
    return p95([(t - k / BURST) * 1000 for k, t in enumerate(leave)])


async def run(data_dir: Path) -> dict[str, object]:
    codes, photo_date = await seed(data_dir / DB_FILENAME)
    fake = FakeBotApi(token=TOKEN, bot_username="mixed_bot", bot_id=123456, clock=machine_clock)
    await fake.start()
    fake.set_flood_limits(
        global_per_second=30,
        per_chat_per_second=CHAT_PER_S,
        per_group_per_minute=20,
        per_chat_burst=CHAT_BURST,
    )
    for n in range(SUPERVISORS + 1):
        fake.create_user(FIRST_SUPERVISOR + n, f"Pengawas {n}")
    for i in range(OUTBOX):
        fake.create_user(FIRST_OFFENDER_CHAT + i, f"Peserta {i}")
    env = {
        **os.environ,
        "KERJASOSIAL_BOT_TOKEN": TOKEN,
        "KERJASOSIAL_API_URL": fake.url,
        "KERJASOSIAL_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
    }
    log_path = data_dir / "bot.log"
    log = log_path.open("w")
    command = [str(Path(sys.executable).parent / "kerjasosial"), "run"]
    process = subprocess.Popen(command, env=env, cwd=data_dir, stdout=log, stderr=log)

    def outbox_sent() -> list[float]:
        return [m.at for m in fake.sent if m.chat_id >= FIRST_OFFENDER_CHAT]

    try:
        await fake.wait_for(outbox_sent, timeout=60, message="the outbox's first message")
        sent = await load(fake, codes, photo_date)
        await fake.wait_for(
            lambda: len(outbox_sent()) >= OUTBOX, timeout=120, message="the whole outbox"
        )
        await asyncio.sleep(2)  # answers still on their way
        cpu = cpu_seconds(process.pid)
    finally:
        log.close()
        try:
            await stop_bot(process, log_path)
        finally:
            await fake.stop()
    with sqlite3.connect(data_dir / DB_FILENAME) as conn:
        (check_ins,) = conn.execute(
            "SELECT COUNT(*) FROM attendance_events WHERE kind = 'check_in'"
        ).fetchone()
        outbox_states = dict(
            conn.execute(
                "SELECT status, COUNT(*) FROM outbox WHERE kind = 'bench' GROUP BY status"
            ).fetchall()
        )
    found = latencies(fake, sent)
    burst_ms = [ms for s, ms in zip(sent, found, strict=True) if s.chat_id == BURST_SENDER and ms]
    others = [(s, ms) for s, ms in zip(sent, found, strict=True) if s.chat_id != BURST_SENDER]
    others_ms = [ms for _, ms in others if ms is not None]
    times = sorted(outbox_sent())
    outbox_per_s = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    per_chat: dict[int, int] = {}
    for message in fake.sent:
        if message.chat_id >= FIRST_OFFENDER_CHAT:
            per_chat[message.chat_id] = per_chat.get(message.chat_id, 0) + 1
    errors = [line for line in log_path.read_text().splitlines() if " ERROR " in line]
    return {
        "too_many_requests": fake.too_many_requests,
        "outbox_delivered": len(per_chat),
        "outbox_twice": sum(1 for n in per_chat.values() if n > 1),
        "outbox_rows": outbox_states,
        "outbox_msg_per_s": round(outbox_per_s, 1),
        "outbox_seconds": round(times[-1] - times[0], 1) if times else None,
        "check_ins_recorded": check_ins,
        "replies_expected": len(sent),
        "replies_missing": found.count(None),
        "burst_p95_ms": p95(burst_ms),
        "burst_max_ms": round(max(burst_ms, default=float("nan")), 1),
        "burst_floor_p95_ms": burst_floor_ms(),
        "others_p95_ms": p95(others_ms),
        "others_median_ms": round(statistics.median(others_ms), 1) if others_ms else None,
        "errors_in_log": len(errors),
        "bot_cpu_s": round(cpu, 1),
        "check_in_command_p95_ms": p95([ms for s, ms in others if ms and s.marker == "Kirim foto"]),
        "check_in_photo_p95_ms": p95([ms for s, ms in others if ms and s.marker == "hadir pukul"]),
    }


def verdicts(result: dict[str, object]) -> list[str]:
    def number(key: str) -> float:
        value = result[key]
        assert isinstance(value, int | float)
        return float(value)

    checks = [
        (f"429 answers: {result['too_many_requests']} (0)", number("too_many_requests") == 0),
        (
            f"nothing lost: {result['outbox_delivered']} of {OUTBOX} outbox messages"
            f" ({result['outbox_twice']} twice), {result['replies_missing']} replies missing,"
            f" {result['check_ins_recorded']} of {SUPERVISORS} check-ins recorded",
            number("outbox_delivered") == OUTBOX
            and number("outbox_twice") == 0
            and number("replies_missing") == 0
            and number("check_ins_recorded") == SUPERVISORS,
        ),
        (
            f"outbox {result['outbox_msg_per_s']} msg/s >= {TARGET_OUTBOX_PER_S}",
            number("outbox_msg_per_s") >= TARGET_OUTBOX_PER_S,
        ),
        (
            f"burst sender p95 {result['burst_p95_ms']} ms <= {TARGET_BURST_P95_MS:.0f},"
            f" or at most {BURST_SLACK} x the floor the per-chat limit sets when that"
            f" is higher ({result['burst_floor_p95_ms']} ms)",
            number("burst_p95_ms") <= TARGET_BURST_P95_MS
            or (
                number("burst_floor_p95_ms") > TARGET_BURST_P95_MS
                and number("burst_p95_ms") <= BURST_SLACK * number("burst_floor_p95_ms")
            ),
        ),
        (
            f"everyone else p95 {result['others_p95_ms']} ms <= {TARGET_OTHERS_P95_MS:.0f}",
            number("others_p95_ms") <= TARGET_OTHERS_P95_MS,
        ),
        (f"errors in the bot's log: {result['errors_in_log']} (0)", result["errors_in_log"] == 0),
    ]
    return [f"{'PASS' if ok else 'FAIL'}  {text}" for text, ok in checks]


#: Where the per-chat limit makes the burst target unreachable, the burst sender's p95 must
#: be within this factor of the floor instead (the budget's own margin is 5 %).
BURST_SLACK = 1.1


async def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        result = await run(Path(folder))
    checks = verdicts(result)
    print("\n".join(checks))
    print(json.dumps({"benchmark": "mixed_load", **result}))
    return 0 if all(c.startswith("PASS") for c in checks) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
