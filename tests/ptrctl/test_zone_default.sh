#!/usr/bin/env bash
# export-zone writes what DNS should answer (issue 12): an address whose record was deleted
# answers its default name in the exported zone, also when it was the zone's last record (the
# old name stayed before); --ns is required (or zone_ns), never the ns1.example.com placeholder.
. "$(dirname "$0")/lib.sh"

expect 0 create 203.0.113.10 a.example.com
expect 0 create 203.0.113.11 c.example.com
expect 0 create 198.51.100.7 b.example.com
mkdir zones
expect 2 export-zone --out zones;  has "$ERR" "give --ns NAME" "no name server, no zone"
[ -z "$(ls zones)" ] || fail "nothing written without --ns"
expect 0 export-zone --out zones --ns ns1.example.net
expect 0 delete 203.0.113.10 198.51.100.7
expect 0 export-zone --out zones --ns ns1.example.net
has "$OUT" "2 zone(s)" "both zones written"
z1=$(cat zones/113.0.203.in-addr.arpa.zone); z2=$(cat zones/100.51.198.in-addr.arpa.zone)
has "$z1" "10	300	IN	PTR	ecs-203-0-113-10.compute.example.com." "the deleted address's default name"
has "$z1" "11	300	IN	PTR	c.example.com." "the other record"
hasnt "$z1" "a.example.com" "the old name is gone"
has "$z2" "7	300	IN	PTR	ecs-198-51-100-7.compute.example.com." "a zone without records left"
hasnt "$z2" "b.example.com" "its old name is gone"
hasnt "$z1$z2" "ns1.example.com" "no placeholder"
# Again: the default names stay (the files now hold them), and a new record replaces one.
expect 0 create 203.0.113.10 new.example.com
expect 0 export-zone --out zones --ns ns1.example.net
z1=$(cat zones/113.0.203.in-addr.arpa.zone)
has "$z1" "10	300	IN	PTR	new.example.com." "the new record"
hasnt "$z1" "ecs-203-0-113-10" "not its default name as well"
eq "$(grep -c '^7	' zones/100.51.198.in-addr.arpa.zone)" 1 "one line for the default name"
# Another region exporting into the same directory leaves this region's zones alone.
cp zones/113.0.203.in-addr.arpa.zone before.zone
expect 0 --region other export-zone --out zones --ns ns1.example.net; has "$OUT" "0 zone(s)" "nothing of its own"
eq "$(cat zones/113.0.203.in-addr.arpa.zone)" "$(cat before.zone)" "another region's zone untouched"
if command -v named-checkzone >/dev/null; then
    for z in 113.0.203.in-addr.arpa 100.51.198.in-addr.arpa; do
        CHECKS=$((CHECKS + 1))
        named-checkzone -q "$z" "zones/$z.zone" || fail "named-checkzone $z"
    done
fi
finish
