#!/usr/bin/env bash
# README's main job: builds libptr and runs the tour of its rules on sample input.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTR_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
exec build/demo/examples/tour "$@"
