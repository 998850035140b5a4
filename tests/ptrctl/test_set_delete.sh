#!/usr/bin/env bash
# set (create or replace, idempotent), unset (delete's alias), delete of up to 50 addresses all
# or nothing (issue 12).
. "$(dirname "$0")/lib.sh"

expect 0 --json set 203.0.113.5 a.example.com --ttl 60 --tag x=y
json_is '[.ptrdnames, .ttl, .tags, .revision]' '[["a.example.com."],60,[{"key":"x","value":"y"}],1]' "set creates"
expect 0 --json set 203.0.113.5 b.example.com c.example.com
json_is '[.ptrdnames, .ttl, .tags, .revision]' '[["b.example.com.","c.example.com."],300,[],2]' "set replaces everything"
expect 0 --json set 203.0.113.5 b.example.com c.example.com
json_is '[.ptrdnames, .ttl, .tags]' '[["b.example.com.","c.example.com."],300,[]]' "set again: the same record"
expect 0 quota; has "$OUT" "1 of 50" "one record, not two"
# A set refused by a rule changes nothing.
expect 1 set 203.0.113.5 'bad..name'; rejected PTR_E_NAME DNS.0505 "ptrdnames[0]"
expect 0 --json show 203.0.113.5; json_is '.ptrdnames' '["b.example.com.","c.example.com."]' "unchanged"
# Another project's record of the address is not replaced.
expect 1 --project other set 203.0.113.5 z.example.com; rejected PTR_E_EXISTS DNS.0016 address
expect 2 set 203.0.113.6;  has "$ERR" "at least one name" "set without a name"

# unset: delete's alias.
expect 0 unset 203.0.113.5; has "$OUT" "default name" "unset deletes"
expect 1 unset 203.0.113.5; rejected PTR_E_NOT_FOUND DNS.0507 address

# delete of many: all or nothing.
expect 0 quota --set 100
for i in $(seq 1 60); do "$PTRCTL" create "198.51.100.$i" "h$i.example.com" >/dev/null 2>&1 || true; done
expect 0 --owner o2 create 192.0.2.1 x.example.com
expect 1 delete 198.51.100.1 198.51.100.2 198.51.100.200
rejected PTR_E_NOT_FOUND DNS.0507 address
has "$ERR" "198.51.100.200: " "the missing address named"
has "$ERR" "nothing was deleted" "all or nothing"
expect 0 show 198.51.100.1
expect 1 delete 198.51.100.1 198.51.100.1; has "$ERR" "198.51.100.1" "a duplicate named"
expect 0 show 198.51.100.1
expect 0 --json delete 198.51.100.1 198.51.100.2 192.0.2.1
json_is '.addresses' '["198.51.100.1","198.51.100.2","192.0.2.1"]' "three deleted"
expect 1 show 198.51.100.2
addrs=$(for i in $(seq 3 53); do printf '198.51.100.%d ' "$i"; done)
# shellcheck disable=SC2086
expect 2 delete $addrs;    has "$ERR" "at most 50 addresses" "51 addresses"
expect 0 show 198.51.100.3
addrs=$(for i in $(seq 3 52); do printf '198.51.100.%d ' "$i"; done)
# shellcheck disable=SC2086
expect 0 delete $addrs;    has "$OUT" "50 addresses" "50 at once"
expect 1 show 198.51.100.52
expect 0 show 198.51.100.53
expect 2 delete;           has "$ERR" "the IP address is missing" "none"
finish
