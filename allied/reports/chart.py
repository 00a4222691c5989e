"""The dashboard's chart, drawn on the server so that it needs no script in the browser.

It is drawn from the published (suppressed and rounded) figures only, never from raw counts,
and returned as a PNG data URI: the page's Content Security Policy allows `data:` images but no
inline style, which matplotlib's SVG output would need.
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from allied.core.disclosure import SUPPRESSED


def meetings_chart(months: list[tuple[str, str]]) -> str | None:
    """Returns a bar chart of meetings held by month as a data URI, or None with no months.
    A hidden month is drawn as an empty bar labelled "*"."""
    if not months:
        return None
    figure = Figure(figsize=(8, 3.5), dpi=100)
    axes = figure.subplots()
    labels = [label for label, _ in months]
    heights = [0 if value == SUPPRESSED else int(value) for _, value in months]
    bars = axes.bar(range(len(months)), heights, color="#005eb8")
    for bar, (_, value) in zip(bars, months, strict=True):
        axes.annotate(
            value,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    axes.set_xticks(range(len(months)), labels, rotation=45, ha="right", fontsize=8)
    axes.set_ylabel("Meetings held")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
