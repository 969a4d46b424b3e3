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


def _loaded_at_start(modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` importing the CLI and the Application loads (what `run` imports
    before its first getUpdates)."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, bot.cli, bot.app; print(' '.join(m for m in sys.argv[1:]"
            " if sys.modules.get(m) is not None))",
            *modules,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def test_starting_the_bot_loads_nothing_only_some_commands_or_settings_need() -> None:
    """bench/startup.py: the reports, the invitation card and the import's spreadsheet
    reader load with the first command that needs them; the holidays package with the first
    plan; prometheus-client when the metrics endpoint starts; httpx's command-line client
    (click, rich, pygments) never."""
    assert (
        _loaded_at_start(
            (
                "services.reports",
                "services.invitation_card",
                "services.importing",
                "domain.spreadsheet",
                "texts.spreadsheet_id",
                "holidays",
                "prometheus_client",
                "httpx._main",
                "rich",
                "click",
                "pygments",
            )
        )
        == []
    )
