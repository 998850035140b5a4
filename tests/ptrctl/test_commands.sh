#!/usr/bin/env bash
# Every ptrctl command and option, every exit status, the rejection format and the JSON shapes.
. "$(dirname "$0")/lib.sh"
echo "zone_ns = ns1.example.com" >> "$CONFIG"

# ---- help and usage (exit 0 / 2) ----------------------------------------------------
expect 0 --help;                has "$OUT" "export-zone" "overview lists the commands"
expect 0 --version;             has "$OUT" "libptr" "version"
for c in create show list update delete resolve quota import export-zone; do
    expect 0 "$c" --help;       has "$OUT" "usage: ptrctl" "$c --help"; has "$OUT" "example" "$c --help has examples"
    expect 0 help "$c";         has "$OUT" "usage: ptrctl" "help $c"
done
[ -e test.db ] && fail "--help must not create the database"
expect 2;                       has "$ERR" "usage: ptrctl" "no command prints the usage"
expect 2 frobnicate;            has "$ERR" "usage error: no command 'frobnicate'" "unknown command"
expect 2 --bogus list;          has "$ERR" "unknown option '--bogus'" "unknown global option"
expect 2 --db;                  has "$ERR" "--db needs a value" "missing value"
expect 2 help frobnicate
expect 2 create 203.0.113.10;   has "$ERR" "at least one name" "create without a name"
expect 2 create;                expect 2 show;  expect 2 delete;  expect 2 resolve
expect 2 show 203.0.113.10 203.0.113.11
expect 2 create 203.0.113.10 a.example.com --ttl
expect 2 create 203.0.113.10 a.example.com --tag novalue
expect 2 create 203.0.113.10 a.example.com --frob
# Global options go anywhere before "--" (issue 12): after the command, between its arguments.
# A database file that is not there (a PostgreSQL database always is: tests/pg runs this too).
case $PTRCTL_DB in
postgres*) ;;
*)
    expect 3 show 203.0.113.10 --json; json_is '.error.code' '"PTRCTL_E_IO"' "--json after the command"
    has "$ERR" "no database" "show does not create a database"
    ;;
esac
expect 0 list --db=x.db --create-db; [ -e x.db ] || fail "--db=x.db after the command was used"
expect 2 frobnicate2 --json;    json_is '.error.code' '"PTRCTL_E_USAGE"' "--json after a bad command"
expect 2 update 203.0.113.10;   has "$ERR" "nothing to change" "update without a change"
expect 2 list --limit abc;      expect 2 list --limit 501;  expect 2 list --limit 0
expect 2 quota extra;           expect 2 import;  expect 2 import a b
expect 2 import x --batch 0;    expect 2 export-zone extra
[ -e test.db ] && fail "a usage error must not create the database"

# ---- create and show ---------------------------------------------------------------------
expect 0 create 203.0.113.10 Mail.Example.COM --ttl 5m --description 'outbound "mail" \ café' \
    --tag env=prod --tag team=
has "$OUT" "mail.example.com." "names are stored lower-case and absolute"
has "$OUT" "ttl          300" "TTL with a unit"
expect 0 --json show 203.0.113.10
json_ok "$OUT" "show --json"
json_is '[.id,.region,.project,.owner,.address,.ptrdnames,.ttl,.revision]' \
    '["region-1:203.0.113.10","region-1","default","default","203.0.113.10",["mail.example.com."],300,1]' "show --json fields"
json_is '.description' '"outbound \"mail\" \\ café"' "description escaping round trip"
json_is '.tags' '[{"key":"env","value":"prod"},{"key":"team","value":""}]' "tags"
json_is '.created_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")' 'true' "RFC 3339 UTC"
json_is '.created_at == .updated_at' 'true' "created = updated"
expect 0 show 203.0.113.10/32;  has "$OUT" "id           region-1:203.0.113.10" "show text"
expect 0 --json create -- 203.0.113.11 a.example.com b.example.com
json_ok "$OUT" "create --json";  json_is '.ptrdnames' '["a.example.com.","b.example.com."]' "create --json names"

