"""``kerjasosial`` as a real process, on the test's clock.

    python -m tests.e2e.launch 2027-06-02T01:00:00+00:00 run

runs ``bot.cli.main(["run"])`` exactly as the console script does, but with "now" starting
at the given instant and moving on with real elapsed time, and each chat paced in
milliseconds rather than at Telegram's one message a second (the overall limit stays). The
process under test then sees the same date as the data the test seeded, whatever the
machine's calendar says: the same seam (``clock``) the in-process tests use, with no setting
an operator could misuse.
"""

import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.cli import main
from bot.rate_limit import shared_budget


def clock_from(start: datetime) -> Callable[[], datetime]:
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m tests.e2e.launch ISO-INSTANT [kerjasosial arguments]")
    sys.exit(
        main(
            sys.argv[2:],
            clock=clock_from(datetime.fromisoformat(sys.argv[1])),
            # Chats paced in milliseconds (these tests burst hundreds of check-ins from one
            # pengawas to test robustness), the overall limit as in production: the outbox
            # then has one message in flight at a time, which tests/e2e/test_restart.py's
            # "at most one sent twice per crash" counts on.
            budget=shared_budget(private_chat_interval=0.005, group_per_minute=6000),
        )
    )
