#!/usr/bin/env bash
# Import columns region/project/owner, export --format csv|jsonl --out FILE round-tripping with
# import, import of `show --json` objects, --quiet and --max-errors (issue 12).
. "$(dirname "$0")/lib.sh"

# ---- one file for several tenants: each line's owner (and region, project) ----------------------
{ echo "ip,names,ttl,description,tags,owner,project,region"
  for i in $(seq 1 60); do echo "198.51.100.$i,a$i.example.com,600,\"d, $i\",env=prod;n=$i,acct-a,,"; done
  for i in $(seq 1 60); do echo "203.0.113.$i,b$i.example.com;c$i.example.com,,,,acct-b,p2,"; done
  echo "192.0.2.1,x.example.com,,,,,,r2"; } > tenants.csv
expect 0 --create-db quota --set 100 --owner acct-a
expect 0 quota --set 100 --owner acct-b
expect 0 import --no-progress --batch 25 tenants.csv
has "$OUT" "122 lines, 121 created, 0 rejected" "every tenant's lines (quota per owner, not 50 in all)"
expect 0 --owner acct-a quota;  has "$OUT" "60 of 100" "acct-a"
expect 0 --owner acct-b quota;  has "$OUT" "60 of 100" "acct-b"
expect 0 --project p2 --json show 203.0.113.7; json_is '[.owner,.project,.region]' '["acct-b","p2","region-1"]' "scope of a line"
expect 0 --region r2 --json show 192.0.2.1;    json_is '.owner' '"default"' "the global owner by default"
# --all-or-nothing takes a scope per line too.
printf 'ip,names,owner\n198.18.0.1,m.example.com,acct-c\n198.18.0.2,n.example.com,acct-d\n' > aon.csv
expect 0 import --no-progress --all-or-nothing aon.csv
expect 0 --json show 198.18.0.2; json_is '.owner' '"acct-d"' "all-or-nothing scope"
printf 'ip,names,owner\n198.18.0.3,m.example.com,bad/owner\n' > badowner.csv
expect 1 import --no-progress badowner.csv; has "$ERR" "line 2: PTR_E_INVAL" "a bad owner refused by line"

# ---- export and import back --------------------------------------------------------------------
for fmt in csv jsonl; do
    expect 0 export --format $fmt --out all.$fmt
    has "$ERR" "exported 62 record(s)" "$fmt: the default project's records"
    rm -f copy.db
    expect 0 --db copy.db quota --set 100 --owner acct-a --create-db
    expect 0 --db copy.db import --no-progress all.$fmt
    has "$OUT" "62 created, 0 rejected" "$fmt: imported back"
    expect 0 --db copy.db export --format $fmt
    a=$(grep -v created_at all.$fmt || true); b=$(printf '%s\n' "$OUT" | grep -v created_at || true)
    [ $fmt = jsonl ] && { a=$(jq -c 'del(.created_at,.updated_at)' all.$fmt); b=$(printf '%s\n' "$OUT" | jq -c 'del(.created_at,.updated_at)'); }
    eq "$b" "$a" "$fmt: the same records after the round trip"
done
has "$(cat all.csv)" '198.51.100.9,a9.example.com.,600,"d, 9","env=prod;n=9",region-1,default,acct-a' "csv row"
expect 0 --project p2 export --format jsonl
eq "$(printf '%s\n' "$OUT" | wc -l)" 60 "the project's records only"
expect 2 export --format xml;  has "$ERR" "--format is csv or jsonl" "bad format"
ln -s /etc/passwd link.csv
expect 3 export --out link.csv; has "$ERR" "link.csv" "no write through a symlink"

# ---- show --json objects import as they are ---------------------------------------------------
"$PTRCTL" --json show 198.51.100.9 > one.jsonl
"$PTRCTL" --project p2 --json show 203.0.113.9 >> one.jsonl
rm -f copy.db
expect 0 --db copy.db import --no-progress one.jsonl
has "$OUT" "2 created" "show's objects imported (id, dates and revision ignored)"
expect 0 --db copy.db --project p2 --json show 203.0.113.9
json_is '[.ptrdnames, .owner]' '[["b9.example.com.","c9.example.com."],"acct-b"]' "with their scope"
printf '{"ip": "192.0.2.5", "ptrdname": "y.example.com", "revision": "x"}\n' > badrev.jsonl
expect 1 import --no-progress badrev.jsonl; has "$ERR" "line 1: PTR_E_INVAL" "a read-only field still has its type"

# ---- --quiet, --max-errors ---------------------------------------------------------------------
{ echo "ip,names"; for i in $(seq 1 30); do echo "bad$i,x.example.com"; done; echo "192.0.2.99,z.example.com"; } > bad.csv
expect 1 import --quiet bad.csv
eq "$ERR" "" "--quiet: nothing line by line"
has "$OUT" "32 lines, 1 created, 30 rejected" "the summary stays"
expect 0 delete 192.0.2.99
expect 1 import --no-progress --max-errors 5 bad.csv
eq "$(printf '%s\n' "$ERR" | grep -c '^line ')" 5 "five refusals, then stop"
has "$OUT" "import stopped at line 6: 5 line(s) refused, the most --max-errors allows" "said so"
expect 1 show 192.0.2.99
expect 1 --json import --no-progress --max-errors 2 --all-or-nothing bad.csv
json_is '[.rejected, .stopped_at_line]' '[2,3]' "json: where it stopped"
expect 2 import --max-errors x bad.csv
finish
