"""Benchmark: Allied's full NGT tally (with Kendall's W) against a plain pandas group-by of the totals.

Run `.venv/bin/python bench/bench_ngt.py [--quick]`. Both sides start from the same columnar data (one
row per choice, integer codes), generated with a fixed seed; each is timed best-of-N in the same run.
The last line printed is JSON; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from allied.core.ngt import BallotTable, BootstrapSettings, Question, tally_table, top_k

TARGET_RATIO = 3.0
# The issue sets no bootstrap target; this budget (a minute for 1,000 questions at 1,000 resamples)
# catches a regression to per-resample Python loops, which would be hundreds of times slower.
BOOTSTRAP_TARGET_MS_PER_QUESTION = 60.0


def make_ballots(questions: int, voters: int, ideas: int, k: int, seed: int) -> BallotTable:
    """Return complete top-k ballots: every voter ranks k distinct ideas, ideas chosen with skewed odds."""
    rng = np.random.default_rng(seed)
    # Gumbel-top-k sampling: distinct ideas per voter, vectorised, with some ideas more popular.
    popularity = rng.normal(0, 1, size=(questions, 1, ideas))
    noise = rng.gumbel(size=(questions, voters, ideas))
    chosen = np.argsort(-(popularity + noise), axis=2)[:, :, :k]
    q = np.repeat(np.arange(questions), voters * k)
    p = np.tile(np.repeat(np.arange(voters), k), questions)
    rank = np.tile(np.arange(1, k + 1), questions * voters).astype(np.float64)
    names = tuple(f"idea {i + 1}" for i in range(ideas))
    return BallotTable(
        questions=tuple(Question(f"question {j + 1}", names) for j in range(questions)),
        question=q,
        round=np.ones_like(q),
        group=np.zeros_like(q),
        participant=p,
        idea=chosen.ravel(),
        value=rank,
        participants=tuple(f"p{i}" for i in range(voters)),
    )


def best_of(repeats: int, fn: Callable[[], object]) -> tuple[float, object]:
    """Return (best wall time in seconds, last result) over `repeats` runs."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    args = parser.parse_args(argv)
    questions, voters, ideas, k = (50, 12, 20, 5) if args.quick else (1000, 50, 30, 5)
    resamples = 200 if args.quick else 1000
    repeats = 3 if args.quick else 5
    table = make_ballots(questions, voters, ideas, k, seed=20240611)
    scheme = top_k(k)
    frame = pd.DataFrame(
        {
            "question": table.question,
            "participant": table.participant,
            "idea": table.idea,
            "rank": table.value,
        }
    )

    def pandas_totals() -> pd.Series:
        points = k - frame["rank"] + 1
        return points.groupby([frame["question"], frame["idea"]]).sum()

    # Warm both paths once (imports, scipy's lazy loading) before timing.
    pandas_totals()
    tally_table(table, scheme)
    pandas_s, totals = best_of(repeats, pandas_totals)
    allied_s, result = best_of(repeats, lambda: tally_table(table, scheme))

    # The two must agree before the times mean anything.
    expected = totals.unstack(fill_value=0).reindex(columns=range(ideas), fill_value=0).to_numpy()
    got = np.stack([r.columns["total"] for r in result.questions])  # type: ignore[attr-defined]
    if not np.array_equal(expected, got):
        print("MISMATCH: Allied's totals differ from pandas'", file=sys.stderr)
        return 1
    ratio = allied_s / pandas_s

    boot_table = make_ballots(questions, voters, ideas, k, seed=7)
    boot_settings = BootstrapSettings(resamples=resamples, seed=1)
    boot_s, _ = best_of(1, lambda: tally_table(boot_table, scheme, bootstrap=boot_settings))
    per_question_ms = boot_s / questions * 1000
    ok = ratio <= TARGET_RATIO
    boot_ok = args.quick or per_question_ms <= BOOTSTRAP_TARGET_MS_PER_QUESTION

    print(
        f"NGT tally benchmark: {questions:,} questions × {voters} voters × {ideas} ideas, top-{k}"
    )
    print(f"  rows (one per choice):        {len(table.value):,}")
    print(f"  pandas group-by sum (totals): {pandas_s * 1000:8.1f} ms")
    print(
        f"  Allied full tally with W:     {allied_s * 1000:8.1f} ms  (×{ratio:.2f}; target ≤ ×{TARGET_RATIO})"
    )
    print(
        f"  bootstrap, {resamples:,} resamples:    {boot_s * 1000:8.1f} ms  "
        f"({per_question_ms:.2f} ms per question; target ≤ {BOOTSTRAP_TARGET_MS_PER_QUESTION} ms)"
    )
    print(
        json.dumps(
            {
                "benchmark": "ngt_bootstrap",
                "resamples": resamples,
                "seconds": round(boot_s, 3),
                "ms_per_question": round(per_question_ms, 3),
                "target_ms_per_question": BOOTSTRAP_TARGET_MS_PER_QUESTION,
                "ok": boot_ok,
            }
        )
    )
    print(
        json.dumps(
            {"benchmark": "ngt_tally", "ratio": round(ratio, 3), "target": TARGET_RATIO, "ok": ok}
        )
    )
    return 0 if ok and boot_ok else 1


if __name__ == "__main__":
    sys.exit(main())
