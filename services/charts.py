"""The digest's chart: hours per week, and how far each active case has come.

A picture people would rather look at than read, on a phone or on the meeting room's
projector: the agency and the period on top, then the hours credited in each of the chart's
weeks (the reported one dark, its figure on every bar), then every active case as a bar
from 0 to 100 %. Cases are labelled by code and initials only: the chart goes to groups too.
The colours differ in lightness, and what is left is hatched, so a grey printout reads the
same; the legends sit above their panels, where no bar can be.

matplotlib is imported on first use, in the worker thread, so the bot starts (and answers)
without loading it. Drawing takes a few hundred milliseconds of CPU: :func:`render_digest_png`
draws in a worker thread so the event loop goes on answering meanwhile. matplotlib is not
thread-safe, so the figure is its own (``Figure`` with an Agg canvas, never pyplot's global
state) and one chart is drawn at a time.
"""

import asyncio
import io
import textwrap
import threading
from datetime import date, timedelta
from typing import TYPE_CHECKING

from babel.dates import format_date

from domain.digest import Digest
from texts import Texts
from texts.formatting import hour_tenths

if TYPE_CHECKING:  # for the annotations only: importing matplotlib is the first drawing's job
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Cases drawn at most, those furthest from done first: beyond that a phone shows no label.
MAX_CASES = 15
#: The y axis of a chart with no hours yet: 0 to this many whole hours.
EMPTY_HOURS = 4
WIDTH_INCHES = 8.0
#: 8 x 150 = 1,200 pixels wide: sharp on a phone held upright and on a projector.
DPI = 150

# Distinct in lightness, so that they stay apart in grey (about 25 %, 45 %, 72 % and 90 %
# black); text on them is white on the dark ones, black on the light ones.
INK = "#212121"
MUTED = "#616161"
THIS_WEEK = "#1b5e20"
EARLIER_WEEKS = "#81c784"
DONE = "#2e7d32"
LEFT = "#eceff1"
LEFT_EDGE = "#90a4ae"
GRID = "#e0e0e0"

_LOCALES = {"id": "id_ID", "en": "en_GB"}
_DRAWING = threading.Lock()


async def render_digest_png(digest: Digest, texts: Texts, title: str) -> bytes:
    """:func:`digest_png` in a worker thread."""
    return await asyncio.to_thread(digest_png, digest, texts, title)


def digest_png(digest: Digest, texts: Texts, title: str) -> bytes:
    """The chart as a PNG, ``title`` (the agency's name) on top."""
    with _DRAWING:
        figure = digest_figure(digest, texts, title)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI)
        return buffer.getvalue()


def digest_figure(digest: Digest, texts: Texts, title: str) -> "Figure":
    """The chart, drawn but not saved: its axes are ``weekly`` and ``progress`` (by
    ``get_gid()``), for tests to ask what they show. Call it under the drawing lock, as
    :func:`digest_png` does, unless nothing else draws meanwhile."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    cases = sorted(digest.progress, key=lambda p: (_share(p[2], p[3]), p[0]))
    shown = cases[:MAX_CASES]
    heading = _heading_lines(title, texts, digest)
    # The layout in inches from the top, so that nothing depends on how many cases there are
    # but the height of the progress panel.
    weekly_height, row_height = 3.0, 0.44
    progress_height = row_height * max(len(shown), 2)
    height = (
        0.3
        + 0.34 * (len(heading) - 1)
        + 0.3  # the heading
        + 0.45
        + _SECTION  # the hours per week
        + weekly_height
        + 0.95  # the week labels
        + 0.3
        + _SECTION  # the progress
        + progress_height
        + 0.45  # the percentages under it
    )
    figure = Figure(figsize=(WIDTH_INCHES, height), facecolor="white")
    FigureCanvasAgg(figure)

    def at(inches: float) -> float:
        """A distance from the top, as the figure's y."""
        return 1 - inches / height

    y = 0.3
    for i, line in enumerate(heading):
        agency = i < len(heading) - 1
        figure.text(
            _MARGIN,
            at(y),
            line,
            fontsize=17 if agency else 13,
            fontweight="bold" if agency else "normal",
            color=INK if agency else MUTED,
            va="top",
        )
        y += 0.34 if agency else 0.3
    y += 0.45
    weekly = figure.add_axes(
        _box(0.1, at(y + _SECTION + weekly_height), weekly_height / height), gid="weekly"
    )
    _section(figure, weekly, at(y), texts.plain("chart.weekly"), _weekly(weekly, digest, texts))
    y += _SECTION + weekly_height + 0.95 + 0.3
    progress = figure.add_axes(
        _box(0.27, at(y + _SECTION + progress_height), progress_height / height),
        gid="progress",
    )
    heading_text, handles = _progress(progress, shown, len(cases), digest, texts)
    _section(figure, progress, at(y), heading_text, handles)
    return figure


