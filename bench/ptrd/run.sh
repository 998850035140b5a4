#!/usr/bin/env bash
# ptrd under load with wrk, on loopback, one run: GET show (its answers kept
# while the database is unchanged, and with --show-cache 0) and PATCH set at 1,
# 16 and 64 connections, requests/s and p50/p99 latency, beside a bare
# libmicrohttpd handler (ptrd_bare: same settings, a fixed JSON body), and
# the SQLite store's own create rate that PATCH on SQLite is bound by.
#   bench/ptrd/run.sh [SECONDS]        (default 5 s per run)
# Env: THREADS (ptrd's and the bare server's pool, default: the number of cores).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-5}
threads=${THREADS:-$(nproc 2>/dev/null || echo 2)}
scripts/deps.sh bench
build=build/bench-ptrd
cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DPTR_BUILD_BENCH=ON -DPTR_BUILD_TESTS=OFF \
      -DPTR_BUILD_EXAMPLES=OFF -DPTR_BUILD_PTRD=ON >/dev/null
cmake --build $build -j2 --target ptrd ptrd_bare ptrd_sqlite_rate >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/ptrd-bench.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "bench-token-0001 proj-a owner-a" >"$work/tokens"
echo "eu-de,aaaaaaaa-0000-4000-8000-000000000001,203.0.113.1,proj-a" >"$work/eips.csv"
$build/ptrd/ptrd --db "$work/ptr.db" --listen 127.0.0.1:0 --port-file "$work/port" \
    --tokens "$work/tokens" --eips "$work/eips.csv" --threads "$threads" --log /dev/null 2>/dev/null &
pids+=($!)
# The same without the kept answers (--show-cache 0): every GET a read transaction.
$build/ptrd/ptrd --db "$work/ptr.db" --listen 127.0.0.1:0 --port-file "$work/port0" --show-cache 0 \
    --tokens "$work/tokens" --eips "$work/eips.csv" --threads "$threads" --log /dev/null 2>/dev/null &
pids+=($!)
bport=$(port)
$build/bench/ptrd/ptrd_bare "$bport" "$threads" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
for _ in $(seq 100); do [ -s "$work/port0" ] && break; sleep 0.05; done
pport=$(cat "$work/port")
url0=http://127.0.0.1:$(cat "$work/port0")/v2/reverse/floatingips/eu-de:aaaaaaaa-0000-4000-8000-000000000001
url=http://127.0.0.1:$pport/v2/reverse/floatingips/eu-de:aaaaaaaa-0000-4000-8000-000000000001
curl -sf -X PATCH -H 'X-Auth-Token: bench-token-0001' -d '{"ptrdname":"bench.example.com"}' "$url" >/dev/null
cat >"$work/patch.lua" <<'LUA'
wrk.method = "PATCH"
wrk.body = '{"ptrdname": "bench.example.com", "ttl": 600}'
wrk.headers["X-Auth-Token"] = "bench-token-0001"
wrk.headers["Content-Type"] = "application/json"
LUA

# run NAME CONNECTIONS ARGS...: prints "rps p50_ms p99_ms"
run() {
    local c=$1; shift
    local t=$(( c < 2 ? 1 : 2 ))
    wrk -t"$t" -c"$c" -d"${secs}s" --latency "$@" 2>&1 | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec:/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /Non-2xx/ { bad = $NF }
        END { printf "%.0f %.3f %.3f %s\n", rps, p50, p99, bad ? bad : 0 }'
}
rate=$($build/bench/ptrd/ptrd_sqlite_rate "$work/rate.db" 2000)
echo "ptrd load on loopback: $threads server threads, wrk ${secs}s per run, $(nproc) cores"
printf '%-30s %5s %10s %9s %9s %8s\n' "run" "conns" "req/s" "p50 ms" "p99 ms" "non-2xx"
declare -A R
for c in 1 16 64; do
    read -r rps p50 p99 bad < <(run "$c" "http://127.0.0.1:$bport/")
    R[bare$c]=$rps
    printf '%-30s %5d %10d %9.3f %9.3f %8s\n' "bare libmicrohttpd GET" "$c" "$rps" "$p50" "$p99" "$bad"
    read -r rps p50 p99 bad < <(run "$c" -H 'X-Auth-Token: bench-token-0001' "$url")
    R[get$c]=$rps R[getp99$c]=$p99
    printf '%-30s %5d %10d %9.3f %9.3f %8s\n' "ptrd GET show (SQLite)" "$c" "$rps" "$p50" "$p99" "$bad"
    read -r rps p50 p99 bad < <(run "$c" -H 'X-Auth-Token: bench-token-0001' "$url0")
    R[get0$c]=$rps
    printf '%-30s %5d %10d %9.3f %9.3f %8s\n' "ptrd GET, --show-cache 0" "$c" "$rps" "$p50" "$p99" "$bad"
    read -r rps p50 p99 bad < <(run "$c" -s "$work/patch.lua" "$url")
    R[patch$c]=$rps
    printf '%-30s %5d %10d %9.3f %9.3f %8s\n' "ptrd PATCH set (SQLite)" "$c" "$rps" "$p50" "$p99" "$bad"
done
echo
echo "SQLite store's own create rate (ptr_ctx_create, 1 txn each): $rate creates/s"
for c in 1 16 64; do
    awk -v c="$c" -v g="${R[get$c]}" -v b="${R[bare$c]}" -v p="${R[patch$c]}" -v r="$rate" \
        -v p99="${R[getp99$c]}" -v g0="${R[get0$c]}" 'BEGIN {
        printf "%2d conns: GET / bare = %.2fx (target >= 0.6; --show-cache 0: %.2fx)   PATCH / store create rate = %.2fx", c, g / b, g0 / b, p / r
        if (c == 64) printf "   GET p99 %.2f ms (target < 10)", p99
        printf "\n" }'
done
