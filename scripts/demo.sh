#!/usr/bin/env bash
# README's main job: builds ptrctl and runs the PTR-record feature end to end on a
# fresh temporary database — create a record for a mail server's address, show it,
# watch each rule refuse a bad request, delete it and watch the address fall back
# to its default name, export the reverse zone, and — when Knot DNS is installed —
# push a record to a local knotd by signed DNS UPDATE and watch its status go from
# PENDING_CREATE to ACTIVE while kdig -x answers it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPTR_BUILD_TESTS=OFF \
      -DPTR_BUILD_EXAMPLES=OFF -DPTR_WITH_SQLITE=ON >/dev/null
cmake --build build/demo --target ptrctl -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
PTRCTL=$PWD/build/demo/ptrctl/ptrctl

work=$(mktemp -d "${TMPDIR:-/tmp}/ptrctl-demo.XXXXXX")
src=$PWD
. "$src/tests/push/dns_servers.sh"   # the throw-away knotd of the last step
trap 'dns_stop_all; rm -rf "$work"' EXIT
cd "$work"
export PTRCTL_DB=$work/demo.db PTRCTL_REGION=eu-de PTRCTL_PROJECT=shop PTRCTL_OWNER=acct-42

# Print the command as typed (long arguments shortened), then run it.
show() {
    local line="\$ ptrctl" a
    for a in "$@"; do
        if [ ${#a} -gt 48 ]; then a="${a:0:12}...(${#a} characters)"; fi
        case $a in *[[:space:]]*|'') a="'$a'" ;; esac
        line+=" $a"
    done
    printf '\n%s\n' "$line"
}
step() { printf '\n== %s\n' "$*"; }
run() { show "$@"; "$PTRCTL" "$@"; }
# A request a rule must refuse: exit status 1 and the reason on stderr.
refuse() {
    show "$@"
    local rc=0
    "$PTRCTL" "$@" 2>&1 || rc=$?
    if [ "$rc" -ne 1 ]; then echo "demo: expected exit status 1, got $rc" >&2; exit 1; fi
    echo "=> exit $rc (refused)"
}

step "A PTR record for the mail server's address, so recipients' reverse lookups pass"
run create 203.0.113.10 mail.example.com --ttl 1h --description "outbound SMTP" --tag env=prod
run --json show 203.0.113.10
run resolve 203.0.113.10

step "Each rule refuses a bad request, names the field, and changes nothing"
refuse create 203.0.113.0/24 mail.example.com
refuse create 203.0.113.10 smtp.example.com
refuse create 203.0.113.11 mx{1,2,3,4,5,6,7,8,9,10,11}.example.com
refuse create 203.0.113.11 mx.example.com --ttl 0
refuse create 203.0.113.11 mx.example.com --description "$(printf 'd%.0s' $(seq 256))"

step "The quota: 50 records per owner; the 51st is refused"
run create 203.0.113.11 mx.example.com
{ echo "ip,names"; for i in $(seq 1 48); do echo "198.51.100.$i,web$i.example.com"; done; } > web.csv
run import web.csv
run quota
refuse create 198.51.100.200 one-too-many.example.com

step "Delete the record: the address answers with its default name again"
run delete 203.0.113.10
run resolve 203.0.113.10
run quota

step "Export the reverse zones for a name server"
mkdir zones
run export-zone --out zones --ns ns1.example.com --ns ns2.example.com --contact hostmaster@example.com
printf '\n$ cat zones/113.0.203.in-addr.arpa.zone\n'
cat zones/113.0.203.in-addr.arpa.zone

step "Live DNS: the record reaches a name server by signed UPDATE, and its status follows"
if ! command -v knotd >/dev/null 2>&1 || ! command -v kdig >/dev/null 2>&1 ||
   ! ls "$src"/build/demo/src/push/libptr-push.* >/dev/null 2>&1; then
    echo "(skipped: needs knotd and kdig, apt-get install knot knot-dnsutils, and ptrctl built"
    echo " with libptr-push, apt-get install libknot-dev)"
    exit 0
fi
dns_init "$work/dns"
knot_start 113.0.203.in-addr.arpa 100.51.198.in-addr.arpa >/dev/null
echo "(a knotd on 127.0.0.1:$KNOT_PORT serves the two reverse zones; only the TSIG key ptrpush may update them)"
for prefix in 203.0.113.0/24 198.51.100.0/24; do
    printf '%s 127.0.0.1:%s hmac-sha256:ptrpush:%s\n' "$prefix" "$KNOT_PORT" "$DNS_SECRET"
done >push.conf
chmod 600 push.conf
printf '\n$ cat push.conf    # PREFIX SERVER:PORT ALGORITHM:KEYNAME:SECRET (mode 0600; secret not shown)\n'
sed 's/ptrpush:.*/ptrpush:.../' push.conf
run create 203.0.113.20 www.example.com
run show 203.0.113.20
run sync --config push.conf --once
run show 203.0.113.20
printf '\n$ kdig @127.0.0.1 -p %s -x 203.0.113.20 +short\n' "$KNOT_PORT"
kdig @127.0.0.1 -p "$KNOT_PORT" +tcp -x 203.0.113.20 +short
