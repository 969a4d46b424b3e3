"""What starting the bot costs: nothing it does not need for the first update."""

import subprocess
import sys


def test_starting_the_bot_loads_no_document_library() -> None:
    """Issue #17: the charting, PDF, spreadsheet and image libraries load on first use, in
    the worker that renders them, not when the bot starts (a check-in never needs them)."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, bot.app; print(' '.join(m for m in ('matplotlib', 'reportlab',"
            " 'openpyxl', 'PIL', 'segno', 'numpy') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert loaded == []
