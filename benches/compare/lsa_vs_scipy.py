#!/usr/bin/env python3
"""Steward's linear sum assignment against scipy's, side by side.

Builds random dense matrices (fixed seeds) up to 2000 × 2000, solves each
with ``scipy.optimize.linear_sum_assignment`` and ``steward.linear_sum_assignment``
in the same process, checks that the optimal costs agree (exactly for integer
costs, to 1e-9 relative for float costs), and prints the times (best of
several runs, interleaved; a run of a small case times many calls in a
row) and the ratio steward / scipy (below 1: steward is
faster). Steward's time includes handing the numpy array to Rust.

Needs numpy, scipy and the steward extension built in release;
``bash benches/run.sh dispatch`` sets that up in benches/.venv and runs it.

Exits non-zero if any optimal cost differs (never because of a time).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from typing import Callable, List, Tuple

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment as scipy_lsa

import steward

CASES: List[Tuple[int, int, str]] = [
    (10, 10, "int"),
    (100, 100, "int"),
    (100, 100, "float"),
    (250, 250, "int"),
    (500, 500, "int"),
    (500, 500, "float"),
    (500, 1000, "int"),
    (1000, 1000, "int"),
    (1000, 1000, "float"),
    (1000, 2000, "int"),
    (2000, 1000, "int"),
    (2000, 2000, "int"),
    (2000, 2000, "float"),
]


def matrix(n: int, m: int, kind: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "int":
        return rng.integers(0, 1000, size=(n, m)).astype(np.float64)
    return rng.random((n, m))


def timed(f: Callable[[], Tuple[np.ndarray, np.ndarray]], number: int) -> Tuple[float, Tuple[np.ndarray, np.ndarray]]:
    """Seconds per call over `number` calls in a row, and the last result."""
    t = time.perf_counter()
    for _ in range(number):
        out = f()
    return (time.perf_counter() - t) / number, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max", type=int, default=2000, help="largest dimension to run (default 2000)")
    ap.add_argument("--maximize", action="store_true", help="maximise instead of minimising")
    args = ap.parse_args()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(
        f"steward {steward.__version__}, scipy {scipy.__version__}, numpy {np.__version__}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(f"{'size':>11} {'costs':>5}  {'scipy ms':>9}  {'steward ms':>10}  {'ratio':>6}  optimum")
    failed = 0
    ratios = []
    for n, m, kind in CASES:
        if max(n, m) > args.max:
            continue
        cost = matrix(n, m, kind, seed=n * 100_003 + m * 7 + (1 if kind == "float" else 0))
        runs = 7 if n * m <= 250_000 else 3
        # Small cases take microseconds: each run times many calls in a row.
        number = max(1, 10_000 // (n * m))
        # Interleaved, best of `runs` each: scipy, steward, scipy, steward...
        t_scipy = t_ours = float("inf")
        for _ in range(runs):
            ts, (rs, cs) = timed(lambda: scipy_lsa(cost, maximize=args.maximize), number)
            to, (ro, co) = timed(lambda: steward.linear_sum_assignment(cost, maximize=args.maximize), number)
            t_scipy, t_ours = min(t_scipy, ts), min(t_ours, to)
        want = cost[rs, cs].sum()
        got = cost[ro, co].sum()
        same = got == want if kind == "int" else abs(got - want) <= 1e-9 * max(1.0, abs(want))
        valid = (
            len(ro) == min(n, m)
            and bool(np.all(np.diff(ro) > 0))
            and len(set(co.tolist())) == len(co)
        )
        ok = same and valid
        failed += not ok
        ratio = t_ours / t_scipy
        ratios.append(ratio)
        print(
            f"{n:>5}x{m:<5} {kind:>5}  {t_scipy * 1e3:9.4f}  {t_ours * 1e3:10.4f}  {ratio:6.2f}  "
            f"{'equal' if ok else f'DIFFERENT: scipy {want!r}, steward {got!r}'}"
        )
    if ratios:
        geo = float(np.exp(np.mean(np.log(ratios))))
        print(f"geometric mean ratio steward/scipy: {geo:.2f} over {len(ratios)} cases")
    if failed:
        print(f"{failed} case(s) gave a different optimum", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
