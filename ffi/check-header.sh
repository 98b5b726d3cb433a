#!/usr/bin/env bash
# Checks that the committed C header ffi/include/steward.h is exactly what
# cbindgen generates from ffi/src now (build.rs writes the fresh one into
# $OUT_DIR; the unit test `header::committed_header_is_current` compares).
#
#   ffi/check-header.sh           fail (exit 1) if the header is stale
#   ffi/check-header.sh --bless   rewrite ffi/include/steward.h, then check
#
# Honours CARGO_TARGET_DIR. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUST_BACKTRACE=0
bless=0
case "${1:-}" in
  "") ;;
  --bless) bless=1 ;;
  *) echo "usage: $0 [--bless]" >&2; exit 2 ;;
esac
if [ "$bless" = 1 ]; then
  STEWARD_BLESS=1 cargo test -q -p steward-ffi --lib -- header:: >/dev/null
fi
if cargo test -q -p steward-ffi --lib -- header::; then
  echo "ffi/include/steward.h is up to date"
else
  echo "ffi/include/steward.h is stale: run ffi/check-header.sh --bless and commit it" >&2
  exit 1
fi
