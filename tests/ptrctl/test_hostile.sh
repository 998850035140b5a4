#!/usr/bin/env bash
# Hostile input through ptrctl: text that could break the JSON output, the
# zone file or the importer, and inputs that once crashed it.
. "$(dirname "$0")/lib.sh"

# ---- JSON-breaking bytes in a description go out escaped -------------------------------------
# Quote, backslash, "</script>", a solidus, non-ASCII beyond the BMP: allowed in a
# description (no control characters), so they must be escaped, not passed through.
# shellcheck disable=SC1003 # the backslash before the closing quote is data
desc='q"uote \back\\slash </script> {"x":1} caf'$'\xc3\xa9'' '$'\xf0\x9f\x98\x80'' end\'
expect 0 create 203.0.113.20 a.example.com --description "$desc"
expect 0 --json show 203.0.113.20
json_ok "$OUT" "show --json with a hostile description"
hasnt "$OUT" 'q"uote' "a raw quote in the JSON text"
if [ "$JSON_TOOL" = jq ]; then
    eq "$(printf '%s' "$OUT" | jq -j .description)" "$desc" "description round trip through JSON"
fi
expect 0 --json list
json_ok "$OUT" "list --json with a hostile description"
# Control characters and line separators never get that far.
expect 1 create 203.0.113.21 b.example.com --description "$(printf 'a\nb')"
rejected PTR_E_DESCRIPTION DNS.0508 description
expect 1 create 203.0.113.21 b.example.com --description 'a'$'\xe2\x80\xa8''b'
rejected PTR_E_DESCRIPTION DNS.0508 description
expect 1 create 203.0.113.21 b.example.com --description 'a'$'\xe2\x80\xae''b'
rejected PTR_E_DESCRIPTION DNS.0508 description

# ---- zone-file injection is refused at create, so export never sees it ------------------------
# shellcheck disable=SC2016 # '$ORIGIN' is literal text, as a tenant would send it
for n in 'a.example.com;' 'x.example.com ( 1 )' '$ORIGIN.example.com' "$(printf 'a.example.com\nevil')" \
         '@.example.com' 'a\032b.example.com'; do
    expect 1 create 203.0.113.22 "$n"
    rejected PTR_E_NAME DNS.0505 ''
done
expect 1 show 203.0.113.22

# ---- import of empty inputs: no lines, nothing to sort ---------------------------------------
# ptrctl import once called qsort(NULL, 0, ...) here (undefined behaviour, reported by UBSan).
: > empty.csv
expect 0 import empty.csv; has "$OUT" "import: 0 lines, 0 created, 0 rejected" "zero-byte file"
printf 'ip,names\n' > header-only.csv
expect 0 import header-only.csv; has "$OUT" "0 created, 0 rejected" "header only"
printf '\n\n  \n' > blank.csv
expect 0 import blank.csv; has "$OUT" "0 created, 0 rejected" "blank lines only"
expect 0 --json import empty.csv; json_ok "$OUT" "--json summary of an empty import"
RC=0; OUT=$("$PTRCTL" import - < /dev/null 2>"$WORK/err") || RC=$?
eq "$RC" 0 "empty standard input"

finish
