#!/usr/bin/env bash
# The PostgreSQL benchmarks: builds ptr_bench_pg (Release), starts a throw-away
# cluster listening on a loopback port (tests/pg/with_cluster.sh --tcp) and
# the delaying forwarder in front of it (1 ms each way), then runs the suite.
#   bench/run_pg.sh [BUILD_DIR]     (default: build/bench-pg)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/bench-pg}
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DPTR_BUILD_BENCH=ON \
      -DPTR_BUILD_TESTS=OFF -DPTR_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j2 --target ptr_bench_pg >/dev/null
exec "$src/tests/pg/with_cluster.sh" --tcp bash -c '
    set -u
    port=$(python3 -c "import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); print(s.getsockname()[1])")
    python3 "$0/bench/pg_delay_proxy.py" "$port" "$PTR_PG_TEST_TCP_PORT" 1 > "$PTR_PG_TEST_DIR/proxy.out" &
    proxy=$!
    trap "kill $proxy 2>/dev/null" EXIT
    for _ in $(seq 50); do grep -q ready "$PTR_PG_TEST_DIR/proxy.out" 2>/dev/null && break; sleep 0.1; done
    export PTR_BENCH_PG_CONNINFO=$PTR_PG_TEST_CONNINFO
    export PTR_BENCH_PG_DELAYED="host=127.0.0.1 port=$port user=postgres dbname=postgres sslmode=disable"
    echo "PostgreSQL $(psql "$PTR_PG_TEST_CONNINFO" -Atc "show server_version"), fsync off,"\
         "synchronous_commit off (a throw-away cluster); $(nproc) cores"
    "$1"
' "$src" "$build/bench/ptr_bench_pg"
