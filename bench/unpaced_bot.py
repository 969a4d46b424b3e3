"""``kerjasosial run`` with Telegram's overall limit (30 messages a second) lifted.

bench/inbound.py measures what the bot can process: at 100 updates a second, each answered,
the bot would send more than Telegram lets any bot send in a second (Telegram lifts that
only for paid broadcasts), and the benchmark would measure the limit instead of the bot.
Everything else is as in production, the pace of each chat included; the sending budget
under the real limits is bench/mixed_load.py's.

    python bench/unpaced_bot.py run
"""

import sys

from bot.cli import main
from bot.rate_limit import shared_budget

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], budget=shared_budget(overall_per_second=None)))
