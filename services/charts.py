"""The digest's chart: hours per week, and how far each active case has come.

A picture people would rather look at than read, drawn with matplotlib's Agg backend
(no screen) into a PNG. Cases are labelled by code and initials only: the chart goes to
groups too.

Drawing takes a few hundred milliseconds of CPU: :func:`render_digest_png` draws in a worker
thread so the event loop goes on answering meanwhile. matplotlib is not thread-safe, so the
figure is its own (``Figure``, not pyplot's global state) and one chart is drawn at a time.
"""

import asyncio
import io
import threading

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from domain.digest import Digest
from texts import Texts
from texts.formatting import format_day

MAX_CASES = 25

_DRAWING = threading.Lock()


async def render_digest_png(digest: Digest, texts: Texts) -> bytes:
    """:func:`digest_png` in a worker thread."""
    return await asyncio.to_thread(digest_png, digest, texts)


def digest_png(digest: Digest, texts: Texts) -> bytes:
    with _DRAWING:
        return _draw(digest, texts)


def _draw(digest: Digest, texts: Texts) -> bytes:
    cases = sorted(digest.progress, key=lambda p: p[2] / p[3] if p[3] else 1)[:MAX_CASES]
    height = 3.2 + 0.28 * max(len(cases), 3)
    figure = Figure(figsize=(7, height))
    weekly, progress = figure.subplots(
        2, 1, gridspec_kw={"height_ratios": [3, max(len(cases), 3) / 3]}
    )
    labels = [
        format_day(start, texts.lang).split(", ")[1].rsplit(" ", 1)[0]
        for start, _ in digest.weekly_minutes
    ]
    weekly.bar(labels, [m / 60 for _, m in digest.weekly_minutes], color="#2e7d32")
    weekly.set_title(texts.plain("chart.weekly"))
    weekly.set_ylabel(texts.plain("chart.hours"))
    weekly.tick_params(axis="x", labelrotation=30, labelsize=8)
    if cases:
        names = [f"{code} ({initials})" for code, initials, _, _ in cases]
        done = [credited / 60 for _, _, credited, _ in cases]
        left = [max(total - credited, 0) / 60 for _, _, credited, total in cases]
        progress.barh(names, done, color="#2e7d32", label=texts.plain("chart.done"))
        progress.barh(names, left, left=done, color="#cfd8dc", label=texts.plain("chart.left"))
        progress.invert_yaxis()
        progress.tick_params(axis="y", labelsize=7)
        progress.legend(loc="lower right", fontsize=7)
    else:
        progress.axis("off")
    progress.set_title(texts.plain("chart.progress"))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()
