#!/usr/bin/env bash
# Runs Steward's benchmarks side by side with their peers and keeps the output
# in benches/results/ (speed is reported here, never asserted in tests).
#
#   bash benches/run.sh [all|dispatch|satisfaction|nsp] [NSP_SECONDS] [NSP_INSTANCES]
#
# - dispatch:      criterion (rank 100k orders, LSA up to 2000x2000, a plan for
#                  1,000 orders and 200 staff) and steward vs scipy's
#                  linear_sum_assignment in one Python process
# - satisfaction:  criterion, and 10M ratings in 1,000 groups: steward vs
#                  pandas vs polars in one Python process
# - nsp:           the 24 Curtois-Qu instances, ours vs OR-Tools CP-SAT at the
#                  same time limit (default 60 s each; ~50 min for all 24)
#
# Installs what it needs into benches/.venv (numpy, scipy, pandas, polars,
# ortools, maturin) and builds the Python extension in release mode there.
# Honours CARGO_TARGET_DIR.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
what="${1:-all}"
nsp_seconds="${2:-60}"
nsp_instances="${3:-1-24}"
results="$root/benches/results"
mkdir -p "$results"
venv="${STEWARD_BENCH_VENV:-$root/benches/.venv}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

need_venv() {
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "maturin>=1.9.4,<2" numpy scipy "pandas>=2" polars ortools
}

extension_built=0
need_extension() {
    [ "$extension_built" = 1 ] && return 0
    need_venv
    (cd python && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" \
        "$venv/bin/maturin" develop --release --quiet)
    extension_built=1
}

machine() {
    echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
    echo "date: $stamp, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
}

case "$what" in all | dispatch)
    log="$results/dispatch_$stamp.txt"
    { machine; cargo bench -p steward-benches --bench dispatch 2>&1; } | tee "$log"
    need_extension
    "$venv/bin/python" benches/compare/lsa_vs_scipy.py | tee -a "$log"
    ;;
esac

case "$what" in all | satisfaction)
    log="$results/satisfaction_$stamp.txt"
    { machine; cargo bench -p steward-benches --bench satisfaction 2>&1; } | tee "$log"
    need_extension
    "$venv/bin/python" benches/compare/satisfaction_vs_pandas_polars.py | tee -a "$log"
    ;;
esac

case "$what" in all | nsp)
    need_venv
    NSP_CPSAT_VENV="$venv" bash benches/compare/nsp_table.sh "$nsp_seconds" "$nsp_instances"
    ;;
esac
