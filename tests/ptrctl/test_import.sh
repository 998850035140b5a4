#!/usr/bin/env bash
# import: CSV and JSON lines with valid and invalid lines, the line-numbered
# report, the summary, nothing created for invalid lines, the quota exact
# across batches, and --all-or-nothing.
. "$(dirname "$0")/lib.sh"

count() { "$PTRCTL" --owner "${1:-default}" --json quota | sed 's/.*"used": \([0-9]*\).*/\1/'; }

# ---- CSV: a mix of valid and invalid lines ----------------------------------------------
printf '%s\r\n' 'IP, Names ,ttl,description,tags' \
    '203.0.113.1,mail.example.com;mx.example.com,300,"Mail, ""outbound""",env=prod;team=mail' \
    '203.0.113.2,a.example.com,0,,' \
    '203.0.113.0/24,a.example.com,,,' \
    '203.0.113.1,dup.example.com,,,' \
    '203.0.113.3,bad..name,,,' \
    '203.0.113.4,"unterminated' \
    '203.0.113.5,x.example.com|y.example.com,1h,,' \
    '' \
    '203.0.113.6,z.example.com,,,k' \
    '203.0.113.7,too,many,fields,here,x' \
    '203.0.113.8,w.example.com,,"caf'$'\xc3\xa9''",' > mixed.csv
expect 1 import mixed.csv
has "$ERR" "line 3: PTR_E_TTL (DNS.0506), field ttl:" "TTL 0 by line"
has "$ERR" "line 4: PTR_E_NOT_HOST (DNS.0602), field address:" "network by line"
has "$ERR" "line 5: PTR_E_EXISTS (DNS.0016), field address:" "duplicate inside the file"
has "$ERR" "line 6: PTR_E_NAME (DNS.0505), field ptrdnames[0]:" "bad name by line"
has "$ERR" "line 7: PTR_E_INVAL (DNS.0002): a quoted CSV field is not closed" "CSV syntax"
has "$ERR" "line 11: PTR_E_INVAL (DNS.0002): more CSV fields" "field count"
hasnt "$ERR" "line 9:" "a blank line is skipped"
has "$OUT" "import: 12 lines, 4 created, 6 rejected" "summary"
has "$OUT" "PTR_E_TTL" "summary by reason"
# stderr reports come out in line order
eq "$(printf '%s\n' "$ERR" | sed -n 's/^line \([0-9]*\):.*/\1/p' | tr '\n' ' ')" "3 4 5 6 7 11 " "line order"
expect 0 --json show 203.0.113.1
json_is '[.ptrdnames,.description,.tags[1]]' '[["mail.example.com.","mx.example.com."],"Mail, \"outbound\"",{"key":"team","value":"mail"}]' "quoted CSV cell"
expect 0 --json show 203.0.113.5; json_is '[.ptrdnames,.ttl]' '[["x.example.com.","y.example.com."],3600]' "'|' separator, TTL unit"
expect 0 --json show 203.0.113.6; json_is '.tags' '[{"key":"k","value":""}]' "tag without '='"
expect 0 --json show 203.0.113.8; json_is '.description' '"café"' "UTF-8 description"
for a in 203.0.113.2 203.0.113.3 203.0.113.4 203.0.113.7; do expect 1 show $a; done
eq "$(count)" 4 "only the valid lines were created"

