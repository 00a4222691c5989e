"""Peer for bench/bench_circles.py: the `anti-clustering` package's exchange method.

Runs inside its own virtual environment (bench/.peers/anticlust/, made by the benchmark), never
in Allied's: the package pins older NumPy and pandas. Usage::

    python anticlust_peer.py COHORT.csv GROUPS OUT.csv [--seed N] [--restarts R]

COHORT.csv holds `id` and the categorical columns to spread; every column but `id` is used.
The package's ExchangeHeuristicAntiClustering (Papenberg and Klau 2021) maximises the summed
within-group distance, Hamming over the categorical columns (the share of columns that differ:
proportional to the squared distance between their one-hot codes). OUT.csv gets `id,circle`. The last line printed is JSON with
`solve_seconds`: the time of the package's `run` call alone (distance matrix, exchange, labels),
not of start-up, imports or file input and output.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import pandas as pd
from anti_clustering import ExchangeHeuristicAntiClustering


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cohort")
    parser.add_argument("groups", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--restarts", type=int, default=9, help="the package's default is 9")
    args = parser.parse_args(argv)
    df = pd.read_csv(args.cohort, dtype=str, keep_default_na=False)
    columns = [c for c in df.columns if c != "id"]
    solver = ExchangeHeuristicAntiClustering(random_seed=args.seed, restarts=args.restarts)
    start = time.perf_counter()
    result = solver.run(
        df=df,
        numerical_columns=None,
        categorical_columns=columns,
        num_groups=args.groups,
        destination_column="circle",
    )
    solve_seconds = time.perf_counter() - start
    result[["id", "circle"]].to_csv(args.out, index=False)
    print(json.dumps({"solve_seconds": solve_seconds, "groups": int(result["circle"].nunique())}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
