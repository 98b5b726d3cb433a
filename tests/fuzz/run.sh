#!/usr/bin/env bash
# Fuzzes Steward with libFuzzer (cargo fuzz), one target after the other.
#
#   bash tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 600 (ten minutes). TARGETs default to all:
#   call                every document entry point, named in the input
#   entry:<name>        one entry point of steward::wire::ENTRIES, for every
#                       folder of tests/vectors/ (estate, dispatch.rank, ...)
#   store_open          Store::open on arbitrary bytes, then the Store API
#   store_patch         a valid database damaged by the input's patches
#   ffi                 the C ABI driven like a C program
#   nsp                 the NSP benchmark parser
# e.g. `bash tests/fuzz/run.sh 60 call entry:estate`.
#
# Installs what it needs: the nightly toolchain (rustup) and cargo-fuzz
# (`cargo install cargo-fuzz`). Runs at `nice -n 19` (STEWARD_FUZZ_NICE) so a
# shared machine stays usable. Seeds come from tests/fuzz/corpus/<target>/
# (refreshed from tests/vectors by seed.py); what the fuzzer finds goes to
# tests/fuzz/work/ (git-ignored) and crashes to tests/fuzz/artifacts/<target>/.
# With STEWARD_FUZZ_MERGE=1 the inputs that add coverage are merged back into
# the committed seed corpus (keep it small: review before committing).
#
# Reproduce a crash: cargo +nightly fuzz run --fuzz-dir tests/fuzz <bin> <file>
# (for entry:<name> set STEWARD_FUZZ_ENTRY=<name>). Database files go to
# $TMPDIR (default /dev/shm when writable). Prints a table of
# executions per target; exits 1 if any target found a crash or an input
# slower than 10 s (libFuzzer's slow-unit-*).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
fuzz=tests/fuzz
seconds="${1:-600}"
shift || true
nice_level="${STEWARD_FUZZ_NICE:-19}"

# -- tools -----------------------------------------------------------------
if ! rustup toolchain list | grep -q '^nightly'; then
    echo "==> installing the nightly toolchain (cargo fuzz needs it)"
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

# -- targets -----------------------------------------------------------------
targets=("$@")
if [ "${#targets[@]}" = 0 ]; then
    targets=(call)
    for dir in tests/vectors/*/; do
        targets+=("entry:$(basename "$dir")")
    done
    targets+=(store_open store_patch ffi nsp)
fi

python3 "$fuzz/seed.py"

echo "==> building the fuzz targets (cargo +nightly fuzz build)"
nice -n "$nice_level" cargo +nightly fuzz build --fuzz-dir "$fuzz" >/dev/null
# Run the built binaries directly: `cargo fuzz run` would rebuild whenever a
# source changed in the meantime.
triple="$(rustc +nightly -vV | sed -n 's/^host: //p')"
target_dir="${CARGO_TARGET_DIR:-$root/$fuzz/target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
bins="$target_dir/$triple/release"
# Database files of the store targets live in memory when possible (no fsync).
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    export TMPDIR=/dev/shm
fi

# The store_open seed: a small valid database, written by store_patch.
if [ ! -f "$fuzz/corpus/store_open/base-estate" ]; then
    mkdir -p "$fuzz/corpus/store_open"
    STEWARD_FUZZ_BASE_OUT="$root/$fuzz/corpus/store_open/base-estate" \
        "$bins/store_patch" -runs=1 >/dev/null 2>&1
fi

summary=()
crashed=0
for target in "${targets[@]}"; do
    case "$target" in
        entry:*)
            bin=entry
            export STEWARD_FUZZ_ENTRY="${target#entry:}"
            name="entry/$STEWARD_FUZZ_ENTRY"
            ;;
        *)
            bin="$target"
            unset STEWARD_FUZZ_ENTRY
            name="$target"
            ;;
    esac
    seeds="$fuzz/corpus/$name"
    work="$fuzz/work/$name"
    artifacts="$fuzz/artifacts/$name"
    log="$fuzz/work/$(echo "$name" | tr / -).log"
    mkdir -p "$seeds" "$work" "$artifacts"
    before=$(find "$artifacts" -type f | wc -l)
    echo "==> fuzzing $target for ${seconds}s (log: $log)"
    set +e
    RUST_BACKTRACE=1 nice -n "$nice_level" "$bins/$bin" "$work" "$seeds" \
        -max_total_time="$seconds" -timeout=120 -rss_limit_mb=4096 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    units=$(find "$work" -type f | wc -l)
    after=$(find "$artifacts" -type f | wc -l)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
    slow=$(find "$artifacts" -type f -name 'slow-unit-*' | wc -l)
    if [ "$rc" != 0 ] || [ "$after" -gt "$before" ]; then
        crashed=1
        # libFuzzer also writes inputs slower than 10 s (slow-unit-*): a
        # finding too (a host program would hang), but not a crash.
        what="CRASH (exit $rc)"
        if [ "$rc" = 0 ] && [ "$after" -gt "$before" ] && [ "$slow" -ge $((after - before)) ]; then
            what="SLOW UNIT (> 10 s)"
        fi
        summary+=("$(printf '%-28s %12s execs  cov %6s  corpus %6s  %s: %s' \
            "$target" "${execs:-?}" "${cov:-?}" "$units" "$what" "$artifacts")")
        grep -E 'panicked|ERROR: |SUMMARY|Slowest unit' "$log" | head -n 5 || true
    else
        summary+=("$(printf '%-28s %12s execs  cov %6s  corpus %6s  ok' \
            "$target" "${execs:-?}" "${cov:-?}" "$units")")
    fi
    if [ "${STEWARD_FUZZ_MERGE:-0}" = 1 ]; then
        nice -n "$nice_level" "$bins/$bin" -merge=1 "$seeds" "$work" >/dev/null 2>&1 || true
    fi
done

echo
echo "==> summary (${seconds}s per target)"
printf '  %s\n' "${summary[@]}"
[ "$crashed" = 0 ] || { echo "fuzzing found crashes or slow inputs: see the artifacts above"; exit 1; }
