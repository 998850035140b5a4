#!/usr/bin/env bash
# CI's fuzz stage: build the fuzz targets, replay the committed corpora, then
# run every target under libFuzzer for a few seconds each, one at a time.
#
#   fuzz/run.sh [BUILD_DIR [SECONDS]]
#
#   BUILD_DIR  build tree to use (default build/fuzz)
#   SECONDS    libFuzzer time per target (default $FUZZ_SECONDS, else 30)
#
# Environment:
#   CLANG            clang to build the libFuzzer targets with (default clang)
#   FUZZ_TARGETS     targets to run (default: all eleven; sqlite_row and import_line need libsqlite3-dev)
#   FUZZ_MAX_LEN     libFuzzer -max_len (default 512)
#   FUZZ_CMAKE_ARGS  extra cmake configure arguments (word-split)
#
# Each target fuzzes a scratch copy of fuzz/corpus/<what>/ under
# BUILD_DIR/fuzz-run/<what>/, so the committed seeds stay small; crash inputs
# land in BUILD_DIR/fuzz-run/<what>/artifacts/. Prints the executions per
# target (libFuzzer's final stats) and exits non-zero on any crash or failed
# replay. Without a clang that can link libFuzzer it says so, replays the
# corpora with the default compiler under ASan+UBSan, and exits 0 when they pass.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build/fuzz}
secs=${2:-${FUZZ_SECONDS:-30}}
clang=${CLANG:-clang}
max_len=${FUZZ_MAX_LEN:-512}
targets=${FUZZ_TARGETS:-"addr host prefix revname name ttl description tag request sqlite_row import_line"}
# shellcheck disable=SC2206 # word splitting is the point
extra=(${FUZZ_CMAKE_ARGS:-})
jobs=$(nproc 2>/dev/null || echo 2)

case $secs in
'' | *[!0-9]*) echo "run.sh: SECONDS must be a whole number, not '$secs'" >&2; exit 2 ;;
esac

have_libfuzzer() {
    command -v "$clang" >/dev/null 2>&1 || return 1
    local probe
    probe=$(mktemp -d)
    printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
        >"$probe/probe.c"
    local ok=0
    "$clang" -fsanitize=fuzzer "$probe/probe.c" -o "$probe/probe" >/dev/null 2>&1 || ok=1
    rm -rf "$probe"
    return $ok
}

dict_for() {
    case $1 in
    addr | host | prefix | revname | name | request) echo fuzz/dns.dict ;;
    import_line) echo fuzz/import.dict ;;
    ttl | tag) echo fuzz/fields.dict ;;
    description) echo fuzz/utf8.dict ;;
    esac
}

fuzz_bins=()
alternatives=
for t in $targets; do
    fuzz_bins+=("fuzz_$t")
    alternatives=${alternatives:+$alternatives|}$t
done
replay_regex="^fuzz_replay_($alternatives)\$"

if ! have_libfuzzer; then
    echo "run.sh: no clang with libFuzzer ('$clang'): replaying the corpora only"
    cmake -S . -B "$build" -DPTR_BUILD_FUZZERS=ON -DPTR_BUILD_TESTS=OFF -DPTR_BUILD_EXAMPLES=OFF \
        -DPTR_SANITIZE=address,undefined "${extra[@]}" >/dev/null
    cmake --build "$build" -j "$jobs" --target "${fuzz_bins[@]}" >/dev/null
    ctest --test-dir "$build" -R "$replay_regex" --output-on-failure --no-tests=error
    echo "run.sh: corpus replay passed; libFuzzer runs skipped (no clang)"
    exit 0
fi

echo "=== build ($clang, libFuzzer + ASan + UBSan) in $build"
CC=$clang cmake -S . -B "$build" -DPTR_BUILD_FUZZERS=ON -DPTR_BUILD_TESTS=OFF \
    -DPTR_BUILD_EXAMPLES=OFF "${extra[@]}" >/dev/null
cmake --build "$build" -j "$jobs" --target "${fuzz_bins[@]}" >/dev/null

echo "=== replay fuzz/corpus"
ctest --test-dir "$build" -R "$replay_regex" --output-on-failure --no-tests=error

echo "=== libFuzzer, ${secs}s per target, -max_len=$max_len"
failed=()
summary=()
for t in $targets; do
    work=$build/fuzz-run/$t
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    cp fuzz/corpus/"$t"/* "$work/corpus/"
    args=("$work/corpus" -max_len="$max_len" -max_total_time="$secs" -timeout=10
        -print_final_stats=1 -artifact_prefix="$work/artifacts/")
    dict=$(dict_for "$t")
    [ -n "$dict" ] && args+=(-dict="$dict")
    rc=0
    "$build/fuzz/fuzz_$t" "${args[@]}" >"$work/log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$work/log" | tail -n 1)
    if [ -z "$execs" ]; then
        execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$work/log" | tail -n 1)
    fi
    if [ "$rc" -ne 0 ]; then
        line=$(printf 'fuzz_%-12s %10s executions, then FAILED (exit %s)' "$t" "${execs:-?}" "$rc")
        failed+=("$t")
        echo "$line"
        echo "--- fuzz_$t: failed checks and sanitizer reports (full log $work/log)"
        grep -E 'fuzz check failed|ERROR: (AddressSanitizer|libFuzzer)|runtime error' "$work/log" || true
        echo "--- fuzz_$t: last 40 lines of the log"
        tail -n 40 "$work/log"
        for a in "$work"/artifacts/*; do
            [ -e "$a" ] && echo "--- input: $a" && od -c "$a" | head -n 8
        done
    else
        line=$(printf 'fuzz_%-12s %10s executions in %ss, corpus %s files' \
            "$t" "${execs:-?}" "$secs" "$(find "$work/corpus" -type f | wc -l)")
        echo "$line"
    fi
    summary+=("$line")
done

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "run.sh: crashes in: ${failed[*]} (save each input as fuzz/findings/<target>-<name>)"
    exit 1
fi
echo "run.sh: no crashes"
