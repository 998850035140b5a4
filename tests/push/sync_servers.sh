#!/usr/bin/env bash
# Live DNS end to end: ptrctl writes records, `ptrctl sync` pushes them to a
# real name server (knotd, or BIND's named) on 127.0.0.1, and kdig asks that
# server what it answers. Create, update, delete, restore; a wrong secret
# (ERROR naming BADSIG/NOTAUTH, nothing changed on the server); the server
# stopped (exit 3, still pending) and restarted (one sync, ACTIVE); 1,000
# records and the zone's AXFR equal to the store's view; the configuration's
# mode; --config before and after the word sync; the daemon and SIGTERM.
#   sync_servers.sh knot|named PTRCTL SRC
# Exit 77 (skipped) when the server's program or kdig is not installed.
server=$1
shift
case $server in
knot) prog=knotd ;;
named) prog=named ;;
*) echo "usage: $0 knot|named PTRCTL SRC" >&2; exit 2 ;;
esac
PATH=$PATH:/usr/sbin
for tool in "$prog" kdig; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$tool not installed: skipped"; exit 77; }
done
. "$(dirname "$0")/../ptrctl/lib.sh"
. "$SRC/tests/push/dns_servers.sh"
trap 'dns_stop_all; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

Z4=113.0.203.in-addr.arpa Z6=8.b.d.0.1.0.0.2.ip6.arpa ZBIG=51.198.in-addr.arpa
dns_init "$WORK/dns"
start() { if [ "$server" = knot ]; then knot_start "$@"; else named_start "$@"; fi; }
stop() { if [ "$server" = knot ]; then knot_stop; else named_stop; fi; }
port() { if [ "$server" = knot ]; then echo "$KNOT_PORT"; else echo "$NAMED_PORT"; fi; }
start $Z4 $Z6 $ZBIG || { fail "$prog did not start"; finish; }
PORT=$(port)

printf 'ipv6 = true\nquota = 100000\n' >>"$CONFIG"
write_push() { # write_push FILE SECRET
    {
        echo "# live DNS of the test ($server)"
        echo "203.0.113.0/24 127.0.0.1:$PORT hmac-sha256:ptrpush:$2"
        echo "2001:db8::/32 [::ffff:127.0.0.1]:$PORT hmac-sha256:ptrpush:$2"
        echo "198.51.0.0/16 127.0.0.1:$PORT hmac-sha256:ptrpush:$2"
    } >"$1"
    chmod 600 "$1"
}
write_push "$WORK/push.conf" "$DNS_SECRET"
# Another key of the same name: the server cannot check its signature.
write_push "$WORK/wrong.conf" "$(head -c 32 /dev/urandom | base64)"

# answers ADDRESS NAME...: the server answers exactly these names.
answers() {
    local a=$1; shift
    local want got
    want=$(printf '%s\n' "$@" | LC_ALL=C sort)
    got=$(dns_answer "$PORT" "$a")
    eq "$got" "$want" "$server answers for $a"
}
# status ADDRESS WANT: show --json's status, when this ptrctl prints one.
status() {
    run --json show "$1"
    local got
    got=$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("status", "-"))' 2>/dev/null)
    [ "$got" = - ] && return 0  # a ptrctl whose show has no status yet: sync's counts tell
    eq "$got" "$2" "status of $1"
}
# synced RC WHAT: sync --once --json, its exit status; $OUT holds the summary.
synced() {
    expect "$1" --json sync --config "$WORK/push.conf" --once
    json_ok "$OUT" "sync --json: $2"
}
jget() { printf '%s' "$OUT" | python3 -c "import json,sys; o=json.load(sys.stdin); print($1)"; }

# ---- create, update, delete, restore --------------------------------------------------
expect 0 create 203.0.113.10 a.example.com b.example.com
status 203.0.113.10 PENDING_CREATE
answers 203.0.113.10          # nothing yet
synced 0 create
eq "$(jget 'o["changes"], o["active"], o["messages"]')" "1 1 1" "create: one change, confirmed"
answers 203.0.113.10 a.example.com. b.example.com.
status 203.0.113.10 ACTIVE
synced 0 "nothing pending"
eq "$(jget 'o["changes"], o["messages"]')" "0 0" "nothing left to send"

expect 0 update 203.0.113.10 --names c.example.com
status 203.0.113.10 PENDING_UPDATE
synced 0 update
answers 203.0.113.10 c.example.com.
status 203.0.113.10 ACTIVE

