#!/usr/bin/env bash
# import's bounds (issue 11): a line longer than the documented maximum
# (262144 bytes) is refused by its number and stops the import, so an endless
# input such as /dev/zero ends at once; the memory of a batch does not grow
# with the length of its lines; refusals are not all kept in memory.
. "$(dirname "$0")/lib.sh"

# peak_kb CMD...: run CMD in the background; its peak resident memory (VmHWM, KiB) in $KB, its
# exit status in $RC, its stdout and stderr in $OUT and $ERR.
peak_kb() {
    "$@" >"$WORK/out" 2>"$WORK/err" &
    local pid=$! hwm=0 h
    while kill -0 "$pid" 2>/dev/null; do
        h=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null)
        [ -n "$h" ] && hwm=$h
        sleep 0.05
    done
    RC=0
    wait "$pid" || RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
    KB=$hwm
}

# ---- /dev/zero: one endless line, ends quickly with a clear error -----------------------------
start=$(date +%s)
RC=0
timeout 20 "$PTRCTL" import --no-progress /dev/zero >"$WORK/out" 2>"$WORK/err" || RC=$?
ERR=$(cat "$WORK/err")
eq "$RC" 1 "import /dev/zero is refused (124: still reading after 20 s)"
has "$ERR" "line 1: PTR_E_INVAL (DNS.0002): the line is longer than 262144 bytes" "the line is named"
[ $(($(date +%s) - start)) -le 10 ] || fail "import /dev/zero took more than 10 s"

# ---- the limit exactly: 262144 bytes pass the reader, one more is refused ---------------------
pad() { head -c "$1" /dev/zero | tr '\0' 'x'; }
{ echo "ip,names,description"
  echo "203.0.113.1,a.example.com,"
  printf '203.0.113.2,b.example.com,%s\n' "$(pad $((262144 - 26)))" # 262144 bytes in all
  echo "203.0.113.3,c.example.com,"
  printf '203.0.113.4,d.example.com,%s\n' "$(pad $((262145 - 26)))" # one byte more
  echo "203.0.113.5,e.example.com,"; } > limit.csv
expect 1 import --no-progress limit.csv
has "$ERR" "line 3: PTR_E_DESCRIPTION" "a line of the maximum is read (and refused for its description)"
has "$ERR" "line 5: PTR_E_INVAL (DNS.0002): the line is longer than 262144 bytes" "one byte more"
has "$OUT" "import: 5 lines, 2 created, 2 rejected" "the import stops at the long line"
has "$OUT" "import stopped at line 5" "the summary says where it stopped"
expect 0 show 203.0.113.3
expect 1 show 203.0.113.5

# ---- memory per batch: long lines in a large batch --------------------------------------------
# 600 lines of 200 KB (120 MB through a pipe) in one --batch 10000: the lines' text once stayed
# in memory for the whole batch (over 120 MB); now a batch is created when its text reaches
# 4 MiB. The descriptions are too long, so every line is refused by the library, after it held
# the text.
long=$(pad 200000)
gen() {
    echo "ip,names,description"
    for i in $(seq 1 600); do echo "198.51.100.$((i % 250 + 1)),n$i.example.com,$long"; done
}
peak_kb "$PTRCTL" import --no-progress --batch 10000 <(gen)
kb=$KB
eq "$RC" 1 "every long line is refused"
has "$OUT" "601 lines, 0 created, 600 rejected" "all lines read"
CHECKS=$((CHECKS + 1))
[ "$kb" -gt 0 ] && [ "$kb" -lt 80000 ] || fail "peak memory of the import: $kb KiB, want below 80000"
echo "note: peak memory of 600 lines of 200 KB in one batch: $kb KiB" >&2

# ---- refusals are printed as they come and not kept -------------------------------------------
# 20000 refused lines without a valid one: no batch is ever created, the refusals are still
# printed in line order; with --json the summary lists the first 1000 and counts the rest.
{ echo "ip,names"; for i in $(seq 1 20000); do echo "not-an-ip,x.example.com"; done; } > bad.csv
expect 1 import --no-progress bad.csv
eq "$(printf '%s\n' "$ERR" | grep -c '^line ')" 20000 "every refusal printed"
eq "$(printf '%s\n' "$ERR" | sed -n '1p;$p' | cut -d: -f1 | tr '\n' ' ')" "line 2 line 20001 " "in line order"
expect 1 --json import --no-progress bad.csv
json_ok "$OUT" "--json summary"
json_is '[.rejected, (.errors | length), .errors_omitted, .errors[0].line]' '[20000,1000,19000,2]' \
    "the first 1000 refusals listed, the rest counted"
json_is '.error.code' '"PTR_E_ADDR"' "a refused import carries an error object"
finish