#: Inches for a panel's title and its legend, above the panel.
_SECTION = 0.75
_MARGIN = 0.04
_RIGHT = 0.96


def _box(left: float, bottom: float, height: float) -> tuple[float, float, float, float]:
    return (left, bottom, _RIGHT - left, height)


def _section(
    figure: "Figure", axes: "Axes", top: float, heading: str, handles: list["Artist"]
) -> None:
    """A panel's title, and its legend under the title: above the panel, never on a bar."""
    figure.text(_MARGIN, top, heading, fontsize=14, fontweight="bold", color=INK, va="top")
    if handles:
        axes.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(_MARGIN - 0.008, top - 0.3 / figure.get_figheight()),
            bbox_transform=figure.transFigure,
            ncol=len(handles),
            frameon=False,
            fontsize=11,
            borderaxespad=0,
            handlelength=1.4,
            handleheight=1.0,
            columnspacing=1.6,
        )


def _heading_lines(title: str, texts: Texts, digest: Digest) -> list[str]:
    """The agency's name (wrapped if long), then what this is and its period."""
    lines = textwrap.wrap(title, width=52, max_lines=2, placeholder="…") or [""]
    last = digest.week_start + timedelta(days=6)
    period = period_text(digest.week_start, last, texts.lang)
    return [*lines, f"{texts.plain('chart.title')} · {period}"]


def period_text(first: date, last: date, lang: str) -> str:
    """ "23–29 November 2026", "30 November – 6 Desember 2026", "28 Desember 2026 –
    3 Januari 2027": the year once, the month once when it is the same."""
    locale = _LOCALES.get(lang, "id_ID")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{format_date(last, 'd MMMM y', locale=locale)}"
    if first.year == last.year:
        return (
            f"{format_date(first, 'd MMMM', locale=locale)} – "
            f"{format_date(last, 'd MMMM y', locale=locale)}"
        )
    return (
        f"{format_date(first, 'd MMMM y', locale=locale)} – "
        f"{format_date(last, 'd MMMM y', locale=locale)}"
    )


def hours_text(minutes: int, lang: str) -> str:
    """Hours with one decimal, never rounded up (``hour_tenths``): "12,5" in Indonesian,
    "12.5" in English, and "12" when the tenth is nought."""
    whole, tenth = divmod(hour_tenths(minutes), 10)
    if tenth == 0:
        return str(whole)
    return f"{whole}{',' if lang == 'id' else '.'}{tenth}"


def _share(credited: int, total: int) -> float:
    return min(credited / total, 1.0) if total > 0 else 1.0


def _frame(axes: "Axes") -> None:
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(MUTED)
    axes.tick_params(colors=INK, labelsize=11, length=0)


