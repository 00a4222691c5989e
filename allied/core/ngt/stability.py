"""How stable the whole ranking is from one voting round to the next: Kendall's τ-b.

τ-b compares the order of the ideas in two rounds pair by pair, counting tied pairs fairly:

    τ-b = (C − D) / √((P − Tx)(P − Ty))

where P = n(n − 1)/2 pairs of the n ideas compared, C and D the pairs ordered the same way and the
opposite way in the two rounds, and Tx, Ty the pairs tied in the earlier and in the later round. It
runs from −1 (the order reversed) through 0 to 1 (the same order). It is what scipy.stats.kendalltau
computes by default; this version takes a stack of rankings at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Rankings compared per step when a stack is large: keeps the (rows, n, n) sign arrays small.
_CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class RoundStability:
    """τ-b between this round's ranking and the previous round's, over the ideas in both;
    `kendall_tau` is None when τ is not defined (fewer than two ideas, or one round ties them
    all)."""

    previous_round: int
    ideas_compared: int
    kendall_tau: float | None
    # The 95% interval of a paired bootstrap (`paired_interval`), when one was asked for.
    interval: tuple[float, float] | None = None


def kendall_tau_b(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return τ-b of each pair of rankings: x and y (..., n) → (...), NaN where undefined."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = x.shape[-1]
    lead = x.shape[:-1]
    if n < 2:
        # No pair to compare (no idea rated in both rounds, say): τ-b is not defined.
        return np.full(lead, np.nan)
    flat_x = x.reshape(-1, n)
    flat_y = y.reshape(-1, n)
    out = np.full(flat_x.shape[0], np.nan)
    pairs = n * (n - 1) / 2.0
    step = max(1, _CHUNK_CELLS // (n * n))
    for start in range(0, flat_x.shape[0], step):
        a = flat_x[start : start + step]
        b = flat_y[start : start + step]
        sx = np.sign(a[:, :, None] - a[:, None, :]).astype(np.int8)
        sy = np.sign(b[:, :, None] - b[:, None, :]).astype(np.int8)
        # Each unordered pair appears twice in the full matrices, and the diagonal never counts.
        score = (sx * sy).sum(axis=(1, 2), dtype=np.int64) / 2.0
        ties_x = ((sx == 0).sum(axis=(1, 2), dtype=np.int64) - n) / 2.0
        ties_y = ((sy == 0).sum(axis=(1, 2), dtype=np.int64) - n) / 2.0
        denominator = np.sqrt((pairs - ties_x) * (pairs - ties_y))
        with np.errstate(divide="ignore", invalid="ignore"):
            out[start : start + step] = np.where(denominator > 0, score / denominator, np.nan)
    return out.reshape(lead)


def between_rounds(
    previous_round: int, previous_ranks: np.ndarray, ranks: np.ndarray, compared: np.ndarray
) -> RoundStability:
    """Return the stability of a ranking from the previous round, over the ideas `compared`."""
    keep = np.flatnonzero(compared)
    tau = float(kendall_tau_b(previous_ranks[keep], ranks[keep]))
    return RoundStability(
        previous_round=previous_round,
        ideas_compared=len(keep),
        kendall_tau=tau if np.isfinite(tau) else None,
    )


def percentile_interval(taus: np.ndarray) -> tuple[float, float] | None:
    """Return the 2.5th and 97.5th percentiles (linear interpolation) of the τ-b that are
    defined, or None when none is."""
    finite = taus[np.isfinite(taus)]
    if finite.size == 0:
        return None
    low, high = np.quantile(finite, [0.025, 0.975], method="linear")
    return float(low), float(high)
