"""Kendall's coefficient of concordance W, corrected for ties, with its χ² test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Agreement:
    """Kendall's W with χ² = m(n − 1)W on n − 1 degrees of freedom; all None when undefined."""

    kendall_w: float | None
    chi2: float | None
    df: int | None
    p_value: float | None


def kendall_w(ranks: np.ndarray, tie_sums: np.ndarray) -> np.ndarray:
    """Return W for each block: ranks (..., m, n) of m voters over n ideas, tie_sums (..., m) of Σ(t³ − t).

    W = 12 S / (m²(n³ − n) − m Σ_j T_j) with S = Σ_i (R_i − m(n + 1)/2)². NaN where W is undefined
    (fewer than two voters or ideas, or every voter ties every idea).
    """
    return kendall_w_from_sums(ranks.sum(axis=-2), tie_sums.sum(axis=-1), ranks.shape[-2])


def kendall_w_from_sums(rank_sums: np.ndarray, tie_total: np.ndarray, m: int) -> np.ndarray:
    """Return W from each idea's rank sum R_i (..., n), Σ_j T_j (...) and the number of voters m."""
    n = rank_sums.shape[-1]
    s = ((rank_sums - m * (n + 1) / 2.0) ** 2).sum(axis=-1)
    denominator = m * m * (n**3 - n) - m * tie_total
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where((denominator > 0) & (m >= 2) & (n >= 2), 12.0 * s / denominator, np.nan)
    # W cannot exceed 1 (Cauchy–Schwarz); only floating-point rounding can push it over.
    return np.where(np.abs(w - 1.0) < 1e-12, 1.0, w)


def chi_square_p(chi2: np.ndarray, df: int) -> np.ndarray:
    """Return the upper-tail p-value of χ² on `df` degrees of freedom.

    scipy.special.chdtrc is the function scipy.stats.chi2.sf evaluates; importing it directly keeps the
    command's start-up quick (scipy.stats takes over a second to import).
    """
    from scipy.special import chdtrc

    return np.asarray(chdtrc(df, chi2), dtype=np.float64)


def agreement_from(w: float, m: int, n: int) -> Agreement:
    """Return the Agreement for one block given its W (NaN when undefined), m voters and n ideas."""
    if not np.isfinite(w):
        return Agreement(None, None, None, None)
    chi2 = m * (n - 1) * w
    return Agreement(float(w), float(chi2), n - 1, float(chi_square_p(np.asarray(chi2), n - 1)))