# ---- each rule refuses, names the field, and changes nothing (exit 1) ---------------------
before=$("$PTRCTL" --json list)
expect 1 create 203.0.113.0/24 x.example.com;          rejected PTR_E_NOT_HOST DNS.0602 address
expect 1 create 203.0.113.10 other.example.com;        rejected PTR_E_EXISTS DNS.0016 address
expect 1 create 203.0.113.12 n{1,2,3,4,5,6,7,8,9,10,11}.example.com; rejected PTR_E_NAME_COUNT DNS.0505 ptrdnames
expect 1 create 203.0.113.12 x.example.com --ttl 0;    rejected PTR_E_TTL DNS.0506 ttl
expect 1 create 203.0.113.12 x.example.com --ttl 2147483648; rejected PTR_E_TTL DNS.0506 ttl
expect 1 create 203.0.113.12 x.example.com --ttl 1h30; rejected PTR_E_TTL DNS.0506 ttl
expect 1 create 203.0.113.12 x.example.com --description "$(printf 'd%.0s' $(seq 256))"
rejected PTR_E_DESCRIPTION DNS.0508 description
expect 1 create 203.0.113.12 ok.example.com bad..example.com; rejected PTR_E_NAME DNS.0505 'ptrdnames[1]'
has "$ERR" "field ptrdnames[1]" "the failing name's index"
expect 1 create 203.0.113.12 x.example.com x.EXAMPLE.com.; rejected PTR_E_NAME_DUP DNS.0505 ""
expect 1 create 203.0.113.12 x.example.com --tag 'b@d!=v'; rejected PTR_E_TAG DNS.1003 ""
has "$ERR" "field tags[0].key" "the failing tag"
expect 1 create 203.0.113.12 x.example.com --tag a=1 --tag a=2; rejected PTR_E_TAG_DUP DNS.1003 ""
expect 1 create 999.0.113.12 x.example.com;            rejected PTR_E_ADDR DNS.0602 address
expect 1 create 1.2.3.4 1.2.3.4;                       rejected PTR_E_NAME DNS.0505 ""
expect 1 --project 'bad project' create 203.0.113.12 x.example.com; rejected PTR_E_INVAL DNS.0002 project
expect 1 --json create 203.0.113.12 x.example.com --ttl 0
json_ok "$OUT" "error --json"
json_is '.error | [.code,.cloud_code,.field]' '["PTR_E_TTL","DNS.0506","ttl"]' "error object"
json_is '.error.message | length > 0' 'true' "error message"
has "$ERR" "PTR_E_TTL (DNS.0506)" "stderr keeps the rejection with --json"
eq "$("$PTRCTL" --json list)" "$before" "refusals change nothing"

# ---- list: paging, filters, JSON -----------------------------------------------------------
for i in 20 21 22 23 24; do "$PTRCTL" create 203.0.113.$i h$i.example.com --tag env=test --tag n=$i >/dev/null || fail "create $i"; done
expect 0 list;                  has "$OUT" "7 shown, 7 in all" "list text"
expect 0 --json list --limit 3
json_ok "$OUT" "list --json"
json_is '[.ptrs[].address, .metadata.total_count, .metadata.next_marker]' \
    '["203.0.113.10","203.0.113.11","203.0.113.20",7,"203.0.113.20"]' "first page"
expect 0 --json list --limit 3 --marker 203.0.113.20
json_is '[.ptrs[].address]' '["203.0.113.21","203.0.113.22","203.0.113.23"]' "second page"
expect 0 --json list --marker 203.0.113.23
json_is '[.ptrs[].address, (.metadata | has("next_marker"))]' '["203.0.113.24",false]' "last page"
expect 0 --json list --tag env=test --tag n
json_is '.metadata.total_count' '5' "tag filters"
expect 0 --json list --tag n=22;            json_is '[.ptrs[].address]' '["203.0.113.22"]' "tag value filter"
expect 0 --json list --name B.example.com;  json_is '[.ptrs[].address]' '["203.0.113.11"]' "name filter (normalized)"
expect 0 --json list --name nothing.example.com; json_is '.ptrs' '[]' "empty page"; json_ok "$OUT" "empty list"
expect 1 list --marker not-an-ip;           rejected PTR_E_ADDR DNS.0602 ""
expect 1 list --name 'bad..name';           rejected PTR_E_NAME DNS.0505 ""

# ---- update -------------------------------------------------------------------------------------
expect 0 --json update 203.0.113.10 --ttl 600 --tag team=mail
json_is '[.ttl,.tags,.revision,.ptrdnames]' '[600,[{"key":"env","value":"prod"},{"key":"team","value":"mail"}],2,["mail.example.com."]]' "update merges tags"
expect 0 --json update 203.0.113.10 --names MX1.example.com,mx2.example.com --description ''
json_is '[.ptrdnames,.description,.revision]' '[["mx1.example.com.","mx2.example.com."],"",3]' "update names"
expect 0 --json update 203.0.113.10 --clear-tags --tag only=1
json_is '.tags' '[{"key":"only","value":"1"}]' "clear then tag"
expect 0 --json update 203.0.113.10 --clear-tags;  json_is '.tags' '[]' "clear tags"
expect 1 update 203.0.113.99 --ttl 60;        rejected PTR_E_NOT_FOUND DNS.0507 address
expect 1 update 203.0.113.10 --ttl 0;         rejected PTR_E_TTL DNS.0506 ttl
expect 1 update 203.0.113.10 --names a.example.com,,b.example.com; eq "$RC" 1 "empty name in --names"
expect 0 --json show 203.0.113.10;            json_is '.revision' '5' "refused updates change nothing"

