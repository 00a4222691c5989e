"""Rank stability by bootstrap over voters: seeded, reproducible, vectorised.

Each resample draws the block's voters with replacement (within each group for a pooled block, so a
resample keeps the groups' sizes). Most ranking keys are sums over voters, so a resample's keys are a
matrix product of how often each voter was drawn with each voter's contribution: no Python loop per
resample.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from allied.core.ngt.ranking import competition_rank


@dataclass(frozen=True)
class BootstrapSettings:
    """How many resamples to draw, the seed, and N for "probability of staying in the top N".

    `top_n` None means k for a top-k scheme, otherwise 5 (never more than the ideas on the ballot).
    """

    resamples: int = 1000
    seed: int = 0
    top_n: int | None = None

    def __post_init__(self) -> None:
        if self.resamples < 1:
            raise ValueError(f"The bootstrap needs at least one resample, not {self.resamples}.")
        if self.top_n is not None and self.top_n < 1:
            raise ValueError(f"The top N must be at least 1, not {self.top_n}.")


def block_rng(seed: int, identity: Sequence[object]) -> np.random.Generator:
    """Return the generator for one block, derived from the seed and the block's labels.

    Deriving it from labels rather than position means a question gives the same resamples whether
    it is tallied alone or with others. Python's hash() is salted per process, so use BLAKE2.
    """
    digest = hashlib.blake2b(repr(tuple(identity)).encode("utf-8"), digest_size=16).digest()
    words = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]
    return np.random.default_rng(np.random.SeedSequence([seed & 0xFFFFFFFF, seed >> 32, *words]))


def draw_counts(
    rng: np.random.Generator, strata: Sequence[int], resamples: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return (indices (B, m), counts (B, m)): the voters drawn in each resample and how often each.

    `strata` are the sizes of consecutive voter groups; each is resampled within itself.
    """
    m = int(sum(strata))
    parts = []
    offset = 0
    for size in strata:
        parts.append(rng.integers(0, size, size=(resamples, size)) + offset)
        offset += size
    idx = np.concatenate(parts, axis=1)
    flat = (np.arange(resamples)[:, None] * m + idx).ravel()
    counts = np.bincount(flat, minlength=resamples * m).reshape(resamples, m).astype(np.float64)
    return idx, counts


def resampled_ranks(
    counts: np.ndarray,
    linear: Mapping[str, np.ndarray],
    chain: Sequence[str],
    key_from_sums: object,
    gathered: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Return competition ranks (..., B, n) of every resample.

    `counts` (..., B, m) says how often each voter was drawn; `linear` holds per-voter contributions
    (..., m, n) whose resampled sums are `counts @ contribution`; `key_from_sums(name, sums,
    gathered)` turns those sums into the tie-break key `name`.
    """
    names = list(linear)
    stacked = np.concatenate(
        [np.asarray(linear[name], dtype=np.float64) for name in names], axis=-1
    )
    # Counts and most contributions are small whole numbers, exact in float32 below 2**24, and
    # float32 halves the memory traffic of the one product all keys share.
    exact = (
        np.array_equal(stacked, np.round(stacked))
        and float(np.abs(stacked).sum(axis=-2).max(initial=0.0)) * counts.sum(axis=-1).max() < 2**24
    )
    dtype = np.float32 if exact else np.float64
    product = np.matmul(counts.astype(dtype), stacked.astype(dtype)).astype(np.float64)
    n = linear[names[0]].shape[-1]
    sums = {name: product[..., i * n : (i + 1) * n] for i, name in enumerate(names)}
    keys = [key_from_sums(name, sums, gathered) for name in chain]  # type: ignore[operator]
    return competition_rank(keys)


def summarise(ranks: np.ndarray, top_n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (P(rank ≤ top_n), 2.5th percentile rank, 97.5th percentile rank) over axis -2.

    The percentiles use the inverted empirical distribution, so both ends are ranks actually seen.
    """
    probability = (ranks <= top_n).mean(axis=-2)
    low, high = np.quantile(ranks, [0.025, 0.975], axis=-2, method="inverted_cdf")
    return probability, low.astype(np.int64), high.astype(np.int64)
