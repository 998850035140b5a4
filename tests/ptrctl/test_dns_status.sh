#!/usr/bin/env bash
# The DNS status of records as ptrctl shows it (issue 14): show and list (table, --json, csv)
# print status and action (and dns_error when set), a deleted record that DNS may still answer
# shows as PENDING_DELETE until a push confirms, export leaves deleted records out, and import
# ignores the read-only status fields. dns_answer (tests/ptrctl/dns_answer.c) stands in for a
# pusher: it answers the pending changes through ptr_ctx_pending and ptr_ctx_dns_results.
. "$(dirname "$0")/lib.sh"
ANSWER=$3
[ "$JSON_TOOL" = jq ] || { echo "skipped: jq is needed to read the JSON"; exit 77; }

# ---- a create is pending until a server confirms it -------------------------------------------
expect 0 create 203.0.113.10 mail.example.com
has "$OUT" "status       PENDING_CREATE" "create prints the new record's status"
expect 0 --json show 203.0.113.10
json_is '[.status, .action, has("dns_error")]' '["PENDING_CREATE","CREATE",false]' "show --json, no dns_error"
expect 0 show 203.0.113.10
has "$OUT" "status       PENDING_CREATE" "show text"
has "$OUT" "action       CREATE" "show text action"
hasnt "$OUT" "dns_error" "no dns_error line without an error"
expect 0 list
eq "$(printf '%s\n' "$OUT" | head -1 | awk '{print $1, $2}')" "ADDRESS STATUS" "list's STATUS column"
eq "$(printf '%s\n' "$OUT" | grep '^203.0.113.10 ' | awk '{print $2}')" "PENDING_CREATE" "list row"
expect 0 -o csv list
eq "$(printf '%s\n' "$OUT" | sed -n 2p)" \
   "203.0.113.10,mail.example.com.,300,,,region-1,default,default,PENDING_CREATE,CREATE," "csv row"

# ---- confirmed, updated, refused --------------------------------------------------------------
run_answer() { RC=0; OUT=$("$ANSWER" "$PTRCTL_DB" region-1 "$@" 2>&1) || RC=$?; CHECKS=$((CHECKS + 1)); [ "$RC" = 0 ] || fail "dns_answer $*: $OUT"; }
run_answer active
expect 0 --json show 203.0.113.10
json_is '[.status, .action]' '["ACTIVE","NONE"]' "confirmed"
expect 0 update 203.0.113.10 --ttl 600
expect 0 --json show 203.0.113.10
json_is '[.status, .action]' '["PENDING_UPDATE","UPDATE"]' "an update of a record in DNS"
run_answer error 'NOTAUTH (BADSIG) from 127.0.0.1:5300, "x"'
expect 0 --json show 203.0.113.10
json_is '[.status, .action, .dns_error]' '["ERROR","UPDATE","NOTAUTH (BADSIG) from 127.0.0.1:5300, \"x\""]' "refused: the reason"
expect 0 show 203.0.113.10
has "$OUT" 'dns_error    NOTAUTH (BADSIG) from 127.0.0.1:5300, "x"' "show text: the reason"
expect 0 -o csv list
has "$OUT" ',ERROR,UPDATE,"NOTAUTH (BADSIG) from 127.0.0.1:5300, ""x"""' "csv: the reason quoted"

# ---- delete: pending until DNS answers the default name ---------------------------------------
expect 0 create 203.0.113.11 other.example.com
run_answer active
expect 0 delete 203.0.113.11
expect 0 --json show 203.0.113.11
json_is '[.status, .action, .ptrdnames]' '["PENDING_DELETE","DELETE",["other.example.com."]]' "a deleted record waits"
expect 0 show 203.0.113.11;  has "$OUT" "status       PENDING_DELETE" "show text of a deleted record"
expect 0 list
eq "$(printf '%s\n' "$OUT" | grep '^203.0.113.11 ' | awk '{print $2}')" "PENDING_DELETE" "list shows it"
expect 0 --json list
json_is '[.ptrs[] | select(.address == "203.0.113.11") | .action]' '["DELETE"]' "list --json"
expect 1 update 203.0.113.11 --ttl 60;  rejected PTR_E_NOT_FOUND DNS.0507 address
expect 1 delete 203.0.113.11;           rejected PTR_E_NOT_FOUND DNS.0507 address
expect 0 resolve 203.0.113.11;          hasnt "$OUT" "other.example.com" "resolve gives the default name"
for fmt in csv jsonl; do
    expect 0 export --format $fmt
    hasnt "$OUT" "203.0.113.11" "$fmt export leaves a deleted record out"
    has "$OUT" "203.0.113.10" "$fmt export has the others"
done
expect 0 export --format jsonl --out all.jsonl; has "$ERR" "exported 1 record(s)" "counted without it"

# A record DNS never had goes at once.
expect 0 create 203.0.113.12 never.example.com
expect 0 delete 203.0.113.12
expect 1 show 203.0.113.12;  rejected PTR_E_NOT_FOUND DNS.0507 address

# A create takes a deleted record's place; the confirmation of the delete then does not apply.
expect 0 create 203.0.113.11 back.example.com
expect 0 --json show 203.0.113.11
json_is '[.action, .ptrdnames]' '["CREATE",["back.example.com."]]' "created again over a pending delete"
expect 0 delete 203.0.113.11
run_answer active
expect 1 show 203.0.113.11;  rejected PTR_E_NOT_FOUND DNS.0507 address

# ---- import ignores the read-only status fields -----------------------------------------------
expect 0 -o csv list; printf '%s\n' "$OUT" > all.csv
expect 0 --json show 203.0.113.10; printf '%s\n' "$OUT" > one.jsonl
printf '{"ip": "192.0.2.7", "ptrdname": "s.example.com", "status": "ACTIVE", "action": "NONE", "dns_error": "x"}\n' >> one.jsonl
for f in all.csv one.jsonl; do
    rm -f copy.db
    expect 0 --db copy.db --create-db import --no-progress $f
    expect 0 --db copy.db --json show 203.0.113.10
    json_is '[.status, .action, has("dns_error"), .ttl]' '["PENDING_CREATE","CREATE",false,600]' "$f: a new record, pending"
done
expect 0 --db copy.db --json show 192.0.2.7; json_is '.status' '"PENDING_CREATE"' "status given in the line ignored"
printf '{"ip": "192.0.2.8", "ptrdname": "t.example.com", "status": 3}\n' > badstatus.jsonl
expect 1 import --no-progress badstatus.jsonl; has "$ERR" "line 1: PTR_E_INVAL" "a read-only field still has its type"
printf 'ip,names,status,status\n192.0.2.9,u.example.com,A,A\n' > twice.csv
expect 1 import --no-progress twice.csv; has "$ERR" "a CSV column named twice" "a column twice"
finish