# ---- resolve, delete ------------------------------------------------------------------------------
expect 0 resolve 203.0.113.10;   eq "$OUT" "$(printf 'mx1.example.com.\nmx2.example.com.')" "resolve a record"
expect 0 --json resolve 203.0.113.10; json_ok "$OUT" "resolve --json"; json_is '.default' 'false' "not default"
expect 0 resolve 203.0.113.77;   eq "$OUT" "ecs-203-0-113-77.compute.example.com." "default name"
has "$ERR" "default name" "resolve says it is the default"
expect 1 resolve 203.0.113.0/24; rejected PTR_E_NOT_HOST DNS.0602 address
expect 0 delete 203.0.113.10;    has "$OUT" "ecs-203-0-113-10.compute.example.com." "delete shows the default name"
expect 0 resolve 203.0.113.10;   eq "$OUT" "ecs-203-0-113-10.compute.example.com." "back to the default"
expect 1 delete 203.0.113.10;    rejected PTR_E_NOT_FOUND DNS.0507 address
expect 1 show 203.0.113.10;      rejected PTR_E_NOT_FOUND DNS.0507 address
expect 0 --json delete 203.0.113.11; json_ok "$OUT" "delete --json"
json_is '[.deleted,.ptrdnames,.default]' '[true,["ecs-203-0-113-11.compute.example.com."],true]' "delete --json"

# ---- quota, owners, projects, regions, environment -------------------------------------------------
expect 0 quota;                  eq "$OUT" "owner default: 5 of 50 PTR records used" "quota text"
expect 0 --json --owner other quota; json_ok "$OUT" "quota --json"; json_is '[.owner,.used,.limit]' '["other",0,50]' "quota json"
PTRCTL_PROJECT=p2 expect 1 show 203.0.113.20;   rejected PTR_E_NOT_FOUND DNS.0507 address
PTRCTL_PROJECT=p2 expect 1 create 203.0.113.20 x.example.com; rejected PTR_E_EXISTS DNS.0016 address
PTRCTL_REGION=r2 PTRCTL_OWNER=o2 expect 0 create 203.0.113.20 other-region.example.com
expect 0 --region r2 --owner o2 --json quota;  json_is '.used' '1' "owner from options"
PTRCTL_OWNER=o2 expect 0 quota;  has "$OUT" "owner o2: 1 of 50" "owner from the environment"
PTRCTL_JSON=1 expect 0 quota;    json_ok "$OUT" "PTRCTL_JSON"
expect 0 --region=r2 --project=default show 203.0.113.20; has "$OUT" "other-region.example.com." "--opt=value form"
mkdir sub
(cd sub && unset PTRCTL_DB && "$PTRCTL" create 192.0.2.1 d.example.com >/dev/null) || fail "default database"
[ -f sub/ptrctl.db ] || fail "the default database is ./ptrctl.db"

# ---- quota boundary: the 51st record --------------------------------------------------------------
for i in $(seq 1 45); do "$PTRCTL" --owner q create 198.51.100.$i q$i.example.com >/dev/null || fail "create q$i"; done
expect 0 --json --owner q quota; json_is '.used' '45' "45 used"
for i in 46 47 48 49 50; do expect 0 --owner q create 198.51.100.$i q$i.example.com; done
expect 1 --owner q create 198.51.100.51 q51.example.com; rejected PTR_E_QUOTA DNS.0405 owner
has "$ERR" "quota of 50" "the quota is named"
expect 0 --owner q delete 198.51.100.1
expect 0 --owner q create 198.51.100.51 q51.example.com

# ---- storage and system failures (exit 3) -----------------------------------------------------------
expect 3 --db /nonexistent/dir/x.db list;     has "$ERR" "no database" "a missing database"
expect 3 --db /nonexistent/dir/x.db --create-db list; has "$ERR" "PTR_E_STORE" "unopenable database"
echo "not a database, just text, long enough to not be a header" > notdb
expect 3 --db notdb list;        has "$ERR" "PTR_E_STORE" "not an SQLite file"
expect 3 import /nonexistent/file.csv
expect 3 export-zone --out /nonexistent/dir
chmod 0444 test.db 2>/dev/null
if [ "$(id -u)" != 0 ]; then expect 3 create 192.0.2.99 ro.example.com; fi
chmod 0644 test.db

finish
