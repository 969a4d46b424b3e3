"""The digest's chart: what it shows, asked of the figure before it becomes pixels."""

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image

from domain.digest import Digest, chart_weeks
from services.charts import (
    EMPTY_HOURS,
    MAX_CASES,
    digest_figure,
    digest_png,
    hours_text,
    period_text,
)
from texts import Texts

ROOT = Path(__file__).resolve().parents[2]
WEEK = date(2026, 11, 23)
AGENCY = "Kejaksaan Negeri Samarinda"


def digest(
    minutes: list[int] | None = None,
    progress: tuple[tuple[str, str, int, int], ...] = (),
    at_risk: tuple[tuple[str, str], ...] = (),
) -> Digest:
    weeks = chart_weeks(WEEK)
    minutes = minutes if minutes is not None else [0] * len(weeks)
    return Digest(
        week_start=WEEK,
        active_cases=len(progress),
        sessions_planned=0,
        sessions_held=0,
        credited_minutes_week=minutes[-1],
        credited_minutes_total=sum(minutes),
        completions=0,
        absences_invalid=0,
        at_risk=at_risk,
        weekly_minutes=tuple(zip(weeks, minutes, strict=True)),
        progress=progress,
    )


def axes_of(figure: Figure, gid: str) -> Axes:
    [axes] = [a for a in figure.axes if a.get_gid() == gid]
    return axes


def words(figure: Figure) -> list[str]:
    """Every piece of text on the figure, tick labels included."""
    figure.canvas.draw()
    found = [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]
    return [t for t in found if t]


def test_no_hours_yet_gives_a_whole_hours_axis_from_zero_and_says_so() -> None:
    figure = digest_figure(digest(), Texts("id"), AGENCY)
    weekly = axes_of(figure, "weekly")
    assert weekly.get_ylim() == (0, EMPTY_HOURS)
    ticks = [t for t in weekly.get_yticks() if 0 <= t <= EMPTY_HOURS]
    assert ticks[0] == 0 and ticks[-1] == EMPTY_HOURS
    assert all(float(t).is_integer() for t in ticks)
    assert "Belum ada jam tercatat" in words(figure)
    english = digest_figure(digest(), Texts("en"), AGENCY)
    assert "No hours recorded yet" in words(english)


def test_hours_per_week_carry_their_figures_with_a_decimal_comma() -> None:
    minutes = [0, 0, 370, 905, 1260, 1530, 1125, 750]
    figure = digest_figure(digest(minutes), Texts("id"), AGENCY)
    weekly = axes_of(figure, "weekly")
    bottom, top = weekly.get_ylim()
    assert bottom == 0 and top > 1530 / 60  # room above the highest bar for its figure
    shown = words(figure)
    assert {"0", "6,1", "15", "21", "25,5", "18,7", "12,5"} <= set(shown)
    assert "Belum ada jam tercatat" not in shown
    # Week labels say the year too.
    labels = [t.get_text() for t in weekly.get_xticklabels()]
    assert labels[0] == "5 Okt\n2026" and labels[-1] == "23 Nov\n2026"
    assert "12.5" in words(digest_figure(digest(minutes), Texts("en"), AGENCY))


def test_hours_are_never_rounded_up() -> None:
    assert hours_text(754, "id") == "12,5"  # 12.57 hours
    assert hours_text(720, "id") == "12"
    assert hours_text(59, "en") == "0.9"
    assert hours_text(0, "id") == "0"


def test_the_title_names_the_agency_and_the_period() -> None:
    shown = words(digest_figure(digest(), Texts("id"), AGENCY))
    assert AGENCY in shown
    assert any("23–29 November 2026" in w for w in shown)
    assert period_text(date(2026, 11, 30), date(2026, 12, 6), "id") == (
        "30 November – 6 Desember 2026"
    )
    assert period_text(date(2026, 12, 28), date(2027, 1, 3), "en") == (
        "28 December 2026 – 3 January 2027"
    )


def test_cases_show_code_initials_and_progress_least_advanced_first() -> None:
    progress = (
        ("KS-2026-0001", "B.S.", 1800, 2400),
        ("KS-2026-0002", "S.R.", 150, 2400),
        ("KS-2026-0003", "A.", 0, 1200),
    )
    figure = digest_figure(
        digest(progress=progress, at_risk=(("KS-2026-0002", "S.R."),)), Texts("id"), AGENCY
    )
    rows = [t.get_text() for t in axes_of(figure, "progress").get_yticklabels()]
    assert rows == ["KS-2026-0003  A.", "⚠ KS-2026-0002  S.R.", "KS-2026-0001  B.S."]
    shown = words(figure)
    assert "75% · 30 dari 40 jam" in shown and "6% · 2,5 dari 40 jam" in shown
    assert "⚠ berisiko" in shown


def test_a_long_list_shows_the_cases_furthest_behind() -> None:
    progress = tuple((f"KS-2026-{i:04d}", "A.B.", i * 60, 4800) for i in range(40))
    figure = digest_figure(digest(progress=progress), Texts("id"), AGENCY)
    rows = [t.get_text() for t in axes_of(figure, "progress").get_yticklabels()]
    assert len(rows) == MAX_CASES and rows[0] == "KS-2026-0000  A.B."
    assert any(f"{MAX_CASES} dari 40" in w for w in words(figure))


def test_legends_sit_above_their_panels_never_on_a_bar() -> None:
    progress = tuple((f"KS-2026-{i:04d}", "A.B.", 4700, 4800) for i in range(8))
    figure = digest_figure(digest([600] * 8, progress), Texts("id"), AGENCY)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    for gid in ("weekly", "progress"):
        axes = axes_of(figure, gid)
        legend = axes.get_legend()
        assert legend is not None
        assert legend.get_window_extent(renderer).y0 >= axes.get_window_extent(renderer).y1


def test_the_png_is_an_upright_picture_a_phone_shows_whole() -> None:
    png = digest_png(digest(), Texts("id"), AGENCY)
    assert png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    assert width <= 1280 and height > width / 2


def test_no_active_case_says_so() -> None:
    assert "Tidak ada kasus aktif" in words(digest_figure(digest(), Texts("id"), AGENCY))


@pytest.mark.parametrize(
    "module", ["services.charts", "services.digest_post", "handlers.groups", "scheduler.planning"]
)
def test_starting_the_bot_does_not_load_matplotlib(module: str) -> None:
    code = f"import sys, {module}; assert 'matplotlib' not in sys.modules, 'loaded'"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
