#!/usr/bin/env python3
"""The peer for the NSP benchmark: a direct Google OR-Tools CP-SAT model of the
Curtois-Qu instances (the constraints and objective of
../shared/benchmarks/nsp/README.md), written for this comparison.

    nsp_cpsat.py InstanceN.txt --seconds S [--workers W] [--out roster.json]

Prints one JSON line: {"instance", "objective", "bound", "status", "seconds"} and
writes the roster in the same format as ``nsp solve`` (so ``nsp eval`` can
check it independently). Needs ``pip install ortools``.

The model: Boolean x[e, d, t] (employee e works shift type t on day d), at
most one per day; days off and MaxShifts = 0 fix variables to 0; "cannot
follow" pairs as x[e,d,s] + x[e,d+1,t] <= 1; MaxShifts per type; min/max total
minutes; maximum consecutive shifts as a sliding window over w[e,d] (works on
day d); minimum consecutive shifts and days off in their IP form (runs
touching the horizon's ends are exempt); weekends as k[e,w] >= w[e,sat],
w[e,sun], sum k <= MaxWeekends. Objective: on/off request weights plus cover
under/over penalties with integer slack variables.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time
from typing import Any, Dict, List, NamedTuple, Tuple


def parse(path: pathlib.Path) -> dict:
    """A small reader of the format (the Rust importer is the reference)."""
    section = None
    inst: dict = {"shifts": [], "staff": [], "days_off": {}, "on": [], "off": [], "cover": []}
    for raw in path.read_text(encoding="ascii").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            section = line
            continue
        f = line.split(",")
        if section == "SECTION_HORIZON":
            inst["horizon"] = int(line)
        elif section == "SECTION_SHIFTS":
            inst["shifts"].append((f[0], int(f[1]), [x for x in f[2].split("|") if x]))
        elif section == "SECTION_STAFF":
            max_shifts = {}
            for part in f[1].split("|"):
                if part:
                    k, v = part.split("=")
                    max_shifts[k] = int(v)
            inst["staff"].append(
                dict(id=f[0], max_shifts=max_shifts, max_min=int(f[2]), min_min=int(f[3]),
                     cmax=int(f[4]), cmin=int(f[5]), omin=int(f[6]), wmax=int(f[7]))
            )
        elif section == "SECTION_DAYS_OFF":
            inst["days_off"][f[0]] = [int(x) for x in f[1:]]
        elif section == "SECTION_SHIFT_ON_REQUESTS":
            inst["on"].append((f[0], int(f[1]), f[2], int(f[3])))
        elif section == "SECTION_SHIFT_OFF_REQUESTS":
            inst["off"].append((f[0], int(f[1]), f[2], int(f[3])))
        elif section == "SECTION_COVER":
            inst["cover"].append((int(f[0]), f[1], int(f[2]), int(f[3]), int(f[4])))
    return inst


class Model(NamedTuple):
    """The CP-SAT model of an instance, with the handles other scripts need."""

    model: Any
    """The ``cp_model.CpModel`` (objective not yet set)."""
    x: Dict[Tuple[int, int, str], Any]
    """x[e, d, t]: employee e works shift type t on day d (absent: not allowed)."""
    w: Dict[Tuple[int, int], Any]
    """w[e, d]: employee e works on day d."""
    objective: Any
    """The objective as a linear expression (requests and cover)."""


def build(inst: dict) -> Model:
    """The model of ``inst`` (from :func:`parse`), without its objective set."""
    from ortools.sat.python import cp_model

    h = inst["horizon"]
    shifts = [s[0] for s in inst["shifts"]]
    length = {s[0]: s[1] for s in inst["shifts"]}
    m = cp_model.CpModel()
    x: Dict[Tuple[int, int, str], object] = {}
    w: Dict[Tuple[int, int], object] = {}
    for e, emp in enumerate(inst["staff"]):
        off = set(inst["days_off"].get(emp["id"], []))
        for d in range(h):
            for t in shifts:
                if d in off or emp["max_shifts"].get(t, h) == 0:
                    continue
                x[e, d, t] = m.NewBoolVar(f"x_{e}_{d}_{t}")
            day = [x[e, d, t] for t in shifts if (e, d, t) in x]
            w[e, d] = m.NewBoolVar(f"w_{e}_{d}")
            m.Add(sum(day) == w[e, d])  # at most one shift; w = works
        # Cannot-follow pairs.
        for s, _, banned in inst["shifts"]:
            for t in banned:
                for d in range(h - 1):
                    if (e, d, s) in x and (e, d + 1, t) in x:
                        m.AddBoolOr([x[e, d, s].Not(), x[e, d + 1, t].Not()])
        # Max shifts per type, total minutes.
        for t, n in emp["max_shifts"].items():
            vs = [x[e, d, t] for d in range(h) if (e, d, t) in x]
            if vs and n < len(vs):
                m.Add(sum(vs) <= n)
        total = sum(length[t] * x[e, d, t] for d in range(h) for t in shifts if (e, d, t) in x)
        m.Add(total <= emp["max_min"])
        m.Add(total >= emp["min_min"])
        # Max consecutive shifts.
        c = emp["cmax"]
        for d in range(h - c):
            m.Add(sum(w[e, j] for j in range(d, d + c + 1)) <= c)
        # Min consecutive shifts / days off (IP forms; runs at the ends exempt).
        for k in range(1, emp["cmin"]):
            for d in range(h - k - 1):
                m.AddBoolOr([w[e, d]] + [w[e, j].Not() for j in range(d + 1, d + k + 1)] + [w[e, d + k + 1]])
        for k in range(1, emp["omin"]):
            for d in range(h - k - 1):
                m.AddBoolOr([w[e, d].Not()] + [w[e, j] for j in range(d + 1, d + k + 1)] + [w[e, d + k + 1].Not()])
        # Weekends.
        ks = []
        for wk in range(h // 7):
            kv = m.NewBoolVar(f"k_{e}_{wk}")
            m.AddMaxEquality(kv, [w[e, 7 * wk + 5], w[e, 7 * wk + 6]])
            ks.append(kv)
        m.Add(sum(ks) <= emp["wmax"])

    index = {emp["id"]: e for e, emp in enumerate(inst["staff"])}
    terms = []
    constant = 0
    for emp, d, t, weight in inst["on"]:
        e = index[emp]
        if (e, d, t) in x:
            terms.append(weight * (1 - x[e, d, t]))
        else:
            constant += weight
    for emp, d, t, weight in inst["off"]:
        e = index[emp]
        if (e, d, t) in x:
            terms.append(weight * x[e, d, t])
    for d, t, req, wu, wo in inst["cover"]:
        n = sum(x[e, d, t] for e in range(len(inst["staff"])) if (e, d, t) in x)
        under = m.NewIntVar(0, max(req, 0), f"u_{d}_{t}")
        over = m.NewIntVar(0, len(inst["staff"]), f"o_{d}_{t}")
        m.Add(n + under - over == req)
        terms.append(wu * under + wo * over)
    return Model(m, x, w, sum(terms) + constant)


def rows(inst: dict, x: Dict[Tuple[int, int, str], Any], solver: Any) -> List[List[str]]:
    """The roster of a solved model, one row per employee in ``inst`` order: the shift ID worked each day or ""."""
    shifts = [s[0] for s in inst["shifts"]]
    return [[next((t for t in shifts if (e, d, t) in x and solver.Value(x[e, d, t])), "")
             for d in range(inst["horizon"])] for e in range(len(inst["staff"]))]


def solve(inst: dict, seconds: float, workers: int) -> Tuple[dict, List[Tuple[str, List[str]]]]:
    """Solves ``inst`` with CP-SAT for at most ``seconds``; the result line and the roster."""
    from ortools.sat.python import cp_model

    m, x, _, objective = build(inst)
    m.Minimize(objective)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    started = time.monotonic()
    status = solver.Solve(m)
    elapsed = time.monotonic() - started
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    roster: List[Tuple[str, List[str]]] = []
    if found:
        roster = [(emp["id"], row) for emp, row in zip(inst["staff"], rows(inst, x, solver))]
    result = {
        "objective": int(round(solver.ObjectiveValue())) if found else None,
        "bound": int(round(solver.BestObjectiveBound())) if found else None,
        "status": solver.StatusName(status),
        "seconds": round(elapsed, 2),
    }
    return result, roster


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instance", type=pathlib.Path)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=pathlib.Path)
    args = ap.parse_args()
    inst = parse(args.instance)
    result, roster = solve(inst, args.seconds, args.workers)
    name = args.instance.stem
    line = {"instance": name, **result}
    print(json.dumps(line))
    if args.out is not None and roster:
        doc = {"instance": name, "objective": result["objective"], "seconds": result["seconds"],
               "roster": dict(roster)}
        args.out.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
