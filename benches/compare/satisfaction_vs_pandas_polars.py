#!/usr/bin/env python3
"""Side by side, in one process: 10 million ratings in 1,000 groups.

- Steward (``steward.satisfaction.score_columns``): per group n, mean with
  Student-t interval, CSAT with Wilson interval, the 0–100 index, normal–
  normal and beta–binomial empirical-Bayes shrinkage with intervals, and the
  anonymity rule (primary + complementary suppression).
- pandas: ``df.groupby("g")["score"].mean()`` — plain group means only.
- polars: ``df.group_by("g").agg(pl.col("score").mean())`` — plain group means only.

Each contender gets the same data, already in memory in its own format
(NumPy arrays for Steward, a DataFrame for pandas and polars; building
them is not timed). Each is run ``--repeat`` times after one warm-up; the
median and the best are reported, with the ratios. Numbers are reported,
never asserted. Needs a release build of the extension;
``bash benches/run.sh satisfaction`` sets that up in benches/.venv and runs it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from typing import Any, Callable, Dict, List

import numpy as np
import pandas as pd
import polars as pl

import steward
from steward import satisfaction


def timed(fn: Callable[[], Any], repeat: int) -> Dict[str, float]:
    fn()  # warm-up
    times: List[float] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return {"median": statistics.median(times), "best": min(times)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--groups", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--seed", type=int, default=20221214)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    # Group sizes vary (some groups tiny, so suppression and shrinkage bite).
    weights = rng.gamma(0.7, 1.0, args.groups)
    groups = rng.choice(args.groups, size=args.rows, p=weights / weights.sum()).astype(np.uint32)
    bias = rng.normal(0, 0.35, args.groups)
    scores = np.clip(np.rint(3.9 + bias[groups] + rng.normal(0, 1.0, args.rows)), 1, 5).astype(np.uint8)

    pdf = pd.DataFrame({"g": groups, "score": scores})
    pldf = pl.DataFrame({"g": groups, "score": scores})

    def run_steward() -> Any:
        return satisfaction.score_columns(groups, scores, n_groups=args.groups)

    def run_pandas() -> Any:
        return pdf.groupby("g")["score"].mean()

    def run_polars() -> Any:
        return pldf.group_by("g").agg(pl.col("score").mean())

    # Same answers where they overlap (published groups).
    out = run_steward()
    pm = run_pandas()
    published = out.status == 0
    idx = np.nonzero(published)[0]
    diff = float(np.max(np.abs(out.mean[idx] - pm.reindex(idx).to_numpy()))) if idx.size else 0.0

    results = {
        "steward score_columns (index + shrinkage + intervals + suppression)": timed(run_steward, args.repeat),
        "pandas groupby mean": timed(run_pandas, args.repeat),
        "polars group_by mean": timed(run_polars, args.repeat),
    }
    s = results["steward score_columns (index + shrinkage + intervals + suppression)"]["median"]
    p = results["pandas groupby mean"]["median"]
    q = results["polars group_by mean"]["median"]

    print(f"steward {steward.__version__}, numpy {np.__version__}, pandas {pd.__version__}, polars {pl.__version__}")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()}")
    print(f"{args.rows:,} ratings, {args.groups:,} groups, {args.repeat} runs each after a warm-up")
    print(f"groups published {int(published.sum())}, suppressed {int((~published).sum())}; "
          f"max |steward mean − pandas mean| over published groups = {diff:.2e}")
    for name, r in results.items():
        print(f"  {name:<70} median {r['median'] * 1e3:8.1f} ms   best {r['best'] * 1e3:8.1f} ms")
    print(f"pandas / steward = {p / s:.2f}x  (goal: ≥ 5x)")
    print(f"steward / polars = {s / q:.2f}x  (goal: ≤ 1.5x)")


if __name__ == "__main__":
    main()
