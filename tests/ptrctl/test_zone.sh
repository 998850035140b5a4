#!/usr/bin/env bash
# export-zone: one file per zone, the contact forms, the serial growing on
# every export, and the files loaded by BIND's checker and served by knotd
# (tests/zone/check_zone_servers.sh, from the zone export's own tests).
. "$(dirname "$0")/lib.sh"
echo "zone_ns = ns1.example.com" >> "$CONFIG"

expect 0 create 203.0.113.10 mail.example.com mx.example.com --ttl 600
expect 0 create 203.0.113.25 www.example.com
expect 0 create 198.51.100.7 host.example.net
expect 0 --region other create 192.0.2.1 elsewhere.example.org
mkdir zones
expect 0 export-zone --out zones --ns ns1.example.com --ns ns2.example.com --contact hostmaster@example.com
has "$OUT" "zones/113.0.203.in-addr.arpa.zone" "file named after the zone"
has "$OUT" "2 zone(s)" "one file per zone of the region"
eq "$(ls zones | tr '\n' ' ')" "100.51.198.in-addr.arpa.zone 113.0.203.in-addr.arpa.zone " "only the region's zones"
z=$(cat zones/113.0.203.in-addr.arpa.zone)
has "$z" "hostmaster.example.com." "mailbox contact as RNAME"
has "$z" "ns2.example.com." "every --ns"
has "$z" "mail.example.com." "names"
hasnt "$z" "elsewhere" "another region"
serial() { sed -n 's/^[[:space:]]*\([0-9][0-9]*\)[[:space:]]*; serial.*/\1/p' "$1" | head -n 1; }
s1=$(serial zones/113.0.203.in-addr.arpa.zone)
today=$(date -u +%Y%m%d)00
[ -n "$s1" ] && [ "$s1" -ge "$today" ] || fail "first serial $s1 is at least $today"

expect 0 --json export-zone --out zones --contact hostmaster.example.com
json_ok "$OUT" "export-zone --json"
json_is '[.zones[].zone]' '["100.51.198.in-addr.arpa","113.0.203.in-addr.arpa"]' "zones in JSON"
s2=$(serial zones/113.0.203.in-addr.arpa.zone)
eq "$s2" "$((s1 + 1))" "the serial grows on every export"
has "$(cat zones/113.0.203.in-addr.arpa.zone)" "hostmaster.example.com." "name-form contact"
echo 'x IN SOA a. b. ( 4000000000 1 1 1 1 )' > zones/9.9.9.in-addr.arpa.zone
expect 0 export-zone --out zones
eq "$(serial zones/113.0.203.in-addr.arpa.zone)" 4000000001 "an older, larger serial in DIR wins"
rm zones/9.9.9.in-addr.arpa.zone
expect 1 export-zone --out zones --contact first.last@example.com; rejected PTR_E_NAME DNS.0505 ""
expect 1 export-zone --out zones --contact '@example.com'; rejected PTR_E_NAME DNS.0505 ""
expect 1 export-zone --out zones --ns 'bad..ns'; eq "$RC" 1 "a bad NS name is refused"
expect 0 --region empty export-zone --out zones; has "$OUT" "0 zone(s)" "a region without records"
ls -a zones | grep -q '\.tmp$' && fail "no temporary file is left behind"

# Served by real DNS software: needs the zone engineer's script and the servers.
check=$SRC/tests/zone/check_zone_servers.sh
rm -rf served && mkdir served
expect 0 delete 203.0.113.25
expect 0 export-zone --out served --ns ns1.example.com --contact hostmaster@example.com
cat > expect.txt <<X
203.0.113.10 mail.example.com. mx.example.com.
198.51.100.7 host.example.net.
X
if [ ! -x "$check" ] && [ ! -f "$check" ]; then
    echo "SKIP: $check does not exist yet" >&2; finish_skip=1
elif ! command -v named-checkzone >/dev/null || ! command -v knotd >/dev/null || ! command -v kdig >/dev/null; then
    echo "SKIP: named-checkzone, knotd or kdig missing (scripts/deps.sh test installs them)" >&2; finish_skip=1
else
    CHECKS=$((CHECKS + 1))
    bash "$check" served expect.txt >check.out 2>&1 || fail "check_zone_servers.sh: $(cat check.out)"
fi
if [ "${finish_skip:-0}" = 1 ] && [ "$FAILS" = 0 ]; then exit 77; fi
finish
