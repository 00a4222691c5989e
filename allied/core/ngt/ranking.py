"""Vectorised ranking helpers shared by the tally, Kendall's W and the bootstrap.

Every function works along the last axis of arrays with any number of leading batch axes, so one call
ranks the ideas of thousands of ballots or resamples at once.
"""

from __future__ import annotations

import numpy as np

# Totals built from fractional points (0.1 + 0.2) must tie with 0.3; round before comparing.
_DECIMALS = 9


def competition_rank(keys: list[np.ndarray]) -> np.ndarray:
    """Return standard competition ranks (1, 2, 2, 4) ordering by `keys`, higher first.

    `keys` is the tie-break chain, most important first, each shaped (..., n). Items equal on every key
    share a rank; NaN counts as the worst value.
    """
    prepared = [np.nan_to_num(np.round(k.astype(np.float64), _DECIMALS), nan=-np.inf) for k in keys]
    # lexsort sorts by its last key first and ascending, so negate and reverse the chain.
    order = np.lexsort([-k for k in reversed(prepared)], axis=-1)
    n = order.shape[-1]
    differs = np.zeros(order.shape, dtype=bool)
    differs[..., 0] = True
    for k in prepared:
        ks = np.take_along_axis(k, order, axis=-1)
        differs[..., 1:] |= ks[..., 1:] != ks[..., :-1]
    positions = np.broadcast_to(np.arange(1, n + 1), order.shape)
    sorted_rank = np.maximum.accumulate(np.where(differs, positions, 0), axis=-1)
    ranks = np.empty(order.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, sorted_rank, axis=-1)
    return ranks


def descending_ranks(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (min ranks, average ranks, tie-group sizes) of `scores`, highest score ranked 1.

    Min ranks give places as a voter sees them (1, 2, 2, 4); average ranks (1, 2.5, 2.5, 4) are what
    Kendall's W needs; the sizes t let the caller form the tie correction Σ(t³ − t).
    """
    n = scores.shape[-1]
    negated = np.round(-scores.astype(np.float64), _DECIMALS)
    order = np.argsort(negated, axis=-1, kind="stable")
    ordered = np.take_along_axis(negated, order, axis=-1)
    starts = np.ones(order.shape, dtype=bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    ends = np.ones(order.shape, dtype=bool)
    ends[..., :-1] = starts[..., 1:]
    positions = np.broadcast_to(np.arange(1, n + 1), order.shape)
    first = np.maximum.accumulate(np.where(starts, positions, 0), axis=-1)
    last = np.flip(
        np.minimum.accumulate(np.flip(np.where(ends, positions, n + 1), axis=-1), axis=-1), axis=-1
    )
    out_min = np.empty(order.shape, dtype=np.float64)
    out_avg = np.empty(order.shape, dtype=np.float64)
    out_size = np.empty(order.shape, dtype=np.float64)
    np.put_along_axis(out_min, order, first, axis=-1)
    np.put_along_axis(out_avg, order, (first + last) / 2.0, axis=-1)
    np.put_along_axis(out_size, order, last - first + 1, axis=-1)
    return out_min, out_avg, out_size
