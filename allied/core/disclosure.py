"""Small-number disclosure control, for every report that counts people.

Counts of 1 to 7 are shown as "*"; other counts are rounded to the nearest 5; percentages are
worked out from the rounded figures; a mean or median over fewer than 8 people is not shown.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

SUPPRESSED = "*"
SMALLEST_SHOWN = 8


def rounded_count(count: int) -> int | None:
    """Return `count` rounded to the nearest 5, or None when it is 1 to 7 and must be hidden."""
    if count < 0:
        raise ValueError("a count cannot be negative")
    if 1 <= count < SMALLEST_SHOWN:
        return None
    return (count + 2) // 5 * 5


def disclose_count(count: int) -> str:
    """Return `count` as it may be shown: "*" for 1 to 7, otherwise rounded to the nearest 5."""
    shown = rounded_count(count)
    return SUPPRESSED if shown is None else str(shown)


def disclose_percentage(part: int, whole: int) -> str:
    """Return part/whole as a whole-number percentage of the rounded counts, or "*".

    Hidden when either count is hidden or the rounded whole is 0.
    """
    top, bottom = rounded_count(part), rounded_count(whole)
    if top is None or bottom is None or bottom == 0:
        return SUPPRESSED
    return f"{round(100 * top / bottom)}%"


def disclose_mean(values: Sequence[float]) -> float | None:
    """Return the mean of `values`, or None over fewer than 8 values."""
    return statistics.fmean(values) if len(values) >= SMALLEST_SHOWN else None


def disclose_median(values: Sequence[float]) -> float | None:
    """Return the median of `values`, or None over fewer than 8 values."""
    return statistics.median(values) if len(values) >= SMALLEST_SHOWN else None


def disclose_quantiles(values: Sequence[float]) -> tuple[float, float, float] | None:
    """Return the lower quartile, median and upper quartile, or None over fewer than 8 values."""
    if len(values) < SMALLEST_SHOWN:
        return None
    lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
    return lower, median, upper
