#!/usr/bin/env bash
# export-zone --classless (RFC 2317, issue 12): the child zone of each block with its PTRs,
# the parent /24 with the delegation and a CNAME per address of the block and no PTR of the
# block's addresses (RFC 1034 §3.6.2), the file names, bad and overlapping blocks refused
# naming the option, a deleted address's default name in the child, and both zones accepted
# by named-checkzone and served by a real knotd (tests/zone/check_zone_servers.sh): the
# address's reverse name answers the CNAME, and its target the names.
. "$(dirname "$0")/lib.sh"
echo "zone_ns = ns1.example.net, ns2.example.net" >> "$CONFIG"

expect 0 create 203.0.113.10 mail.example.com mx.example.com --ttl 600
expect 0 create 203.0.113.63 last.example.com
expect 0 create 203.0.113.64 outside.example.com
expect 0 create 203.0.113.130 other.example.com
expect 0 create 198.51.100.7 host.example.net
mkdir zones
expect 0 export-zone --out zones --classless 203.0.113.0/26 --classless 203.0.113.128/30
has "$OUT" "zones/0_26.113.0.203.in-addr.arpa.zone" "the child's file: '_' for '/'"
has "$OUT" "4 zone(s)" "two /24s and two children"
eq "$(ls zones | tr '\n' ' ')" "0_26.113.0.203.in-addr.arpa.zone 100.51.198.in-addr.arpa.zone 113.0.203.in-addr.arpa.zone 128_30.113.0.203.in-addr.arpa.zone " "the files"
child=$(cat zones/0_26.113.0.203.in-addr.arpa.zone)
parent=$(cat zones/113.0.203.in-addr.arpa.zone)
has "$child" '$ORIGIN 0/26.113.0.203.in-addr.arpa.' "the child's origin keeps the '/'"
has "$child" "10	600	IN	PTR	mail.example.com." "the block's PTRs in the child"
has "$child" "10	600	IN	PTR	mx.example.com." "every name"
has "$child" "63	300	IN	PTR	last.example.com." "the block's last address"
has "$child" "@	IN	NS	ns2.example.net." "the child's NS, as every zone's"
hasnt "$child" "outside.example.com" "nothing outside the block"
has "$parent" "0/26	IN	NS	ns1.example.net." "the delegation"
has "$parent" "10	IN	CNAME	10.0/26.113.0.203.in-addr.arpa." "the CNAME of an address"
eq "$(grep -c '	IN	CNAME	[0-9]*\.0/26\.113' zones/113.0.203.in-addr.arpa.zone)" 64 "a CNAME for every address of the /26"
eq "$(grep -c '	IN	CNAME	[0-9]*\.128/30\.113' zones/113.0.203.in-addr.arpa.zone)" 4 "and of the /30"
hasnt "$parent" "mail.example.com" "no PTR of the block's addresses in the parent"
has "$parent" "64	300	IN	PTR	outside.example.com." "the /24's other records stay"
eq "$(grep -c '^130	' zones/113.0.203.in-addr.arpa.zone)" 1 "one line at 130: its CNAME"
has "$(cat zones/128_30.113.0.203.in-addr.arpa.zone)" "130	300	IN	PTR	other.example.com." "the /30's record"
hasnt "$(cat zones/100.51.198.in-addr.arpa.zone)" "CNAME" "other /24s are unchanged"

# JSON names the zone as DNS does and the file as written.
expect 0 --json export-zone --out zones --classless 203.0.113.0/26
json_ok "$OUT" "export-zone --classless --json"
json_is '[.zones[].zone]' '["100.51.198.in-addr.arpa","113.0.203.in-addr.arpa","0/26.113.0.203.in-addr.arpa"]' "zones in JSON"
has "$OUT" '"file": "zones/0_26.113.0.203.in-addr.arpa.zone"' "the file in JSON"

# Refused before anything is written, naming the option and the block.
before=$(cat zones/*.zone | md5sum)
expect 1 export-zone --out zones --classless 203.0.113.0/26 --classless 203.0.113.32/27
rejected PTR_E_INVAL DNS.0002 --classless
has "$ERR" "--classless 203.0.113.32/27: overlaps --classless 203.0.113.0/26" "the overlap named"
expect 1 export-zone --out zones --classless 203.0.113.0/25 --classless 203.0.113.0/25
has "$ERR" "--classless 203.0.113.0/25: overlaps --classless 203.0.113.0/25" "the same block twice"
expect 1 export-zone --out zones --classless 203.0.113.0/24
has "$ERR" "--classless 203.0.113.0/24: the prefix length must be 25 to 31" "a /24"
expect 1 export-zone --out zones --classless 203.0.113.7/32
has "$ERR" "the prefix length must be 25 to 31" "a /32"
expect 1 export-zone --out zones --classless 2001:db8::/120
has "$ERR" "--classless 2001:db8::/120: RFC 2317 delegates IPv4 blocks only" "IPv6"
expect 2 export-zone --out zones --classless 203.0.113.5/26
has "$ERR" "--classless 203.0.113.5/26: not an address block" "host bits set"
expect 2 export-zone --out zones --classless nonsense
has "$ERR" "--classless nonsense: not an address block" "not a block"
expect 2 export-zone --out zones --classless
eq "$(cat zones/*.zone | md5sum)" "$before" "a refused export changes no file"
ls -a zones | grep -q '\.tmp$' && fail "no temporary file is left behind"

# A deleted address of a block answers its default name in the child, never in the parent
# (the address was in the directory's child zone before).
check=$SRC/tests/zone/check_zone_servers.sh
rm -rf served && mkdir served
expect 0 export-zone --out served --classless 203.0.113.0/26
expect 0 delete 203.0.113.63
expect 0 export-zone --out served --classless 203.0.113.0/26
has "$(cat served/0_26.113.0.203.in-addr.arpa.zone)" "63	300	IN	PTR	ecs-203-0-113-63.compute.example.com." "the default name in the child"
hasnt "$(cat served/0_26.113.0.203.in-addr.arpa.zone)" "last.example.com" "the old name is gone"
eq "$(grep -c '^63	' served/113.0.203.in-addr.arpa.zone)" 1 "the parent keeps only the CNAME at 63"

# Served: BIND's checker and a real knotd, both zones.
cat > expect.txt <<X
203.0.113.10 CNAME 10.0/26.113.0.203.in-addr.arpa. mail.example.com. mx.example.com.
203.0.113.63 CNAME 63.0/26.113.0.203.in-addr.arpa. ecs-203-0-113-63.compute.example.com.
203.0.113.64 outside.example.com.
203.0.113.130 other.example.com.
198.51.100.7 host.example.net.
X
if ! command -v named-checkzone >/dev/null || ! command -v knotd >/dev/null || ! command -v kdig >/dev/null; then
    echo "SKIP: named-checkzone, knotd or kdig missing (scripts/deps.sh test installs them)" >&2
    [ "$FAILS" = 0 ] && exit 77
else
    CHECKS=$((CHECKS + 1))
    bash "$check" served expect.txt >check.out 2>&1 || fail "check_zone_servers.sh: $(cat check.out)"
    has "$(cat check.out)" "3 zones" "knotd served the parent, the child and the other /24"
fi
finish
