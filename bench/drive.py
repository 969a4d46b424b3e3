"""What the walks at human pace (``bench/drive_*.py``) share: ``kerjasosial run`` as a
process against the local fake Bot API, one step at a time, and what went wrong.

A walk seeds its database, opens :func:`running_bot`, creates its users on the fake, and
drives them with :func:`step`: each message or tap waits for the bot's answer, prints it,
and pauses ``PAUSE`` seconds, as a person would (Telegram allows about one message a
second per private chat). On the way out it prints every answer the fake refused (429s
included) and every error in the bot's log.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.e2e.launch import clock_from
from tests.fakebot.server import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:DRIVE-token"
PAUSE = 1.2


def today_at_utc(hour: int, minute: int = 0, second: int = 0) -> datetime:
    """Today (the machine's UTC date) at this UTC time: 00.10 UTC is 08.10 WITA."""
    today = datetime.now(UTC).date()
    return datetime(today.year, today.month, today.day, hour, minute, second, tzinfo=UTC)


@dataclass
class Drive:
    fake: FakeBotApi
    data_dir: Path
    log_text: str = ""  # the bot's log, once it has stopped


@asynccontextmanager
async def running_bot(
    start: datetime, data_dir: Path, env: dict[str, str] | None = None
) -> AsyncIterator[Drive]:
    """The bot as the console script runs it, its clock starting at ``start`` and running on
    in real time, over the database already in ``data_dir``."""
    fake = FakeBotApi(
        token=TOKEN, bot_username="kerjasosial_bot", bot_id=123456, clock=clock_from(start)
    )
    await fake.start()
    drive = Drive(fake, data_dir)
    environment = {
        **os.environ,
        "KERJASOSIAL_BOT_TOKEN": TOKEN,
        "KERJASOSIAL_API_URL": fake.url,
        "KERJASOSIAL_DATA_DIR": str(data_dir),
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    log = (data_dir / "bot.log").open("w")
    command = [sys.executable, "-m", "tests.e2e.launch", start.isoformat(), "run"]
    process = subprocess.Popen(command, env=environment, cwd=data_dir, stdout=log, stderr=log)
    try:
        await fake.wait_for(lambda: fake.calls_of("getUpdates"), timeout=60)
        yield drive
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.to_thread(process.wait, 30)
        refused = [c for c in fake.calls if c.status not in (0, 200) and not c.client_gone]
        print(f"\nanswers the fake refused: {len(refused)}")
        for call in refused:
            print(f"  {call.method} {call.status} {call.error}")
        await fake.stop()
        log.close()
        drive.log_text = (data_dir / "bot.log").read_text()
        errors = [
            line for line in drive.log_text.splitlines() if "ERROR" in line or "Traceback" in line
        ]
        print(f"errors in the bot's log: {len(errors)}", *errors[:10], sep="\n  ")


async def step(
    fake: FakeBotApi, user: Any, what: str, act: Callable[[], object], *, wait: int = 1
) -> list[Any]:
    """Do one thing as ``user``; wait for ``wait`` messages to them (or a notice on the
    button, or an edit in place), print what came, pause."""
    mark = fake.mark()
    answers = len(fake.calls_of("answerCallbackQuery"))
    edits = _edits(fake)
    began = time.perf_counter()
    act()

    def arrived() -> bool:
        if sum(1 for m in fake.sent[mark:] if m.chat_id == user["id"]) >= wait:
            return True
        if any(c.params.get("text") for c in fake.calls_of("answerCallbackQuery")[answers:]):
            return True
        edited = len(fake.calls_of("editMessageText")) + len(
            fake.calls_of("editMessageReplyMarkup")
        )
        return wait == 0 and edited > edits

    await fake.wait_for(arrived, timeout=30)
    took = (time.perf_counter() - began) * 1000
    await asyncio.sleep(0.3)  # the rest of a multi-message answer
    print(f"\n>>> {user['first_name']}: {what}  ({took:.0f} ms)")
    new = [m for m in fake.sent[mark:] if m.chat_id == user["id"]]
    for message in new:
        if message.document is not None:
            print(f"  (a document: {message.document_name}, {len(message.document)} bytes)")
        print("  " + (message.plain or "").replace("\n", "\n  "))
        if message.button_texts():
            print("  [" + "] [".join(message.button_texts()) + "]")
    for call in fake.calls_of("answerCallbackQuery")[answers:]:
        if call.params.get("text"):
            print(f"  (a notice on the button: {call.params['text']})")
    if not new:
        print("  (no new message: a notice, or the message changed in place)")
    await asyncio.sleep(PAUSE)
    return new


def _edits(fake: FakeBotApi) -> int:
    return len(fake.calls_of("editMessageText")) + len(fake.calls_of("editMessageReplyMarkup"))


def button(message: Any, starts: str) -> str:
    """The callback data of the message's button whose label starts with ``starts``."""
    return next(b["callback_data"] for b in message.buttons() if b["text"].startswith(starts))
