#!/usr/bin/env python3
"""Runs the Curtois-Qu instances with Steward's roster engine and with OR-Tools
CP-SAT at the same time limit and writes the comparison table.

    nsp_table.py --seconds 60 [--instances 1-24] [--seed 1] [--threads 1] [--cpsat-python PY]
                 [--nsp PATH] [--results DIR] [--no-cpsat] [--no-ours]
                 [--cpsat-from nsp_<S>s_cpsat.json] [--tag SUFFIX]

For each instance: ``nsp solve`` (our engine, ``--threads`` searches side by
side, default one), then ``nsp eval`` on
its roster (the objective recomputed from the instance alone), then
``nsp_cpsat.py`` (``num_workers`` = the machine's cores) and ``nsp eval`` on its
roster. Writes ``nsp_<seconds>s.md`` (the table), ``nsp_<seconds>s.json`` (all
numbers) and the rosters under ``rosters/`` into the results folder, adding
rows as instances finish, with the machine's load (``uptime``) before and
after. ``--no-ours`` runs the peer alone and ``--cpsat-from`` copies the peer's
rows from such an earlier run instead of running it again (CP-SAT does not
depend on our code, so one quiet run of it serves several of ours; the table
says when the peer ran). Best-known values are the upper bounds of
../shared/benchmarks/nsp/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import time
from typing import Dict, List, Optional

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "benchmarks" / "nsp"

BEST_KNOWN = {
    1: 607, 2: 828, 3: 1001, 4: 1716, 5: 1143, 6: 1950, 7: 1056, 8: 1300, 9: 439, 10: 4631,
    11: 3443, 12: 4040, 13: 1348, 14: 1278, 15: 3829, 16: 3225, 17: 5746, 18: 4459, 19: 3149,
    20: 4769, 21: 21133, 22: 30241, 23: 17428, 24: 42463,
}


def instances(spec: str) -> List[int]:
    out: List[int] = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "uptime unavailable"


def evaluate(nsp: pathlib.Path, instance: pathlib.Path, roster: pathlib.Path) -> Dict[str, Optional[int]]:
    """The objective and hard violations recomputed by ``nsp eval``."""
    p = subprocess.run([str(nsp), "eval", str(instance), str(roster)], capture_output=True, text=True, check=False)
    m = re.search(r"objective (\d+) .*hard_violations (\d+)", p.stdout)
    if not m:
        return {"objective": None, "hard_violations": None}
    return {"objective": int(m.group(1)), "hard_violations": int(m.group(2))}


def gap(value: Optional[int], best: int) -> str:
    if value is None:
        return "-"
    return f"{100.0 * (value - best) / best:.1f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--instances", default="1-24")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1, help="searches side by side (nsp solve --threads)")
    ap.add_argument("--nsp", type=pathlib.Path, default=None, help="the nsp binary (default: release build)")
    ap.add_argument("--cpsat-python", default=os.environ.get("NSP_CPSAT_PYTHON", str(ROOT / "benches" / ".venv" / "bin" / "python")))
    ap.add_argument("--results", type=pathlib.Path, default=ROOT / "benches" / "results")
    ap.add_argument("--no-cpsat", action="store_true")
    ap.add_argument("--no-ours", action="store_true", help="run the peer only")
    ap.add_argument("--cpsat-from", type=pathlib.Path, default=None,
                    help="copy the CP-SAT columns from this earlier nsp_table.py JSON instead of running it")
    ap.add_argument("--tag", default="")
    args = ap.parse_args()
    reused: Dict[str, dict] = {}
    reused_note = ""
    if args.cpsat_from is not None:
        earlier = json.loads(args.cpsat_from.read_text(encoding="utf-8"))
        if float(earlier["seconds"]) != args.seconds:
            print(f"{args.cpsat_from} ran at {earlier['seconds']} s, not {args.seconds} s", file=sys.stderr)
            return 2
        reused = {r["instance"]: r for r in earlier["rows"]}
        reused_note = (f" CP-SAT columns copied from `{args.cpsat_from.name}` (run started "
                       f"{earlier.get('started', '?')}, load before `{earlier.get('load_before', '?')}`).")

    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    nsp = args.nsp or target / "release" / "nsp"
    if not nsp.exists():
        print(f"no nsp binary at {nsp}; build it with cargo build --release -p steward-benches --bin nsp",
              file=sys.stderr)
        return 2
    cores = os.cpu_count() or 1
    secs = f"{args.seconds:g}"
    stem = f"nsp_{secs}s{args.tag}"
    args.results.mkdir(parents=True, exist_ok=True)
    rosters = args.results / "rosters"
    rosters.mkdir(exist_ok=True)
    md = args.results / f"{stem}.md"
    js = args.results / f"{stem}.json"
    load_before = uptime()
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    rows: List[dict] = []

    def write(done: bool) -> None:
        lines = [
            f"# Curtois-Qu NSP instances: Steward vs OR-Tools CP-SAT at {secs} s each",
            "",
            f"Started {started}; machine: {cores} cores. Steward: `nsp solve --seconds {secs} --seed {args.seed}"
            f"{' --threads ' + str(args.threads) if args.threads != 1 else ''}` "
            f"({'one thread' if args.threads == 1 else str(args.threads) + ' threads'}). CP-SAT: `nsp_cpsat.py --seconds {secs} --workers {cores}`. Objectives recomputed by "
            "`nsp eval` from the instance and the roster alone. Gap = (value - best known) / best known."
            + reused_note,
            "",
            f"Load before: `{load_before}`",
            "",
            "| instance | best known | ours | gap % | hard | CP-SAT | gap % | hard | CP-SAT status |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in rows:
            lines.append(
                f"| {r['instance']} | {r['best_known']} | {r['ours'] if r['ours'] is not None else '-'} | "
                f"{gap(r['ours'], r['best_known'])} | {r['ours_hard'] if r['ours_hard'] is not None else '-'} | "
                f"{r['cpsat'] if r['cpsat'] is not None else '-'} | {gap(r['cpsat'], r['best_known'])} | "
                f"{r['cpsat_hard'] if r['cpsat_hard'] is not None else '-'} | {r['cpsat_status']} |"
            )
        if done:
            lines += ["", f"Load after: `{uptime()}`", f"Finished {time.strftime('%Y-%m-%d %H:%M:%S %Z')}."]
        md.write_text("\n".join(lines) + "\n", encoding="utf-8")
        js.write_text(json.dumps({"seconds": args.seconds, "seed": args.seed, "threads": args.threads, "cores": cores,
                                  "load_before": load_before, "started": started, "rows": rows}, indent=1) + "\n", encoding="utf-8")

    for n in instances(args.instances):
        inst = DATA / f"Instance{n}.txt"
        ours_path = rosters / f"Instance{n}_ours_{secs}s{args.tag}.json"
        ours: Dict[str, Optional[int]] = {"objective": None, "hard_violations": None}
        if not args.no_ours:
            if ours_path.exists():
                ours_path.unlink()
            subprocess.run(
                [str(nsp), "solve", str(inst), "--seconds", secs, "--seed", str(args.seed),
                 "--threads", str(args.threads), "--out", str(ours_path), "--quiet"],
                check=False,
            )
            if ours_path.exists():
                ours = evaluate(nsp, inst, ours_path)
        row = {
            "instance": f"Instance{n}",
            "best_known": BEST_KNOWN[n],
            "ours": ours["objective"],
            "ours_hard": ours["hard_violations"],
            "cpsat": None,
            "cpsat_hard": None,
            "cpsat_status": "not run",
        }
        if row["instance"] in reused:
            for k in ("cpsat", "cpsat_hard", "cpsat_status"):
                row[k] = reused[row["instance"]][k]
        elif not args.no_cpsat:
            cp_path = rosters / f"Instance{n}_cpsat_{secs}s.json"
            if cp_path.exists():
                cp_path.unlink()
            p = subprocess.run(
                [args.cpsat_python, str(ROOT / "benches" / "compare" / "nsp_cpsat.py"), str(inst),
                 "--seconds", secs, "--workers", str(cores), "--out", str(cp_path)],
                capture_output=True, text=True, check=False,
            )
            try:
                status = json.loads(p.stdout.strip().splitlines()[-1])["status"]
            except (IndexError, ValueError, KeyError):
                status = "error: " + (p.stderr.strip().splitlines() or ["?"])[-1][:80]
            row["cpsat_status"] = status
            if cp_path.exists():
                cp = evaluate(nsp, inst, cp_path)
                row["cpsat"], row["cpsat_hard"] = cp["objective"], cp["hard_violations"]
        rows.append(row)
        print(json.dumps(row), flush=True)
        write(False)
    write(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
