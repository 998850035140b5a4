#!/usr/bin/env bash
# Output (issue 12): global options anywhere, -o/--output table|json|csv with --json kept, list's
# table with owner, TTL and tags, and list --all paging through everything.
. "$(dirname "$0")/lib.sh"

expect 0 quota --set 200 --create-db
for i in $(seq 1 120); do echo "198.51.100.$i,h$i.example.com,600,,env=prod"; done |
    { echo "ip,names,ttl,description,tags"; cat; } > many.csv
expect 0 import --no-progress many.csv
expect 0 --owner o2 create 203.0.113.9 x.example.com --description 'has, comma "q"' --tag team=dns

# Global options anywhere before "--".
expect 0 list --limit 1 --json;      json_is '.ptrs | length' '1' "--json after the command's option"
expect 0 list -o json --limit 1;     json_is '.metadata.next_marker' '"198.51.100.1"' "-o json"
expect 0 list --limit=1 --output=json; json_ok "$OUT" "--output=json"
expect 0 --owner o2 show 203.0.113.9 -o json; json_is '.owner' '"o2"' "show -o json"
expect 2 list -o xml;                has "$ERR" "--output is table, json or csv, not 'xml'" "bad -o"
expect 2 list -o;                    has "$ERR" "-o needs a value" "-o without a value"

# The table: owner, TTL, tags.
expect 0 list --limit 500
has "$(printf '%s\n' "$OUT" | head -1)" "OWNER" "owner column"
has "$(printf '%s\n' "$OUT" | head -1)" "TAGS" "tags column"
row=$(printf '%s\n' "$OUT" | grep '^203.0.113.9 ')
has "$row" " 300 " "TTL"; has "$row" " o2 " "owner"; has "$row" "team=dns" "tags"
has "$(printf '%s\n' "$OUT" | grep '^198.51.100.7 ')" "env=prod" "tags of an imported record"

# --all: every page (121 records, 500 a page by default; --limit 7 makes 18 pages).
expect 0 list --all --limit 7
eq "$(printf '%s\n' "$OUT" | grep -c '^[0-9]*\.[0-9]')" 121 "every record listed"
has "$OUT" "121 shown, 121 in all" "the summary"
hasnt "$OUT" "next page" "no marker after the last page"
expect 0 list --all --limit 7 --json
json_is '[(.ptrs | length), .metadata.total_count, (.metadata | has("next_marker"))]' '[121,121,false]' "--all json"
expect 0 list --all -o csv --limit 50
eq "$(printf '%s\n' "$OUT" | wc -l)" 122 "header and 121 rows"
eq "$(printf '%s\n' "$OUT" | head -1)" "ip,names,ttl,description,tags,region,project,owner,status,action,dns_error" "csv header (the DNS status last)"
has "$OUT" '203.0.113.9,x.example.com.,300,"has, comma ""q""",team=dns,region-1,default,o2' "csv quoting"
expect 0 --owner o2 show 203.0.113.9 -o csv
eq "$(printf '%s\n' "$OUT" | wc -l)" 2 "show -o csv"
PTRCTL_OUTPUT=json expect 0 list --limit 1; json_ok "$OUT" "PTRCTL_OUTPUT"
echo "output = csv" >> "$CONFIG"
expect 0 list --limit 1;             has "$OUT" "ip,names,ttl" "output from the configuration"
expect 0 list --limit 1 --json;      json_ok "$OUT" "--json over the configuration"

# A typo'd command gets a suggestion; a far one does not.
expect 2 lsit;                       has "$ERR" "no command 'lsit' (did you mean 'list'?)" "suggestion"
expect 2 expotr-zone;                has "$ERR" "did you mean 'export-zone'?" "suggestion"
expect 2 --json shwo 1.2.3.4;        json_is '.error.message' '"no command '"'"'shwo'"'"' (did you mean '"'"'show'"'"'?)"' "json"
expect 2 frobnicate;                 hasnt "$ERR" "did you mean" "no suggestion when nothing is near"
finish
