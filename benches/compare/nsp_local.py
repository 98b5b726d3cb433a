#!/usr/bin/env python3
"""Is a roster a local optimum? CP-SAT re-solves one neighbourhood of an NSP
roster at a time exactly and says whether any neighbour is better.

    nsp_local.py InstanceN.txt roster.json --people K   [--seconds S] [--out better.json]
    nsp_local.py InstanceN.txt roster.json --window L   [--seconds S] [--out better.json]
    nsp_local.py InstanceN.txt roster.json --cells N    [--seconds S] [--out better.json]

Neighbourhoods (everything outside one is fixed to the roster):
  --people K   every set of K employees, whole horizon (one solve per set);
  --window L   every employee, every run of L consecutive days (one per window);
  --cells N    every employee at once, each changing at most N of their days.

It tells which moves a local search needs to leave a roster: a neighbourhood
solved to OPTIMAL at the roster's own objective is proof that no move inside
it improves. The model is ``nsp_cpsat.build`` (the peer's), the roster is
given as a hint, and each solve has ``--seconds`` (default 30) and
``--workers`` (default 1). Prints one JSON line per neighbourhood and a
summary line; ``--out`` writes the best roster found (``nsp eval`` checks it).
Needs ``pip install ortools``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import pathlib
import sys
from typing import Iterator, List, Optional, Set, Tuple

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import nsp_cpsat  # noqa: E402  (the script's own folder)


def neighbourhoods(args: argparse.Namespace, people: int, days: int) -> Iterator[Tuple[str, Set[int], Set[int], Optional[int]]]:
    """(label, free employees, free days, per-employee change limit) of each neighbourhood."""
    everyone = set(range(people))
    horizon = set(range(days))
    if args.people is not None:
        for group in itertools.combinations(range(people), args.people):
            yield f"people {list(group)}", set(group), horizon, None
    elif args.window is not None:
        for a in range(days - args.window + 1):
            yield f"days {a}-{a + args.window - 1}", everyone, set(range(a, a + args.window)), None
    else:
        yield f"cells <= {args.cells} per employee", everyone, horizon, args.cells


def solve_one(inst: dict, roster: List[List[str]], free_people: Set[int], free_days: Set[int],
              cells: Optional[int], seconds: float, workers: int) -> Tuple[str, Optional[int], Optional[List[List[str]]]]:
    """Status, best objective and best roster of one neighbourhood."""
    from ortools.sat.python import cp_model

    m, x, w, objective = nsp_cpsat.build(inst)
    shifts = [s[0] for s in inst["shifts"]]
    for e, row in enumerate(roster):
        changed = []
        for d, value in enumerate(row):
            if value and (e, d, value) not in x:
                sys.exit(f"employee {inst['staff'][e]['id']} may not work shift {value!r} on day {d} "
                         "(unknown shift, a fixed day off or a shift type they may not work)")
            for t in shifts:
                if (e, d, t) in x:
                    on = 1 if t == value else 0
                    m.AddHint(x[e, d, t], on)
                    if not (e in free_people and d in free_days):
                        m.Add(x[e, d, t] == on)
            changed.append(w[e, d] if value == "" else 1 - x[e, d, value])
        if cells is not None:
            m.Add(sum(changed) <= cells)
    m.Minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    status = solver.Solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver.StatusName(status), None, None
    return solver.StatusName(status), int(round(solver.ObjectiveValue())), nsp_cpsat.rows(inst, x, solver)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instance", type=pathlib.Path)
    ap.add_argument("roster", type=pathlib.Path, help="a roster file as written by `nsp solve`")
    kind = ap.add_mutually_exclusive_group(required=True)
    kind.add_argument("--people", type=int, help="every set of this many employees, whole horizon")
    kind.add_argument("--window", type=int, help="everybody, every run of this many days")
    kind.add_argument("--cells", type=int, help="everybody, each changing at most this many days")
    ap.add_argument("--seconds", type=float, default=30.0, help="time limit of each solve")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", type=pathlib.Path, help="write the best roster found here")
    args = ap.parse_args()

    inst = nsp_cpsat.parse(args.instance)
    doc = json.loads(args.roster.read_text(encoding="utf-8"))
    ids = [emp["id"] for emp in inst["staff"]]
    missing = [i for i in ids if i not in doc["roster"]]
    if missing:
        sys.exit(f"{args.roster}: roster has no row for employee(s) {missing}")
    roster = [list(doc["roster"][i]) for i in ids]
    for i, row in zip(ids, roster):
        if len(row) != inst["horizon"]:
            sys.exit(f"{args.roster}: employee {i} has {len(row)} days, the horizon is {inst['horizon']}")

    # The roster's own objective under the model (nothing free), as a check.
    status, start, _ = solve_one(inst, roster, set(), set(), None, args.seconds, args.workers)
    if start is None:
        sys.exit(f"{args.roster}: the roster breaks a hard constraint of the model ({status})")

    best: Tuple[int, Optional[List[List[str]]]] = (start, None)
    count = proved = improved = 0
    for label, free_people, free_days, cells in neighbourhoods(args, len(ids), inst["horizon"]):
        status, value, found = solve_one(inst, roster, free_people, free_days, cells, args.seconds, args.workers)
        count += 1
        if status == "OPTIMAL" and value == start:
            proved += 1
        print(json.dumps({"neighbourhood": label, "status": status, "objective": value}), flush=True)
        if value is not None and value < start:
            improved += 1
            if value < best[0]:
                best = (value, found)
    summary = {"instance": args.instance.stem, "roster_objective": start, "neighbourhoods": count,
               "proved_no_better": proved, "improved": improved, "best": best[0]}
    print(json.dumps(summary))
    if args.out is not None and best[1] is not None:
        out = {"instance": args.instance.stem, "objective": best[0],
               "roster": {i: row for i, row in zip(ids, best[1])}}
        args.out.write_text(json.dumps(out) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
