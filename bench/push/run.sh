#!/usr/bin/env bash
# Live DNS into knotd, one run: N pending records (default 10,000) synced by
# libptr-push (memory store: the pusher alone) and by `ptrctl sync --once`
# (SQLite: what an operator runs), beside knsupdate sending the same changes
# (delete the PTR RRset, add the name) from a prepared script over TCP, in as
# many messages as libptr-push sent. Each run gets a fresh knotd and zone.
# Prints records/s, messages and the ratio to knsupdate (target >= 1x).
#   bench/push/run.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-10000}
scripts/deps.sh bench
for tool in knotd kdig knsupdate; do
    command -v "$tool" >/dev/null || { echo "bench/push: $tool not installed" >&2; exit 1; }
done
build=build/bench-push
cmake -S . -B $build -DCMAKE_BUILD_TYPE=Release -DPTR_BUILD_BENCH=ON -DPTR_BUILD_TESTS=OFF \
      -DPTR_BUILD_EXAMPLES=OFF -DPTR_WITH_PUSH=ON >/dev/null
cmake --build $build -j2 --target push_bench ptrctl >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/push-bench.XXXXXX")
. tests/push/dns_servers.sh
trap 'dns_stop_all; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
zone=18.198.in-addr.arpa

fresh_knot() { # a new knotd with an empty zone; writes $work/push.conf
    knot_stop
    rm -rf "$work/dns"
    KNOT_PORT=
    dns_init "$work/dns"
    knot_start "$zone"
    printf '198.18.0.0/16 127.0.0.1:%s hmac-sha256:ptrpush:%s\n' "$KNOT_PORT" "$DNS_SECRET" \
        >"$work/push.conf"
    chmod 600 "$work/push.conf"
}
served() { kdig @127.0.0.1 -p "$KNOT_PORT" +tcp AXFR "$zone." 2>/dev/null | awk '$4 == "PTR"' | wc -l; }
now() { date +%s.%N; }

echo "live DNS into knotd $(knotd --version 2>/dev/null | awk '{print $NF}'), $n records, $(nproc) cores"
uptime

# 1. libptr-push over the memory store.
fresh_knot
read -r _ recs _ secs _ msgs _ active < <($build/bench/push/push_bench "$work/push.conf" "$n")
[ "$(served)" -eq "$n" ] || { echo "bench/push: knotd holds $(served) PTR, not $n" >&2; exit 1; }
push_rate=$(awk -v n="$recs" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')

# 2. ptrctl sync --once over SQLite (the records imported first, not timed).
fresh_knot
python3 - "$n" >"$work/records.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("ip,names,ttl")
for i in range(n):
    print("198.18.%d.%d,host-%d.bench.example.net,300" % (i // 250, 1 + i % 250, i))
PY
printf 'quota = %d\naddresses = any\n' "$((n + 1))" >"$work/ptrctl.conf"
export PTRCTL_CONFIG=$work/ptrctl.conf PTRCTL_DB=$work/ptr.db
$build/ptrctl/ptrctl import --quiet "$work/records.csv" >/dev/null
t0=$(now)
$build/ptrctl/ptrctl --json sync --config "$work/push.conf" --once >"$work/sync.json"
t1=$(now)
[ "$(served)" -eq "$n" ] || { echo "bench/push: knotd holds $(served) PTR after ptrctl" >&2; exit 1; }
ctl_msgs=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["messages"])' "$work/sync.json")
ctl_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
ctl_rate=$(awk -v n="$n" -v s="$ctl_secs" 'BEGIN { printf "%.0f", n / s }')

# 3. knsupdate: the same changes, as many records per send as libptr-push put in a message.
fresh_knot
per=$(( (n + msgs - 1) / msgs ))
python3 - "$n" "$per" "$KNOT_PORT" "$zone" >"$work/nsupdate.txt" <<'PY'
import sys
n, per, port, zone = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
print("server 127.0.0.1 %s" % port)
print("zone %s." % zone)
for i in range(n):
    rev = "%d.%d.18.198.in-addr.arpa." % (1 + i % 250, i // 250)
    print("update delete %s PTR" % rev)
    print("update add %s 300 PTR host-%d.bench.example.net." % (rev, i))
    if (i + 1) % per == 0 or i + 1 == n:
        print("send")
PY
sends=$(grep -c '^send$' "$work/nsupdate.txt")
t0=$(now)
knsupdate -t 30 -v -y "hmac-sha256:ptrpush:$DNS_SECRET" "$work/nsupdate.txt"
t1=$(now)
[ "$(served)" -eq "$n" ] || { echo "bench/push: knotd holds $(served) PTR after knsupdate" >&2; exit 1; }
ns_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
ns_rate=$(awk -v n="$n" -v s="$ns_secs" 'BEGIN { printf "%.0f", n / s }')

printf '%-36s %9s %9s %10s\n' "run" "seconds" "messages" "records/s"
printf '%-36s %9.3f %9d %10d\n' "libptr-push (memory store)" "$secs" "$msgs" "$push_rate"
printf '%-36s %9.3f %9d %10d\n' "ptrctl sync --once (SQLite)" "$ctl_secs" "$ctl_msgs" "$ctl_rate"
printf '%-36s %9.3f %9d %10d\n' "knsupdate -v (prepared script)" "$ns_secs" "$sends" "$ns_rate"
awk -v a="$push_rate" -v b="$ctl_rate" -v k="$ns_rate" 'BEGIN {
    printf "libptr-push / knsupdate = %.2fx, ptrctl sync / knsupdate = %.2fx (target >= 1x)\n", a / k, b / k }'
uptime