# ---- JSON lines from standard input, --json summary -----------------------------------
cat > mixed.jsonl <<'J'
{"ip": "198.51.100.1", "ptrdnames": ["A.example.com", "b.example.com"], "ttl": 60, "description": "caf\u00e9 \ud83d\ude00 \"q\"", "tags": [{"key": "env", "value": "prod"}]}
{"address": "198.51.100.2", "ptrdname": "c.example.com", "ttl": "5m", "tags": null, "description": null}
{"ip": "198.51.100.3", "ptrdnames": [], "ttl": 60}
{"ip": "198.51.100.4", "ptrdnames": ["d.example.com"], "ttl": 1.5}
{"ip": "198.51.100.5", "ptrdnames": ["d.example.com"], "bogus": 1}
{"ip": "198.51.100.6", "ptrdnames": ["d.example.com"]} trailing
not json
{"ip": "198.51.100.8", "ptrdnames": ["e.example.com"], "tags": [{"key": "_sys_x", "value": "v"}]}
{"ip": "198.51.100.9", "ptrdnames": ["f.example.com"], "ttl": -5}
{"ip": "198.51.100.10", "ptrdnames": ["g.example.com"], "description": "\ud800"}
{"ip": "198.51.100.1", "ptrdnames": ["again.example.com"]}
J
RC=0; OUT=$("$PTRCTL" --json import - < mixed.jsonl 2>"$WORK/err") || RC=$?; ERR=$(cat "$WORK/err")
eq "$RC" 1 "exit 1 when lines are rejected"
json_ok "$OUT" "import --json summary"
json_is '[.lines,.created,.rejected]' '[11,2,9]' "JSON summary counts"
json_is '[.errors[].line]' '[3,4,5,6,7,8,9,10,11]' "JSON errors by line"
json_is '.errors[0].error | [.code,.field]' '["PTR_E_NAME_COUNT","ptrdnames"]' "empty ptrdnames"
json_is '.errors[1].error | [.code,.field]' '["PTR_E_TTL","ttl"]' "fractional TTL"
json_is '.errors[5].error | [.code,.field]' '["PTR_E_TAG","tags[0].key"]' "reserved tag key"
json_is '.errors[8].error.code' '"PTR_E_EXISTS"' "address of an earlier line"
json_is '.reasons.PTR_E_INVAL' '4' "reasons"
has "$ERR" "line 7: PTR_E_INVAL" "stderr report with --json"
expect 0 --json show 198.51.100.1
json_is '[.ptrdnames,.description]' '[["a.example.com.","b.example.com."],"café 😀 \"q\""]' "JSON escapes decoded"
expect 0 --json show 198.51.100.2; json_is '.ttl' '300' "TTL text in JSON"
eq "$(count)" 6 "JSON lines created only the valid ones"

# ---- a bad header creates nothing ------------------------------------------------------
printf 'ip,nombres\n192.0.2.1,a.example.com\n' > badheader.csv
expect 1 import badheader.csv; has "$ERR" "line 1: PTR_E_INVAL (DNS.0002): unknown CSV column" "bad header"
printf 'ttl\n300\n' > noip.csv
expect 1 import noip.csv; has "$ERR" "must name the columns ip and names" "required columns"
expect 0 import /dev/null; has "$OUT" "import: 0 lines, 0 created, 0 rejected" "empty input"
eq "$(count)" 6 "bad headers create nothing"

# ---- quota exact across batches: 60 lines, room for 44, batches of 7 ----------------------
{ echo "ip,names"; for i in $(seq 1 60); do echo "192.0.2.$i,n$i.example.com"; done; } > many.csv
expect 1 import --batch 7 --no-progress many.csv
has "$OUT" "import: 61 lines, 44 created, 16 rejected" "quota exact across batches"
has "$ERR" "line 46: PTR_E_QUOTA (DNS.0405), field owner:" "the first line over the quota"
hasnt "$ERR" "line 45:" "the last line under the quota"
eq "$(count)" 50 "exactly the quota"
expect 0 show 192.0.2.44;  expect 1 show 192.0.2.45

# ---- --all-or-nothing ------------------------------------------------------------------
export PTRCTL_OWNER=aon
{ echo "ip,names"; for i in 1 2 3; do echo "192.0.2.$((100 + i)),a$i.example.com"; done; echo "192.0.2.1,taken.example.com"; } > aon.csv
expect 1 import --all-or-nothing aon.csv
has "$ERR" "line 5: PTR_E_EXISTS" "the refused line"
has "$OUT" "0 created" "nothing created"
has "$OUT" "nothing created: --all-or-nothing" "said so"
eq "$(count aon)" 0 "all or nothing: nothing"
{ echo "ip,names"; echo "192.0.2.201,b.example.com"; echo "192.0.2.202,bad..example.com"; } > aon2.csv
expect 1 import --all-or-nothing aon2.csv; has "$ERR" "line 3: PTR_E_NAME" "invalid line"
eq "$(count aon)" 0 "an invalid line: nothing"
{ echo "ip,names"; echo "192.0.2.211,c.example.com"; echo '192.0.2.212,"open'; } > aon3.csv
expect 1 import --all-or-nothing aon3.csv; has "$ERR" "line 3: PTR_E_INVAL" "syntax error"
eq "$(count aon)" 0 "a syntax error: nothing"
# 51 lines for an owner with room for 50
{ echo "ip,names"; for i in $(seq 1 51); do echo "10.9.0.$i,m$i.example.com"; done; } > aon4.csv
expect 1 import --all-or-nothing aon4.csv; has "$ERR" "line 52: PTR_E_QUOTA" "over the quota"
eq "$(count aon)" 0 "over the quota: nothing"
head -n 51 aon4.csv > aon5.csv
expect 0 import --all-or-nothing aon5.csv; has "$OUT" "50 created, 0 rejected" "exactly the quota"
eq "$(count aon)" 50 "all"

