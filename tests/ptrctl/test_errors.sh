#!/usr/bin/env bash
# Error reporting (issue 11): with --json every failure is an error object on
# stdout (usage errors too, never a success-shaped object with a failing
# exit); a bad region or project is refused by every command; option errors
# name the option; one TTL rule gives one answer; the store's own reason
# reaches the user.
. "$(dirname "$0")/lib.sh"
echo "zone_ns = ns1.example.com" >> "$CONFIG"

# error_json EXIT CODE: the last run printed one error object with that code and exit status.
error_json() {
    json_ok "$OUT" "error object for: $*"
    json_is '.error.code' "\"$2\"" "the error code"
    eq "$RC" "$1" "exit status"
}

# ---- --json: usage errors and refusals are JSON on stdout --------------------------------------
expect 2 --json create;                      error_json 2 PTRCTL_E_USAGE
json_is '.error.message' '"the IP address and at least one name are missing"' "the usage message"
expect 2 --json bogus;                       error_json 2 PTRCTL_E_USAGE
expect 2 --json;                             error_json 2 PTRCTL_E_USAGE
expect 2 --json list --limit 0;              error_json 2 PTRCTL_E_USAGE
expect 2 --json import;                      error_json 2 PTRCTL_E_USAGE
expect 2 --json export-zone --nope;          error_json 2 PTRCTL_E_USAGE
expect 2 --bogus --json list;                error_json 2 PTRCTL_E_USAGE
PTRCTL_JSON=1 expect 2 quota extra;          error_json 2 PTRCTL_E_USAGE
expect 1 --json create 203.0.113.1 a..example.com; error_json 1 PTR_E_NAME
expect 3 --json import missing.csv;          error_json 3 PTRCTL_E_IO
# An import with refused lines exits 1: its summary carries an error object too.
printf 'ip,names\n203.0.113.9,ok.example.com\n203.0.113.10,bad..example.com\n' > in.csv
expect 1 --json import --no-progress in.csv
json_is '[.created, .rejected, .error.code]' '[1,1,"PTR_E_NAME"]' "summary and error object"
has "$(printf '%s' "$OUT" | jq -r .error.message 2>/dev/null || echo 'line 3')" "line 3" "the first refused line"
expect 0 --json import --no-progress /dev/null
json_is '.error' 'null' "no error object when nothing failed"

# ---- a bad region or project is refused by every command (exit 1, the field named) -----------
for cmd in quota "export-zone --out ." list "show 203.0.113.9" "resolve 203.0.113.9"; do
    # shellcheck disable=SC2086 # the command and its arguments
    expect 1 --region 'no such/region' $cmd
    rejected PTR_E_INVAL DNS.0002 region
    # shellcheck disable=SC2086
    expect 1 --json --project '' $cmd
    error_json 1 PTR_E_INVAL
    json_is '.error.field' '"project"' "the field of an empty project"