expect 0 delete 203.0.113.10
status 203.0.113.10 PENDING_DELETE
synced 0 delete
eq "$(jget 'o["active"]')" 1 "delete confirmed"
answers 203.0.113.10 ecs-203-0-113-10.compute.example.com.
expect 1 show 203.0.113.10    # gone once DNS answers the default name

expect 0 create 203.0.113.10 d.example.com
synced 0 restore
answers 203.0.113.10 d.example.com.
status 203.0.113.10 ACTIVE

expect 0 create 2001:db8::5 v6.example.com
expect 0 sync --config "$WORK/push.conf" --once
has "$OUT" "1 change(s): 1 active, 0 error(s), 0 unreachable" "text summary"
answers 2001:db8::5 v6.example.com.

# ---- a wrong secret: ERROR, and the server unchanged -----------------------------------
expect 0 update 203.0.113.10 --names e.example.com
expect 1 sync --config "$WORK/wrong.conf" --once
has "$OUT" "ERROR 203.0.113.10 (UPDATE): NOTAUTH" "the refusal named"
case $OUT in *BADSIG*|*BADKEY*|*NOTAUTH*) ;; *) fail "no BADSIG/NOTAUTH in: $OUT" ;; esac
hasnt "$OUT$ERR" "$(sed -n 's/.*ptrpush://p' "$WORK/wrong.conf" | head -1)" "the secret never printed"
status 203.0.113.10 ERROR
answers 203.0.113.10 d.example.com.
expect 1 --json sync --config "$WORK/wrong.conf" --once
json_ok "$OUT" "sync --json with an error"
eq "$(jget 'o["errors"], o["failed"][0]["address"], o["failed"][0]["action"]')" \
    "1 203.0.113.10 UPDATE" "the error object"
has "$(jget 'o["failed"][0]["reason"]')" "NOTAUTH" "the reason names the RCODE"
synced 0 "the right key"
answers 203.0.113.10 e.example.com.
status 203.0.113.10 ACTIVE

# ---- the server stopped: pending, exit 3; restarted: one sync -------------------------
stop
expect 0 create 203.0.113.11 f.example.com
expect 0 update 203.0.113.10 --names g.example.com
expect 3 sync --config "$WORK/push.conf" --once
has "$OUT" "0 active, 0 error(s), 2 unreachable" "both left pending"
has "$OUT" "UNREACHABLE 127.0.0.1:$PORT (2 change(s) left pending)" "the silent server named"
status 203.0.113.11 PENDING_CREATE
status 203.0.113.10 PENDING_UPDATE
synced 3 "still down"
eq "$(jget 'o["changes"], o["unreachable"], o["silent_servers"][0]["changes"]')" "2 2 2" \
    "still pending"
start $Z4 $Z6 $ZBIG || { fail "$prog did not start again"; finish; }
eq "$(port)" "$PORT" "restarted on the same port"
answers 203.0.113.10 e.example.com.     # what it had before it stopped
synced 0 "after the restart"
eq "$(jget 'o["active"]')" 2 "one sync after the restart"
answers 203.0.113.10 g.example.com.
answers 203.0.113.11 f.example.com.
status 203.0.113.11 ACTIVE

