"""The suite reads no calendar but its own: every "now" in tests/ comes from tests/clock.py.

A test that asks the machine for the date passes or fails with the day it runs on (main's CI
went red on 2 December 2026 that way). Monotonic time, for timeouts, is not a date and is
allowed.
"""

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.clock import ENV, SUITE_NOW, Clock, suite_now, working_days

TESTS = Path(__file__).resolve().parents[1]

#: (receiver, attribute) pairs that read the machine's clock.
REAL_CLOCK = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
}


def _reads_of_the_real_clock(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        receiver = node.func.value
        name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
        # time.localtime(x) / gmtime(x) with an argument convert a given instant: allowed.
        if (name, node.func.attr) in REAL_CLOCK and not (
            node.func.attr in ("localtime", "gmtime") and node.args
        ):
            lines.append(node.lineno)
    return lines


def test_no_test_reads_the_machines_date() -> None:
    offenders = {
        str(path.relative_to(TESTS)): found
        for path in sorted(TESTS.rglob("*.py"))
        if (found := _reads_of_the_real_clock(path.read_text()))
    }
    assert offenders == {}, f"read the suite's clock (tests/clock.py) instead: {offenders}"


def test_the_guard_catches_every_way_of_asking() -> None:
    # Spelled in pieces so that a plain grep for real-clock calls in tests/ finds none here.
    now, today = "now", "today"
    source = (
        "import datetime as dt, time\n"
        f"a = dt.datetime.{now}(dt.UTC)\n"
        f"b = date.{today}()\n"
        "c = time.time()\n"
        "d = time.monotonic()\n"  # not a date: fine
        "e = datetime.fromtimestamp(0)\n"  # a given instant: fine
    )
    assert _reads_of_the_real_clock(source) == [2, 3, 4]


def test_the_suite_starts_at_the_written_down_instant(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    assert suite_now() == SUITE_NOW == Clock().now
    monkeypatch.setenv(ENV, "2027-12-31T16:30:00+00:00")
    assert suite_now() == datetime(2027, 12, 31, 16, 30, tzinfo=UTC)
    monkeypatch.setenv(ENV, "2027-12-31T16:30:00")
    with pytest.raises(ValueError, match="offset"):
        suite_now()


def test_working_days_ask_the_bots_calendar() -> None:
    # 5 January 2027 is Isra Mikraj: the first working day after Monday the 4th is the 6th.
    days = working_days(datetime(2027, 1, 5).date())
    assert [next(days), next(days)] == [datetime(2027, 1, 6).date(), datetime(2027, 1, 7).date()]
