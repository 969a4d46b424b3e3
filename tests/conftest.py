"""Fixtures every test may use: the one clock the suite runs on (see ``tests/clock.py``)."""

from datetime import datetime

import pytest

from tests.clock import Clock, suite_now


@pytest.fixture
def now() -> datetime:
    """The instant a test starts from: fixed, never the machine's clock."""
    return suite_now()


@pytest.fixture
def clock(now: datetime) -> Clock:
    """A clock starting at ``now``, shared by the bot and the fake Bot API in e2e tests."""
    return Clock(now)