# ---- 1,000 records: the zone holds exactly the store's view ---------------------------
python3 - "$WORK/big.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("ip,names,ttl\n")
    for i in range(1000):
        a = "198.51.%d.%d" % (100 + i // 250, 1 + i % 250)
        names = "host-%d.example.net" % i + (";alias-%d.example.net" % i if i % 7 == 0 else "")
        f.write("%s,%s,%d\n" % (a, names, 300 + i % 3))
PY
expect 0 import --quiet "$WORK/big.csv"
expect 0 delete 198.51.100.1 198.51.100.2
expect 0 update 198.51.100.3 --names changed.example.net
synced 0 "1,000 records"
# 998: the two deleted before any sync were never sent, so they are simply gone.
eq "$(jget 'o["active"], o["errors"], o["unreachable"]')" "998 0 0" "every change confirmed"
expect 0 delete 198.51.100.4
synced 0 "a delete after the bulk"
axfr=$(kdig @127.0.0.1 -p "$PORT" +tcp +timeout=5 AXFR "$ZBIG." 2>/dev/null)
expect 0 export --format csv
python3 - "$ZBIG" <<PY >"$WORK/compare" 2>&1
import ipaddress, sys, csv, io
zone_text = '''$axfr'''
store_csv = '''$OUT'''
served = set()
for line in zone_text.splitlines():
    f = line.split()
    if len(f) >= 5 and f[3] == "PTR" and not line.startswith(";"):
        served.add((f[0].lower(), f[4].lower(), int(f[1])))
want = set()
for row in csv.DictReader(io.StringIO(store_csv)):
    if not row["ip"].startswith("198.51."):
        continue
    rev = ipaddress.ip_address(row["ip"]).reverse_pointer + "."
    for n in row["names"].replace("|", ";").split(";"):
        want.add((rev, n.lower(), int(row["ttl"])))
# Deleted after being sent: the default name, with the default TTL.
want.add(("4.100.51.198.in-addr.arpa.", "ecs-198-51-100-4.compute.example.com.", 300))
print("served", len(served), "store", len(want))
for x in sorted(served - want)[:5]: print("only served:", x)
for x in sorted(want - served)[:5]: print("only in the store:", x)
sys.exit(0 if served == want else 1)
PY
CHECKS=$((CHECKS + 1))
grep -q "^served 1140 store 1140$" "$WORK/compare" && ! grep -q "^only" "$WORK/compare" ||
    fail "AXFR of $ZBIG differs from the store: $(cat "$WORK/compare")"

# ---- the configuration file ------------------------------------------------------------
chmod 644 "$WORK/push.conf"
expect 2 sync --config "$WORK/push.conf" --once
has "$ERR" "PTR_E_FORBIDDEN" "mode 0644 refused"
has "$ERR" "chmod 600" "says what to do"
hasnt "$ERR$OUT" "$DNS_SECRET" "the secret never printed"
chmod 600 "$WORK/push.conf"
printf '203.0.113.0/24 127.0.0.1:%s hmac-sha256:ptrpush:%s\n198.51.100.0/33 127.0.0.1:1 x\n' \
    "$PORT" "$DNS_SECRET" >"$WORK/bad.conf"
chmod 600 "$WORK/bad.conf"
expect 2 sync --config "$WORK/bad.conf" --once
has "$ERR" "line 2: prefix" "a bad line named"
hasnt "$ERR" "$DNS_SECRET" "no secret in the message"
expect 2 sync --once
has "$ERR" "sync needs --config FILE" "the push configuration is required"

# --config before sync is ptrctl's own file, after it the push configuration.
printf 'region = eu-x\nipv6 = true\n' >"$WORK/eu-x.conf"
expect 0 --region eu-x create 203.0.113.50 eu-x.example.com
expect 0 --json --config "$WORK/eu-x.conf" sync --config "$WORK/push.conf" --once
eq "$(jget 'o["changes"], o["active"]')" "1 1" "ptrctl's file gave the region, sync's the servers"
answers 203.0.113.50 eu-x.example.com.
expect 0 --config "$WORK/eu-x.conf" --json config show
has "$OUT" "eu-x" "config show still reads the global --config"

# ---- the daemon: sends changes as they appear, stops on SIGTERM --------------------------
"$PTRCTL" sync --config "$WORK/push.conf" >"$WORK/daemon.out" 2>"$WORK/daemon.err" &
daemon=$!
expect 0 create 203.0.113.60 daemon.example.com
got=
for _ in $(seq 1 50); do
    got=$(dns_answer "$PORT" 203.0.113.60)
    [ -n "$got" ] && break
    sleep 0.1
done
eq "$got" "daemon.example.com." "the daemon sent the new record"
expect 0 update 203.0.113.60 --names daemon2.example.com
for _ in $(seq 1 50); do
    got=$(dns_answer "$PORT" 203.0.113.60)
    [ "$got" = daemon2.example.com. ] && break
    sleep 0.1
done
eq "$got" "daemon2.example.com." "and the update after it"
kill -TERM "$daemon"
drc=0
wait "$daemon" || drc=$?
eq "$drc" 0 "SIGTERM stops the daemon with exit 0"
has "$(cat "$WORK/daemon.out")" "1 change(s): 1 active" "the daemon prints what it sent"
status 203.0.113.60 ACTIVE

# The daemon with the server down: says so once, keeps the change, stops cleanly.
stop
expect 0 create 203.0.113.61 silent.example.com
"$PTRCTL" sync --config "$WORK/push.conf" >"$WORK/daemon2.out" 2>&1 &
daemon=$!
for _ in $(seq 1 30); do
    grep -q UNREACHABLE "$WORK/daemon2.out" && break
    sleep 0.1
done
kill -TERM "$daemon"
drc=0
wait "$daemon" || drc=$?
eq "$drc" 0 "SIGTERM stops the daemon while a server is down"
has "$(cat "$WORK/daemon2.out")" "UNREACHABLE 127.0.0.1:$PORT (1 change(s) left pending)" \
    "the daemon says the server is silent"
status 203.0.113.61 PENDING_CREATE
finish
