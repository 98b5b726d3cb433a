#!/usr/bin/env bash
# The C suite under AddressSanitizer (besides valgrind in tests/c/run.sh).
#
#   bash tests/c/asan.sh
#
# The Rust library is built normally (debug, `cargo build -p steward-ffi`);
# every tests/c/test_*.c is compiled with -fsanitize=address (clang, else gcc)
# and linked against the static library, then run on the shared vectors with
# LeakSanitizer on. ASan catches what the C side does wrong with the
# library's memory (use after free, double free, overflow, free() of a
# library string) and LeakSanitizer what is never released.
#
# Needs clang (Debian: `apt-get install clang`) or gcc with libasan. When
# neither can build an ASan program, the script installs clang with apt-get if
# it can (root, apt available); if that is impossible it prints a LOUD notice
# and exits 0 (set STEWARD_ASAN_REQUIRED=1 to make that a failure instead).
# Honours CARGO_TARGET_DIR and CC_ASAN (force a compiler).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export RUST_BACKTRACE=0
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
build="$root/tests/c/build/asan"
scratch="$build/scratch"
rm -rf "$build"
mkdir -p "$build" "$scratch"

loud() {
    printf '\n%s\n' "################################################################" >&2
    printf '### %s\n' "$@" >&2
    printf '%s\n\n' "################################################################" >&2
}

# -- a compiler that can build an ASan program ------------------------------
probe="$build/probe.c"
printf 'int main(void) { return 0; }\n' >"$probe"
can_asan() { "$1" -fsanitize=address "$probe" -o "$build/probe" >/dev/null 2>&1; }
cc=""
for candidate in ${CC_ASAN:-} clang gcc; do
    if command -v "$candidate" >/dev/null 2>&1 && can_asan "$candidate"; then
        cc="$candidate"
        break
    fi
done
if [ -z "$cc" ] && [ -z "${CC_ASAN:-}" ]; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "no compiler can build with -fsanitize=address: installing clang with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang >"$build/apt.log" 2>&1 \
            || { apt-get update -q >>"$build/apt.log" 2>&1 \
                 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang >>"$build/apt.log" 2>&1; } \
            || true
        if command -v clang >/dev/null 2>&1 && can_asan clang; then
            cc=clang
        fi
    fi
fi
if [ -z "$cc" ]; then
    loud "AddressSanitizer SKIPPED: no clang or gcc with libasan, and clang" \
         "could not be installed (need root and apt-get). Install clang and rerun" \
         "bash tests/c/asan.sh. The valgrind run still covers memory errors."
    [ "${STEWARD_ASAN_REQUIRED:-0}" = 1 ] && exit 1
    exit 0
fi
echo "== compiler: $cc ($("$cc" --version | head -n 1))"

# -- the library, built normally -----------------------------------------------
echo "== cargo rustc -p steward-ffi (debug)"
cargo rustc -q -p steward-ffi --lib -- --print native-static-libs 2>"$build/cargo.log" \
    || { cat "$build/cargo.log" >&2; exit 1; }
native="$(sed -n 's/.*native-static-libs: //p' "$build/cargo.log" | tail -n 1)"
[ -n "$native" ] || native="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
lib="$target/debug/libsteward.a"
[ -f "$lib" ] || { echo "FAIL: $lib was not built" >&2; exit 1; }

# -- compile and run ---------------------------------------------------------
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -g -O1 -fno-omit-frame-pointer
        -fsanitize=address -pthread -I"$root/ffi/include")
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
status=0
summary=()
for src in tests/c/test_*.c; do
    name="$(basename "$src" .c)"
    exe="$build/${name}_asan"
    echo "== compile $src"
    # shellcheck disable=SC2086 # $native is a list of flags
    "$cc" "${cflags[@]}" "$src" "$lib" $native -o "$exe"
    echo "== run $name under ASan"
    set +e
    "$exe" tests/vectors "$scratch" 2>"$build/$name.asan.log"
    rc=$?
    set -e
    if [ "$rc" != 0 ] || grep -q "ERROR: \(AddressSanitizer\|LeakSanitizer\)" "$build/$name.asan.log"; then
        cat "$build/$name.asan.log" >&2
        status=1
        summary+=("$name: FAILED under ASan (exit $rc)")
    else
        summary+=("$name: passed under ASan (leaks checked)")
    fi
done

echo "== summary"
printf '  %s\n' "${summary[@]}"
if [ "$status" != 0 ]; then
    echo "ASan C tests FAILED"
    exit 1
fi
echo "ASan C tests passed"
