"""SIGKILL in the middle of a burst of check-ins: nothing Telegram was told is handled is lost,
nothing is recorded twice, and the database is intact.

The bot runs as the operator runs it (``kerjasosial run``, a real process). An update counts as
acknowledged once the bot has confirmed it to Telegram, that is once a later getUpdates
carried an offset above its id (the fake records the highest). Telegram never delivers an
acknowledged update again, so each of those must already be in the database: handled, or
kept in the inbox that the next start hands to the handlers. After the restart every update
is handled exactly once.
"""

import re
import signal
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.processes import (
    CHECKED_IN,
    PENGAWAS,
    fake_api,
    seed_cases,
    start_bot,
    stop_bot,
)
from tests.fakebot.server import FakeBotApi

CHECK_INS = 500
CODE = re.compile(r"KS-\d{4}-\d+")

#: A real `kerjasosial` process: robustness, not the calendar (see tests/calendar_sweep).
pytestmark = pytest.mark.process


def replies(fake: FakeBotApi) -> Counter[str]:
    """Check-in confirmations the bot sent, by case code."""
    return Counter(
        match.group(0)
        for m in fake.sent_to(PENGAWAS)
        if CHECKED_IN in (m.plain or "") and (match := CODE.search(m.plain or ""))
    )


@dataclass
class Tally:
    """What the database holds of ``updates``, against what Telegram was told."""

    integrity: str
    acknowledged: int
    #: acknowledged updates neither recorded as handled nor kept to be handled at the next
    #: start, and handled ones without exactly one check-in
    lost: list[int]
    without_one_check_in: list[int]
    cases_checked_in_twice: int
    messages_recorded_twice: int

    @property
    def missing(self) -> int:
        """Acknowledged updates not recorded once with their one check-in."""
        return len(set(self.lost) | set(self.without_one_check_in))


def tally(
    path: Path, updates: list[dict[str, Any]], acknowledged_below: int, *, inbox_counts: bool
) -> Tally:
    conn = sqlite3.connect(path)
    try:
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        processed = {r[0] for r in conn.execute("SELECT update_id FROM processed_updates")}
        # Fetched and written down, not yet handled: the next start hands these over again.
        kept = (
            {r[0] for r in conn.execute("SELECT update_id FROM inbox")} if inbox_counts else set()
        )
        events = Counter(
            r[0]
            for r in conn.execute(
                "SELECT message_id FROM attendance_events WHERE kind = 'check_in' AND chat_id = ?",
                (PENGAWAS,),
            )
        )
        per_case = Counter(r[0] for r in conn.execute("SELECT case_id FROM attendances"))
    finally:
        conn.close()
    acknowledged = [u for u in updates if u["update_id"] < acknowledged_below]
    return Tally(
        integrity=integrity,
        acknowledged=len(acknowledged),
        lost=[u["update_id"] for u in acknowledged if u["update_id"] not in processed | kept],
        without_one_check_in=[
            u["update_id"]
            for u in acknowledged
            if u["update_id"] not in kept and events[u["message"]["message_id"]] != 1
        ],
        cases_checked_in_twice=sum(1 for n in per_case.values() if n > 1),
        messages_recorded_twice=sum(1 for n in events.values() if n > 1),
    )


def check_database(
    path: Path, updates: list[dict[str, Any]], acknowledged_below: int, *, inbox_counts: bool
) -> None:
    """Every update below ``acknowledged_below`` is recorded once with its one check-in (or,
    if ``inbox_counts``, kept in the inbox for the next start); no case is checked in twice;
    and SQLite finds the file intact."""
    found = tally(path, updates, acknowledged_below, inbox_counts=inbox_counts)
    assert found.integrity == "ok", found.integrity
    assert not found.lost, f"acknowledged to Telegram but not in the database: {found.lost[:10]}"
    assert not found.without_one_check_in, (
        f"acknowledged without exactly one check-in: {found.without_one_check_in[:10]}"
    )
    assert found.cases_checked_in_twice == 0, "a case was checked in twice"
    assert found.messages_recorded_twice == 0, "a message became two check-ins"


async def test_a_kill_during_a_burst_of_check_ins_loses_and_doubles_nothing(
    tmp_path: Path,
) -> None:
    codes = await seed_cases(tmp_path, CHECK_INS)
    database = tmp_path / "data" / "kerjasosial.sqlite3"
    log = tmp_path / "bot.log"
    async with fake_api() as fake:
        pengawas = fake.create_user(PENGAWAS, "Pengawas")
        first = await start_bot(tmp_path, fake, log)
        updates = [
            fake.send_photo(pengawas, caption=f"/hadir {code}", size=(64, 48)) for code in codes
        ]
        try:
            await fake.wait_for(lambda: sum(replies(fake).values()) >= CHECK_INS // 4, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        acknowledged = fake.confirmed_offset
        assert sum(replies(fake).values()) < CHECK_INS, "the kill came too late to test anything"
        assert acknowledged > updates[0]["update_id"], "nothing was acknowledged before the kill"
        check_database(database, updates, acknowledged, inbox_counts=True)

        second = await start_bot(tmp_path, fake, log)
        try:
            last = updates[-1]["update_id"]
            await fake.wait_for(lambda: fake.confirmed_offset > last, timeout=60)
        finally:
            await stop_bot(second)

    check_database(
        database, updates, acknowledged_below=updates[-1]["update_id"] + 1, inbox_counts=False
    )
    assert max(replies(fake).values()) == 1, "a check-in was confirmed twice"
