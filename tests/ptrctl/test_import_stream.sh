#!/usr/bin/env bash
# import --all-or-nothing streams the file through one transaction (issue 11): its memory does
# not grow with the file (it once held every line's request, about 5.4 KB each, until the end),
# the whole file is still created or nothing, every refused line is reported by its number with
# the store's own checks (exists, quota) too, and the quota counts the file's earlier lines.
. "$(dirname "$0")/lib.sh"

# peak_kb CMD...: as in test_import_limits.sh, the peak resident memory (VmHWM, KiB) in $KB.
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
# gen N FIRST: N lines of unique addresses in 11.0.0.0/8 from index FIRST.
gen() {
    awk -v n="$1" -v f="${2:-0}" 'BEGIN { print "ip,names";
        for (i = f; i < f + n; i++)
            printf "11.%d.%d.%d,h%d.example.com\n", int(i / 65536), int(i / 256) % 256, i % 256, i }'
}

# In a sanitizer build, AddressSanitizer keeps freed memory in quarantine (256 MB): keep it small
# so that the peak is the import's own memory.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=1:thread_local_quarantine_size_kb=64"
expect 0 --create-db --owner big quota --set 200000
gen 1000 > small.csv
gen 100000 > large.csv

# ---- memory: flat from 1000 to 100000 lines ---------------------------------------------------
peak_kb "$PTRCTL" --db small.db --owner big import --all-or-nothing --no-progress small.csv
eq "$RC" 1 "small.db has no limit for big: the quota refuses line 52 on"
small_kb=$KB
cp test.db big.db
peak_kb "$PTRCTL" --db big.db --owner big import --all-or-nothing --no-progress large.csv
eq "$RC" 0 "100000 lines under a raised quota"
has "$OUT" "import: 100001 lines, 100000 created, 0 rejected" "all created"
CHECKS=$((CHECKS + 1))
# Before the streamed import this took over 500 MB; allow the page cache SQLite keeps.
[ "$KB" -gt 0 ] && [ "$KB" -lt $((small_kb + 20000)) ] ||
    fail "peak memory: $KB KiB for 100000 lines, $small_kb KiB for 1000: not flat"
echo "note: peak memory of --all-or-nothing: $small_kb KiB (1000 lines), $KB KiB (100000)" >&2
expect 0 --db big.db --owner big quota
has "$OUT" "owner big: 100000 of 200000 PTR records used" "the owner's count"

# ---- nothing when one line fails, whichever check refuses it -----------------------------------
# A duplicate address far into the file (the store's check, after 50000 lines were created in
# the transaction): every earlier record is rolled back.
{ gen 60000; echo "11.0.0.5,dup.example.com"; } > dup.csv
expect 1 --owner big import --all-or-nothing --no-progress dup.csv
has "$ERR" "line 60002: PTR_E_EXISTS" "the duplicate named by its line"
has "$OUT" "nothing created: --all-or-nothing and 1 line(s) were rejected (60000 line(s) that passed the checks held back)" "held back"
expect 0 --owner big quota
has "$OUT" "owner big: 0 of 200000" "nothing was kept"
expect 1 show 11.0.0.5

# The quota counts the file's own lines: a limit of 100 refuses lines 102 and on, each reported.
expect 0 --owner q quota --set 100
gen 150 > q.csv
expect 1 --owner q import --all-or-nothing --no-progress q.csv
eq "$(printf '%s\n' "$ERR" | grep -c 'PTR_E_QUOTA')" 50 "each line over the quota reported"
has "$ERR" "line 102: PTR_E_QUOTA" "the first one over"
hasnt "$ERR" "line 101:" "the 100th record fits"
gen 100 > q100.csv
expect 0 --owner q import --all-or-nothing --no-progress q100.csv
has "$OUT" "100 created" "exactly the limit"

# A refused line still lets the later lines be checked (and reported) by the library.
{ gen 10 2000; echo "11.9.9.9,bad..name"; gen 10 3000 | tail -n +2; echo "11.0.7.208,dup.example.com"; } > mix.csv
expect 1 --owner big import --all-or-nothing --no-progress mix.csv
has "$ERR" "line 12: PTR_E_NAME" "a bad name"
has "$ERR" "line 23: PTR_E_EXISTS" "a later duplicate of the file's own line 2"
has "$OUT" "20 line(s) that passed the checks held back" "the valid lines counted"
expect 1 show 11.0.7.208
finish
