"""An outage is a few log lines, not one per failed request."""

import logging
from datetime import UTC, datetime, timedelta

import pytest

from services.log_throttle import LogThrottle

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
log = logging.getLogger("test.throttle")


def test_one_line_a_minute_per_kind_then_how_many_were_held(
    caplog: pytest.LogCaptureFixture,
) -> None:
    throttle = LogThrottle()
    with caplog.at_level(logging.INFO, logger="test.throttle"):
        for second in range(0, 150, 5):  # a failure every 5 s for 2.5 minutes
            throttle.warning(log, "polling", T0 + timedelta(seconds=second), "unreachable %s", 1)
        throttle.warning(log, "disk full", T0 + timedelta(seconds=10), "disk full")
        throttle.recovered(log, "polling", "reachable again")
        throttle.recovered(log, "never failed", "nothing to say")
    assert [r.getMessage() for r in caplog.records] == [
        "unreachable 1",
        "unreachable 1 (11 more since the last line)",
        "unreachable 1 (11 more since the last line)",
        "disk full",  # another kind has its own minute
        "reachable again (5 more failures since the last line)",
    ]
    assert [r.levelno for r in caplog.records][-1] == logging.INFO


def test_after_recovering_the_next_failure_is_logged_at_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    throttle = LogThrottle()
    with caplog.at_level(logging.WARNING, logger="test.throttle"):
        assert throttle.warning(log, "outbox", T0, "down")
        throttle.recovered(log, "outbox", "up")
        assert throttle.warning(log, "outbox", T0 + timedelta(seconds=1), "down")
    assert [r.getMessage() for r in caplog.records] == ["down", "down"]
