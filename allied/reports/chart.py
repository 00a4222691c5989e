"""The dashboard's charts, drawn on the server so that they need no script in the browser.

They are drawn from the published (suppressed and rounded) figures only, never from raw counts,
and returned as PNG data URIs: the page's Content Security Policy allows `data:` images but no
inline style, which matplotlib's SVG output would need.
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from allied.core.disclosure import SUPPRESSED

# Names people type (a cohort called "$5k to $10k") are text, never TeX to parse.
matplotlib.rcParams["text.parse_math"] = False


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


def share_chart(bars: list[tuple[str, str]], axis_label: str) -> str | None:
    """Returns a horizontal bar chart of percentages by group (e.g. the share of each group's
    mentees who were matched) as a data URI, or None with no groups. A hidden share is drawn
    as an empty bar labelled "*"; the figures are the published ones, rounded first."""
    if not bars:
        return None
    figure = Figure(figsize=(8, 0.45 * len(bars) + 1.2), dpi=100)
    axes = figure.subplots()
    labels = [_wrap(label) for label, _ in bars]
    values = [0 if share == SUPPRESSED else int(share.rstrip("%")) for _, share in bars]
    places = range(len(bars))
    drawn = axes.barh(places, values, color="#005eb8")
    for bar, (_, share) in zip(drawn, bars, strict=True):
        axes.annotate(
            share,
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    axes.set_yticks(places, labels, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, max(100, *values) * 1.1)
    axes.set_xlabel(axis_label)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _wrap(label: str, width: int = 32) -> str:
    """Breaks a long group name over lines of about `width` characters."""
    lines, line = [], ""
    for word in label.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])
