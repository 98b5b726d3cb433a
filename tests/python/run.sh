#!/usr/bin/env bash
# The Python suite, against a freshly built extension.
#
#   bash tests/python/run.sh [pytest args...]
#
# 1. creates a venv if there is none: $STEWARD_VENV, default ./.venv at the
#    repository root (with $PYTHON, default python3; Python 3.9 or newer);
# 2. installs maturin, pytest and mypy into it, by package name;
# 3. builds the extension (debug) and installs the package in the venv,
#    editable: `maturin develop` in python/ with VIRTUAL_ENV set;
# 4. runs pytest on tests/python (config: tests/python/pytest.ini);
# 5. checks the stubs: mypy.stubtest on steward._steward, mypy --strict on the
#    package.
#
# Exits non-zero on any failure. Works from a clean clone; honours
# CARGO_TARGET_DIR (default ./target).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

venv="${STEWARD_VENV:-$root/.venv}"
case "$venv" in /*) ;; *) venv="$root/$venv" ;; esac
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
    case "$CARGO_TARGET_DIR" in /*) ;; *) CARGO_TARGET_DIR="$root/$CARGO_TARGET_DIR" ;; esac
    export CARGO_TARGET_DIR
fi
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    echo "==> creating venv $venv"
    "$python" -c 'import sys; assert sys.version_info >= (3, 9), "Python 3.9+ is needed"'
    "$python" -m venv "$venv"
fi
py="$venv/bin/python"

echo "==> installing maturin, pytest and mypy"
"$py" -m pip install --quiet --disable-pip-version-check "maturin>=1.9.4,<2" "pytest>=8" "mypy>=1.10" "pandas>=2" "numpy" "scipy" "polars"

echo "==> building the extension (maturin develop)"
(cd python && VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" "$venv/bin/maturin" develop --quiet)

echo "==> pytest"
"$py" -m pytest tests/python "$@"

echo "==> stubs (mypy.stubtest, mypy --strict)"
cache="$venv/.mypy_cache"
"$py" -m mypy.stubtest --mypy-config-file python/pyproject.toml steward._steward
"$py" -m mypy --config-file python/pyproject.toml --cache-dir "$cache" python/steward