# ---- the reading thread: file order and --max-errors as one batch at a time --------------
# Batches of 3; the store refuses the taken addresses (lines 2, 4, 6, 8) only when their batch
# is created, the reader refuses the bad names (5, 9, 11) as it reads them. The seventh refusal
# is line 11 only if the store's refusals of each batch count before the next batch is read.
export PTRCTL_OWNER=reader
for i in 1 2 3 4; do expect 0 create "203.0.113.$((100 + i))" "t$i.example.com"; done
{ echo "ip,names"
  echo "203.0.113.101,x1.example.com";  echo "203.0.113.150,ok1.example.com"
  echo "203.0.113.102,x2.example.com";  echo "203.0.113.160,bad..example.com"
  echo "203.0.113.103,x3.example.com";  echo "203.0.113.151,ok2.example.com"
  echo "203.0.113.104,x4.example.com";  echo "203.0.113.161,bad..example.com"
  echo "203.0.113.152,ok3.example.com"; echo "203.0.113.162,bad..example.com"
  echo "203.0.113.153,never.example.com"; } > order.csv
expect 1 import --batch 3 --max-errors 7 --no-progress order.csv
has "$OUT" "import stopped at line 11: 7 line(s) refused, the most --max-errors allows" \
    "--max-errors counts the store's refusals of the batches before"
has "$OUT" "3 created, 7 rejected" "the lines before the stop"
eq "$(printf '%s\n' "$ERR" | sed -n 's/^line \([0-9]*\):.*/\1/p' | tr '\n' ' ')" \
    "2 4 5 6 8 9 11 " "refusals of both kinds in file order"
expect 1 show 203.0.113.153
# Many batches and refusals without --max-errors: every line gets its verdict, in order.
{ echo "ip,names"; for i in $(seq 1 400); do
    if [ $((i % 7)) -eq 0 ]; then echo "10.7.$((i / 200)).$((i % 200)),bad..x"
    else echo "10.7.$((i / 200)).$((i % 200)),r$i.example.com"; fi; done; } > many2.csv
export PTRCTL_OWNER=many2
expect 0 quota --set 1000
expect 1 import --batch 4 --no-progress many2.csv
has "$OUT" "import: 401 lines, 343 created, 57 rejected" "every line's verdict"
eq "$(printf '%s\n' "$ERR" | sed -n 's/^line \([0-9]*\):.*/\1/p' | tr '\n' ' ')" \
    "$(for i in $(seq 1 400); do [ $((i % 7)) -eq 0 ] && printf '%d ' $((i + 1)); done)" \
    "refusals over 100 batches in file order"
eq "$(count many2)" 343 "created"

# ---- progress bar only on a terminal ------------------------------------------------------
case "$ERR" in *$'\r'*) fail "no progress bar when stderr is not a terminal" ;; esac
if command -v script >/dev/null 2>&1; then
    { echo "ip,names"; for i in $(seq 1 30); do echo "10.8.0.$i,p$i.example.com"; done; } > tty.csv
    script -qec "PTRCTL_OWNER=tty '$PTRCTL' import tty.csv" /dev/null > tty.out 2>&1 || true
    has "$(cat tty.out)" "lines/s" "progress bar on a terminal"
    has "$(cat tty.out)" "30 created" "summary after the bar"
else
    echo "note: script(1) missing: the progress bar on a terminal is not checked" >&2
fi

finish