done
expect 1 --owner "$(printf 'o%.0s' $(seq 65))" quota
rejected PTR_E_INVAL DNS.0002 owner
ls ./*.zone >/dev/null 2>&1 && fail "a refused export-zone wrote nothing"

# ---- export-zone's options are named as such ---------------------------------------------------
expect 1 export-zone --contact 'bad..name'
rejected PTR_E_NAME DNS.0505 contact
expect 1 export-zone --contact 'a@'
rejected PTR_E_NAME DNS.0505 contact
expect 1 export-zone --ns ns1.example.com --ns 'bad..ns'
rejected PTR_E_NAME DNS.0505 'ns[1]'
has "$ERR" "field ns[1]: " "the second --ns"
expect 1 export-zone --ns 'bad..ns'
has "$ERR" "field ns[0]: " "the first --ns"
expect 1 export-zone --ns a.example.com --ns A.example.com.
rejected PTR_E_NAME_DUP DNS.0505 ''
has "$ERR" "field ns[1]: " "the duplicate --ns"
expect 1 --json export-zone --contact 'x..y'
json_is '.error.field' '"contact"' "the JSON field"
hasnt "$OUT" "zones" "no success-shaped object"

# ---- one TTL rule, one answer ------------------------------------------------------------------
expect 1 create 203.0.113.30 t.example.com --ttl 2147483648
rejected PTR_E_TTL DNS.0506 ttl
big=$ERR
expect 1 create 203.0.113.30 t.example.com --ttl 99999999999
rejected PTR_E_TTL DNS.0506 ttl
eq "$ERR" "$big" "99999999999 and 2147483648 get the same answer"
has "$ERR" "above the policy's maximum (2147483647 s)" "the maximum"
expect 1 create 203.0.113.30 t.example.com --ttl 12x
has "$ERR" "not a TTL" "text that is no TTL"
expect 1 update 203.0.113.9 --ttl 99999999999999999999999
has "$ERR" "above the policy's maximum" "update"
printf 'ip,names,ttl\n203.0.113.31,a.example.com,2147483648\n203.0.113.32,b.example.com,99999999999\n' > ttl.csv
expect 1 import --no-progress ttl.csv
eq "$(printf '%s\n' "$ERR" | sed 's/^line [0-9]*: //' | sort -u | wc -l)" 1 "the same answer in an import"
printf '{"ip": "203.0.113.33", "ptrdname": "c.example.com", "ttl": 99999999999}\n' > ttl.jsonl
expect 1 import --no-progress ttl.jsonl
has "$ERR" "above the policy's maximum" "a JSON number too"

# ---- the store's own reason reaches the user -------------------------------------------------
# A file size limit (SIGXFSZ ignored: writes fail with EFBIG) makes SQLite fail while writing.
d=$(printf 'x%.0s' $(seq 250))
{ echo "ip,names,description,tags"
  for i in $(seq 1 50); do
      printf '198.51.100.%s,n%s.example.com,%s,' "$i" "$i" "$d"
      for j in 1 2 3 4 5 6 7 8 9; do printf 'k%s=%s;' "$j" "$d"; done
      echo "k10=$d"
  done; } > full.csv
got=$( (trap '' XFSZ; ulimit -f 40; "$PTRCTL" --owner big import --no-progress full.csv 2>&1 >/dev/null; echo "rc=$?") | cat)
eq "${got##*rc=}" 3 "a store failure exits 3"
has "$got" "PTR_E_STORE (DNS.0001): " "the status"
has "$got" "$PTRCTL_DB)" "the database file named"
hasnt "$got" "PTR_E_STORE (DNS.0001): the store failed" "more than 'the store failed'"
# In batches of 5 the failure comes after some batches were created, while the reading thread
# has read ahead: the summary counts the lines up to the failed batch's end, no further, and
# every batch before it is in the store.
rm -f "$PTRCTL_DB" "$PTRCTL_DB-wal" "$PTRCTL_DB-shm"
got=$( (trap '' XFSZ; ulimit -f 120; "$PTRCTL" --owner big import --batch 5 --no-progress full.csv 2>&1; echo "rc=$?") | cat)
eq "${got##*rc=}" 3 "a store failure after some batches exits 3"
c=$(printf '%s\n' "$got" | sed -n 's/^import: \([0-9]*\) lines, \([0-9]*\) created.*/\1 \2/p')
n=$(printf '%s\n' "$got" | sed -n 's/^stopped at the batch starting at line \([0-9]*\):.*/\1/p')
read -r lines created <<<"$c"
[ "${created:-0}" -ge 5 ] || fail "some batches before the failure: $got"
eq "$n" "$((created + 2))" "the failed batch starts after the created ones"
eq "$lines" "$((n + 4))" "lines counted up to the failed batch's end"
eq "$("$PTRCTL" --owner big --json quota | sed 's/.*"used": \([0-9]*\).*/\1/')" "$created" \
    "the batches before the failure are in the store"
# ---- a damaged row: reads that can go past it do, and say so ---------------------------------
# Another writer of the file (here Python's sqlite3) leaves a description beyond the policy's
# limit: show refuses it naming the address, list and export-zone skip it with a warning.
rm -f "$PTRCTL_DB"
expect 0 create 192.0.2.10 a.example.com
expect 0 create 192.0.2.11 b.example.com --description damaged
expect 0 create 192.0.2.12 c.example.com
/usr/bin/python3 - "$PTRCTL_DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE ptr_record SET description = ? WHERE description = 'damaged'", ("x" * 2000,))
db.commit()
PY
expect 3 show 192.0.2.11
has "$ERR" "corrupt row for 192.0.2.11" "show names the damaged row"
expect 0 list
has "$OUT" "192.0.2.10" "list goes on before the damaged row"
has "$OUT" "192.0.2.12" "and after it"
hasnt "$OUT" "192.0.2.11" "without the damaged row"
has "$ERR" "1 damaged row(s) skipped" "list warns"
has "$ERR" "corrupt row for 192.0.2.11" "naming the row"
mkdir -p zones
expect 0 export-zone --out zones --ns ns1.example.com
has "$ERR" "1 damaged row(s) skipped" "export-zone warns"
finish