def _weekly(axes: "Axes", digest: Digest, texts: Texts) -> list["Artist"]:
    """Hours credited per week, each bar with its figure; the legend's handles."""
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    _frame(axes)
    weeks = list(digest.weekly_minutes)
    positions = list(range(len(weeks)))
    colours = [EARLIER_WEEKS] * len(weeks)
    if weeks:
        colours[-1] = THIS_WEEK
    axes.bar(positions, [m / 60 for _, m in weeks], width=0.66, color=colours, zorder=2)
    locale = _LOCALES.get(texts.lang, "id_ID")
    axes.set_xticks(
        positions,
        [f"{format_date(start, 'd MMM', locale=locale)}\n{start.year}" for start, _ in weeks],
    )
    if weeks:
        axes.get_xticklabels()[-1].set_fontweight("bold")
    axes.set_xlim(-0.6, max(len(weeks), 1) - 0.4)
    axes.set_xlabel(texts.plain("chart.week_of"), fontsize=11, color=MUTED, labelpad=6)
    axes.set_ylabel(texts.plain("chart.hours"), fontsize=11, color=MUTED)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=3))
    axes.grid(axis="y", color=GRID, linewidth=1)
    axes.set_axisbelow(True)
    top = max((m for _, m in weeks), default=0) / 60
    if top <= 0:
        # Nothing yet: 0 at the bottom, a few whole hours above it, and a word why it is empty.
        axes.set_ylim(0, EMPTY_HOURS)
        axes.text(
            0.5,
            0.55,
            texts.plain("chart.no_hours"),
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=15,
            color=MUTED,
            bbox={"boxstyle": "round,pad=0.7", "facecolor": "white", "edgecolor": GRID},
        )
        return []  # no bars, nothing to tell apart
    axes.set_ylim(0, top * 1.18)  # room for the figure over the highest bar
    for x, (_, minutes) in zip(positions, weeks, strict=True):
        axes.annotate(
            hours_text(minutes, texts.lang),
            (x, minutes / 60),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=12,
            fontweight="bold" if x == positions[-1] else "normal",
            color=INK,
        )
    return [
        Patch(color=THIS_WEEK, label=texts.plain("chart.this_week")),
        Patch(color=EARLIER_WEEKS, label=texts.plain("chart.earlier_weeks")),
    ]


def _progress(
    axes: "Axes",
    cases: list[tuple[str, str, int, int]],
    active: int,
    digest: Digest,
    texts: Texts,
) -> tuple[str, list["Artist"]]:
    """Each case's share done, from 0 to 100 %, the least advanced on top; the panel's
    title and its legend's handles."""
    from matplotlib.patches import Patch

    _frame(axes)
    heading = texts.plain("chart.progress")
    if active > len(cases):
        more = texts.plain("chart.lowest_first").format(shown=len(cases), active=active)
        heading = f"{heading} · {more}"
    axes.set_xlim(0, 100)
    if not cases:
        axes.set_ylim(0, 1)
        axes.set_yticks([])
        axes.set_xticks([])
        axes.spines["bottom"].set_visible(False)
        axes.text(
            0.5,
            0.5,
            texts.plain("chart.no_cases"),
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=13,
            color=MUTED,
        )
        return heading, []
    risky = {code for code, _ in digest.at_risk}
    rows = list(range(len(cases)))
    shares = [_share(credited, total) * 100 for _, _, credited, total in cases]
    axes.barh(
        rows,
        [100] * len(rows),
        height=0.64,
        color=LEFT,
        edgecolor=LEFT_EDGE,
        hatch="///",
        linewidth=0.8,
    )
    axes.barh(rows, shares, height=0.64, color=DONE)
    axes.set_yticks(
        rows,
        [
            f"{'⚠ ' if code in risky else ''}{code}  {initials}".rstrip()
            for code, initials, _, _ in cases
        ],
    )
    for tick, (code, _, _, _) in zip(axes.get_yticklabels(), cases, strict=True):
        if code in risky:
            tick.set_fontweight("bold")
    axes.set_ylim(len(rows) - 0.5, -0.5)  # the case furthest behind on top
    axes.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    axes.tick_params(axis="x", labelsize=10, colors=MUTED)
    axes.tick_params(axis="y", labelsize=11, pad=6)
    for y, share, (_, _, credited, total) in zip(rows, shares, cases, strict=True):
        label = texts.plain("chart.case_hours").format(
            percent=int(share),  # never rounded up, as the hours
            done=hours_text(credited, texts.lang),
            total=hours_text(total, texts.lang),
        )
        inside = share >= 50
        axes.text(
            share - 1.5 if inside else share + 1.5,
            y,
            label,
            ha="right" if inside else "left",
            va="center",
            fontsize=11,
            fontweight="bold",
            color="white" if inside else INK,
            bbox=None
            if inside
            else {"boxstyle": "square,pad=0.2", "facecolor": LEFT, "edgecolor": "none"},
        )
    handles: list[Artist] = [
        Patch(color=DONE, label=texts.plain("chart.done")),
        Patch(facecolor=LEFT, edgecolor=LEFT_EDGE, hatch="///", label=texts.plain("chart.left")),
    ]
    if risky & {code for code, _, _, _ in cases}:
        handles.append(Patch(color="none", label=texts.plain("chart.at_risk")))
    return heading, handles
