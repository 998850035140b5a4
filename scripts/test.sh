#!/usr/bin/env bash
# README's test command (and CI's): builds libptr five ways and runs every test in each:
#   1. warnings as errors (-Wall -Wextra ... -Werror): unit, ABI, header and install tests;
#      then the Python binding's pytest suite against that build's libptr.so.2
#   2. AddressSanitizer + UndefinedBehaviorSanitizer
#   3. valgrind memcheck over the unit tests
#   4. ThreadSanitizer over the unit tests
#   5. the unit tests once more with the plain-loop variants of src/util/wordwise.h
#      (PTR_WORDWISE=SCALAR), so that they are tested on every host like the fast ones
#   6. the fuzz targets: corpus replay, then a short libFuzzer run of each when clang has it
#      (PTR_FUZZ_SECONDS per target, default 20)
# Installs missing Debian packages first (scripts/deps.sh). Build trees go to build/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test

jobs=$(nproc 2>/dev/null || echo 2)
summary=()
echo "test.sh: 7 stages (werror, python, asan, valgrind, tsan, scalar, fuzz); about 15 to 20 minutes on two cores"

stage() { # stage NAME CTEST-ARGS -- CMAKE-ARGS...
    local name=$1; shift
    local ctest_args=()
    while [ "$1" != "--" ]; do ctest_args+=("$1"); shift; done
    shift
    echo
    echo "=== $name"
    cmake -S . -B "build/$name" -DPTR_WARNINGS_AS_ERRORS=ON "$@" >/dev/null
    local t0=$SECONDS
    cmake --build "build/$name" -j "$jobs" >/dev/null
    ctest --test-dir "build/$name" --output-on-failure --no-tests=error -j "$jobs" "${ctest_args[@]}" |
        tee "build/$name/ctest.out"
    # One line per stage: how many tests, how many skipped (a tool missing), how long.
    local n skipped
    n=$(sed -n 's/.*tests passed, 0 tests failed out of \([0-9]*\).*/\1/p' "build/$name/ctest.out")
    skipped=$(grep -c '\*\*\*Skipped\| Not Run' "build/$name/ctest.out" || true)
    summary+=("$name: ${n:-?} tests passed (${skipped} skipped) in $((SECONDS - t0)) s")
}

stage werror -- -DCMAKE_BUILD_TYPE=RelWithDebInfo

# The Python binding (bindings/python), once, against the library just built: under the
# sanitizer stages the interpreter would need the runtimes preloaded, and it tests the ABI,
# which does not change with them. pytest's status 5 (no test collected) must fail too.
echo
echo "=== python"
# With the PostgreSQL store built, under a throw-away cluster so that PostgresStore is tested too.
rc=0
pytest=(/usr/bin/python3 -m pytest -p no:cacheprovider -q -rs bindings/python/tests)
export LIBPTR_LIBRARY=build/werror/src/libptr.so.2 PYTHONDONTWRITEBYTECODE=1
if [ -e build/werror/src/pg/libptr-pg.so.2 ]; then
    tests/pg/with_cluster.sh sh -c 'LIBPTR_PG_CONNINFO="$PTR_PG_TEST_CONNINFO" exec "$@"' pytest \
        "${pytest[@]}" || rc=$?
    [ "$rc" -eq 77 ] && { rc=0; "${pytest[@]}" || rc=$?; } # no PostgreSQL server here
else
    "${pytest[@]}" || rc=$?
fi
if [ "$rc" -eq 5 ]; then
    echo "python: pytest collected no tests" >&2
    exit 1
elif [ "$rc" -ne 0 ]; then
    exit "$rc"
fi
unset LIBPTR_LIBRARY PYTHONDONTWRITEBYTECODE
summary+=("python: passed")

stage asan -- -DCMAKE_BUILD_TYPE=Debug -DPTR_SANITIZE=address,undefined
stage valgrind -L unit -- -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DPTR_TEST_WRAPPER=valgrind;--error-exitcode=99;--leak-check=full;--errors-for-leak-kinds=definite,indirect,possible;--show-leak-kinds=definite,indirect,possible;-q"
# The unit tests and the programs' threaded paths (label tsan); a race stops the process.
TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}" stage tsan -L 'unit|tsan' -- \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTR_SANITIZE=thread
stage scalar -L unit -- -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTR_WORDWISE=SCALAR \
    -DPTR_BUILD_EXAMPLES=OFF -DPTR_BUILD_PTRCTL=OFF

echo
echo "=== fuzz"
t0=$SECONDS
fuzz/run.sh build/fuzz "${PTR_FUZZ_SECONDS:-20}"
summary+=("fuzz: passed in $((SECONDS - t0)) s")

echo
printf '%s\n' "${summary[@]}"
echo "all test stages passed in $((SECONDS / 60)) min $((SECONDS % 60)) s"
