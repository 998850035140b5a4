#!/usr/bin/env bash
# Builds the benchmarks (Release) and runs them: the table on stdout, the same figures as
# TSV in build/bench/results.tsv and a chart in build/bench/chart.svg.
# Installs the baselines' -dev packages (ldns, libknot) first when run as root.
#   bench/run.sh [SUITE...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DPTR_BUILD_BENCH=ON -DPTR_BUILD_TESTS=OFF \
      -DPTR_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build/bench -j "$(nproc 2>/dev/null || echo 2)" --target ptr_bench >/dev/null
exec build/bench/bench/ptr_bench --tsv build/bench/results.tsv --svg build/bench/chart.svg "$@"
