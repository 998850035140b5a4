#!/usr/bin/env bash
# `ptrctl import --all-or-nothing` against raw SQLite inserting the same rows in one
# transaction, for 10k, 100k and 1M generated lines: wall time and max RSS of each, and
# their ratio (issue 11: flat RSS, at most 1.5x raw).
#
#   bench/import_all_or_nothing.sh [LINES...]      (default: 10000 100000 1000000)
#
# The raw side is bench/raw_import.c (ptr_bench_raw_import): a C program that opens a
# fresh database file with ptrctl's schema and, in one BEGIN IMMEDIATE ... COMMIT, reads
# each row the import stored (one streamed SELECT from the imported file) and binds it to
# one prepared INSERT of the same 15 columns, then adds the owner's count as the store
# does. Same rows, same indexes, same WAL mode and synchronous level, one commit each.
# Both run as processes timed by GNU time (%e wall seconds, %M max RSS in KB), in a
# Release build (build/bench). Each size runs REPS times (default 3); the best wall time
# of each side is reported, with the RSS of that run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DPTR_BUILD_BENCH=ON -DPTR_BUILD_TESTS=OFF \
      -DPTR_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build/bench -j 2 --target ptrctl ptr_bench_raw_import >/dev/null
ptrctl=$PWD/build/bench/ptrctl/ptrctl
raw=$PWD/build/bench/bench/ptr_bench_raw_import
reps=${REPS:-3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)

work=$(mktemp -d "${TMPDIR:-/tmp}/ptr-aon.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# An empty ptrctl database, whose owner may hold every generated line.
printf 'ip,names\n' > empty.csv
"$ptrctl" --db template.db import --all-or-nothing --no-progress empty.csv >/dev/null
"$ptrctl" --db template.db --owner bench quota --set 2000000 >/dev/null

# timed OUT COMMAND...: best-effort "seconds kilobytes" of one run into OUT.
timed() { local out=$1; shift; /usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null; }

echo "# $(date -u '+%Y-%m-%dT%H:%M:%SZ') $(uname -srm), sqlite $(sqlite3 --version | cut -d' ' -f1)"
echo "# uptime: $(uptime)"
printf '%-9s %10s %10s %10s %10s %7s\n' lines ptrctl_s ptrctl_MB raw_s raw_MB ratio
for n in "${sizes[@]}"; do
    # Unique addresses in 11.0.0.0/8 (public, so no --addresses setting matters), one name each.
    awk -v n="$n" 'BEGIN { print "ip,names,ttl";
        for (i = 0; i < n; i++)
            printf "11.%d.%d.%d,host-%d.bench.example.com,3600\n",
                   int(i / 65536), int(i / 256) % 256, i % 256, i }' > lines.csv
    best_p=; best_r=
    for ((r = 0; r < reps; r++)); do
        rm -f a.db* b.db*
        cp template.db a.db
        timed p.time "$ptrctl" --db a.db --owner bench import --all-or-nothing --no-progress lines.csv
        cp template.db b.db
        got=$(timed r.time "$raw" b.db a.db; sqlite3 b.db 'SELECT count(*) FROM ptr_record')
        [ "$got" = "$n" ] || { echo "raw side stored $got rows, not $n" >&2; exit 1; }
        [ "$(sqlite3 a.db 'SELECT count(*) FROM ptr_record')" = "$n" ] ||
            { echo "ptrctl stored the wrong number of rows" >&2; exit 1; }
        read -r ps pk < p.time; read -r rs rk < r.time
        if [ -z "$best_p" ] || awk -v a="$ps" -v b="${best_p% *}" 'BEGIN{exit !(a<b)}'; then best_p="$ps $pk"; fi
        if [ -z "$best_r" ] || awk -v a="$rs" -v b="${best_r% *}" 'BEGIN{exit !(a<b)}'; then best_r="$rs $rk"; fi
    done
    read -r ps pk <<< "$best_p"; read -r rs rk <<< "$best_r"
    awk -v n="$n" -v ps="$ps" -v pk="$pk" -v rs="$rs" -v rk="$rk" 'BEGIN {
        printf "%-9d %10.2f %10.1f %10.2f %10.1f %6.2fx\n", n, ps, pk / 1024, rs, rk / 1024,
               (rs > 0 ? ps / rs : 0) }'
done
echo "# uptime: $(uptime)"
