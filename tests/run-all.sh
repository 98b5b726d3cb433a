#!/usr/bin/env bash
# Runs every check of the project. This is the README's test command and what
# .ci/run calls. It needs a Rust toolchain, gcc, valgrind and python3 (with venv);
# it installs what else it needs (crates; maturin and pytest in a venv).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
step() { printf '\n==> %s  [%ds]\n' "$*" $((SECONDS - started)); }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test (unit, integration incl. crash safety/concurrency/hostile/privacy, doc tests incl. README and DESIGN)"
cargo test --workspace

step "cargo doc (warnings are errors)"
RUSTDOCFLAGS=-Dwarnings cargo doc --workspace --no-deps --quiet

step "test vectors are generated from their script"
for gen in tests/vectors/make_*_vectors.py; do python3 "$gen" --check; done

step "C header matches cbindgen's output"
bash ffi/check-header.sh

step "C suite under valgrind"
bash tests/c/run.sh

step "C suite under AddressSanitizer (installs clang if needed; see tests/README.md)"
bash tests/c/asan.sh

step "Python suite against a freshly built extension"
bash tests/python/run.sh

step "all checks passed"
