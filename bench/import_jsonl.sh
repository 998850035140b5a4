#!/usr/bin/env bash
# `ptrctl import` of a JSON-lines file (issue 15: ptrctl's JSON-lines parser moved onto
# jansson must import at least as fast as the hand-written one it replaced).
#
#   bench/import_jsonl.sh PTRCTL [PTRCTL...]
#
# Generates LINES (default 100000) lines shaped like `ptrctl export --format jsonl` (one
# name, a TTL, a description, two tags, distinct public addresses), then times
# `PTRCTL import --no-progress FILE` into a fresh SQLite database, REPS times (default 3)
# per binary, with the owner's quota raised through the configuration file. Give each
# binary from a Release build (-DCMAKE_BUILD_TYPE=Release) of the tree it stands for.
# Prints the machine's load (uptime) before and after, each run's wall, user and system
# seconds (GNU time %e %U %S; the CPU seconds are what the machine's other load disturbs
# least) and each binary's best wall and best user+system.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 PTRCTL [PTRCTL...]" >&2; exit 2; }
lines=${LINES:-100000}
reps=${REPS:-3}
bins=()
for b in "$@"; do bins+=("$(cd "$(dirname "$b")" && pwd)/$(basename "$b")"); done
work=$(mktemp -d "${TMPDIR:-/tmp}/ptr-jsonl.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'quota = %d\n' $((lines + 1)) > ptrctl.conf
export PTRCTL_CONFIG=$work/ptrctl.conf
unset PTRCTL_DB PTRCTL_REGION PTRCTL_PROJECT PTRCTL_OWNER PTRCTL_JSON PTRCTL_OUTPUT

# 11.0.0.0/8 is public unicast: every line passes --addresses' default.
awk -v n="$lines" 'BEGIN {
    for (i = 0; i < n; i++) {
        a = int(i / 65536); b = int(i / 256) % 256; c = i % 256;
        printf "{\"ip\": \"11.%d.%d.%d\", \"ptrdnames\": [\"host-%d.example.com\"], \"ttl\": 3600, ", a, b, c, i
        printf "\"description\": \"bench host %d \\u00e9\", \"tags\": [{\"key\": \"env\", \"value\": \"prod\"}, ", i
        printf "{\"key\": \"rack\", \"value\": \"r%d\"}]}\n", i % 40
    }
}' > in.jsonl

echo "# $(date -u '+%Y-%m-%dT%H:%M:%SZ') $(uname -srm), $(nproc) CPUs, $lines lines, $(wc -c < in.jsonl) bytes"
echo "# uptime before: $(uptime)"
for b in "${bins[@]}"; do
    best= bestcpu=
    for r in $(seq 1 "$reps"); do
        rm -f t.db t.db-wal t.db-shm
        /usr/bin/time -f '%e %U %S' -o time.txt "$b" --db t.db --create-db import --no-progress in.jsonl > out.txt
        grep -q "$lines created, 0 rejected" out.txt || { echo "import failed: $(cat out.txt)" >&2; exit 1; }
        read -r wall user sys < time.txt
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        echo "$b run $r: real ${wall} s, user ${user} s, sys ${sys} s"
        if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$wall; fi
        if [ -z "$bestcpu" ] || awk -v a="$cpu" -v b="$bestcpu" 'BEGIN { exit !(a < b) }'; then bestcpu=$cpu; fi
    done
    echo "$b best: real ${best} s ($(awk -v s="$best" -v n="$lines" 'BEGIN { printf "%.0f", n / s }') lines/s), user+sys ${bestcpu} s"
done
echo "# uptime after: $(uptime)"
