#!/usr/bin/env bash
# quota --set / --clear / --list (issue 12): an owner's own limit is kept in the database, so
# another process sharing it enforces it; a lower limit deletes nothing; bad values are usage
# errors; --list reads every owner's limit and use.
. "$(dirname "$0")/lib.sh"

expect 3 --owner a quota;                  has "$ERR" "no database" "quota does not create the database"
expect 0 --create-db --owner a quota;      has "$OUT" "owner a: 0 of 50 PTR records used" "the policy's"
expect 0 --owner a quota --set 52;         has "$OUT" "owner a: 0 of 52 PTR records used" "raised"
# A new process (another ptrctl) sees it: the 51st and 52nd records pass, the 53rd does not.
for i in $(seq 1 52); do "$PTRCTL" --owner a create "203.0.113.$i" "h$i.example.com" >/dev/null || fail "create $i"; done
expect 1 --owner a create 203.0.113.53 h53.example.com; rejected PTR_E_QUOTA DNS.0405 owner
# Lowered below use: nothing is deleted, new records stop.
expect 0 --owner a quota --set=10;         has "$OUT" "owner a: 52 of 10" "lowered"
expect 1 --owner a create 203.0.113.60 x.example.com; rejected PTR_E_QUOTA DNS.0405 owner
expect 0 --owner a show 203.0.113.52
expect 0 --owner b --json quota --set 0;   json_is '[.owner,.used,.limit]' '["b",0,0]' "--set 0 json"
expect 1 --owner b create 198.51.100.1 x.example.com; rejected PTR_E_QUOTA DNS.0405 owner

# --list: every owner with its own limit, in owner order, with its use.
expect 0 quota --list
has "$OUT" "OWNER" "a header"
eq "$(printf '%s\n' "$OUT" | awk 'NR > 1 { print $1 ":" $2 ":" $3 }' | tr '\n' ' ')" "a:52:10 b:0:0 " "the rows"
expect 0 --json quota --list; json_ok "$OUT" "--list json"
json_is '.limits' '[{"owner":"a","used":52,"limit":10},{"owner":"b","used":0,"limit":0}]' "--list json rows"

# --clear: the policy's limit again; clearing twice is refused (exit 1, named).
expect 0 --owner b quota --clear;          has "$OUT" "owner b: 0 of 50" "cleared"
expect 1 --owner b quota --clear;          rejected PTR_E_NOT_FOUND DNS.0507 owner
expect 1 --owner b --json quota --clear;   json_is '.error.code' '"PTR_E_NOT_FOUND"' "json error"
expect 0 --json quota --list;              json_is '[.limits[].owner]' '["a"]' "b is gone"
expect 0 --db empty.db --create-db quota --list;       has "$OUT" "no owner has a limit of its own" "none"

# Usage errors change nothing.
expect 2 --owner a quota --set;            has "$ERR" "usage error" "missing value"
expect 2 --owner a quota --set -1;         has "$ERR" "--set takes a number" "negative"
expect 2 --owner a quota --set 4294967296; has "$ERR" "--set is at most 4294967295" "too large"
expect 2 --owner a quota --set 5 --clear;  has "$ERR" "one at a time" "two actions"
expect 2 --owner a quota --bogus
expect 2 --owner a --json quota --set x;   json_is '.error.code' '"PTRCTL_E_USAGE"' "usage json"
expect 1 --owner 'a b' quota --set 5;      rejected PTR_E_INVAL DNS.0002 owner
expect 0 --owner a quota;                  has "$OUT" "52 of 10" "unchanged by the refusals"
finish
