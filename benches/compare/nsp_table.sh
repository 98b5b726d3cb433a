#!/usr/bin/env bash
# The NSP comparison table: Steward's roster engine vs OR-Tools CP-SAT on the
# 24 Curtois-Qu instances at the same time limit.
#
#   bash benches/compare/nsp_table.sh 60            # all 24 at 60 s each (~50 min)
#   bash benches/compare/nsp_table.sh 10 1-12       # instances 1-12 at 10 s
#
# Builds the release `nsp` binary, creates the CP-SAT venv if needed
# ($NSP_CPSAT_VENV, default benches/.venv; `pip install ortools`), then runs
# benches/compare/nsp_table.py, which writes benches/results/nsp_<S>s.md/.json.
# Extra arguments after the instance list go to nsp_table.py (e.g. --no-cpsat).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
seconds="${1:-60}"
list="${2:-1-24}"
shift $(( $# > 2 ? 2 : $# ))
venv="${NSP_CPSAT_VENV:-$root/benches/.venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import ortools" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check ortools
fi
cargo build --release -p steward-benches --bin nsp
exec python3 benches/compare/nsp_table.py --seconds "$seconds" --instances "$list" \
    --cpsat-python "$venv/bin/python" "$@"
