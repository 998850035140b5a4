#!/usr/bin/env bash
# Crash safety through ptrctl import: a loop of imports (one owner each,
# batches of 7 lines, so many transactions) is killed with SIGKILL at a
# different moment each round. After each kill the database passes
# PRAGMA integrity_check, every record is whole (its names, TTL, description
# and tags are derived from its address, and checked), and no owner has more
# than the quota of 50. A last run completes the import. Needs jq, and the
# sqlite3 shell or python3 for the integrity check (exit 77 without them).
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null 2>&1 || { echo "skipped: jq missing"; exit 77; }
if command -v sqlite3 >/dev/null 2>&1; then
    integrity() { sqlite3 "$PTRCTL_DB" 'PRAGMA integrity_check;'; }
elif command -v python3 >/dev/null 2>&1; then
    integrity() {
        python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$PTRCTL_DB"
    }
else
    echo "skipped: neither sqlite3 nor python3 for the integrity check"; exit 77
fi

OWNERS=30 # 55 lines each: 50 created, the last 5 over the quota
for o in $(seq 0 $((OWNERS - 1))); do
    {
        echo "ip,names,ttl,description,tags"
        for y in $(seq 1 55); do
            echo "198.18.$o.$y,h-$o-$y.example.com;a-$o-$y.example.net,$((60 + y)),record 198.18.$o.$y,idx=$o-$y;kind=crash"
        done
    } > "o$o.csv"
done
import_all() {
    for o in $(seq 0 $((OWNERS - 1))); do
        "$PTRCTL" --owner "o$o" import --batch 7 --no-progress "o$o.csv" >/dev/null 2>&1
    done
}

# Every record of the project, page by page, checked against its address.
check_db() {
    local what=$1
    eq "$(integrity)" ok "$what: integrity_check"
    local marker='' bad page
    : > all.json
    while :; do
        run --json list --limit 500 ${marker:+--marker "$marker"}
        [ "$RC" = 0 ] || { fail "$what: list exit $RC: $ERR"; return; }
        page=$(printf '%s' "$OUT" | jq -c '.ptrs[]')
        [ -n "$page" ] || break
        printf '%s\n' "$page" >> all.json
        marker=$(printf '%s' "$OUT" | jq -r '.ptrs[-1].address')
        [ "$(printf '%s' "$OUT" | jq '.ptrs | length')" -lt 500 ] && break
    done
    # A record is whole when everything in it follows from its address.
    bad=$(jq -c 'select(
        (.address | split(".")) as $a
        | ($a[2] + "-" + $a[3]) as $k
        | .ptrdnames != ["h-" + $k + ".example.com.", "a-" + $k + ".example.net."]
          or .ttl != 60 + ($a[3] | tonumber)
          or .description != "record " + .address
          or .tags != [{"key": "idx", "value": $k}, {"key": "kind", "value": "crash"}]
          or .owner != "o" + $a[2])' all.json | head -n 3)
    eq "$bad" "" "$what: records not as written"
    local over
    over=$(jq -s 'group_by(.owner) | map(select(length > 50) | .[0].owner) | join(",")' all.json)
    eq "$over" '""' "$what: owners over the quota"
    COUNT=$(wc -l < all.json)
}

# Is any process of process group $1 still running (not a zombie)? From
# /proc/PID/stat: after the command name in parentheses (which may hold
# spaces, so cut at the last ')') come the state, the parent and the group.
group_alive() {
    local g=$1 f st
    for f in /proc/[0-9]*/stat; do
        read -r st < "$f" 2>/dev/null || continue
        st=${st##*) }
        # shellcheck disable=SC2086 # splitting the fields is the point
        set -- $st
        [ "$3" = "$g" ] && [ "$1" != Z ] && return 0
    done
    return 1
}

# The schema first, so each kill lands in an import.
expect 0 --create-db quota
last=0
for round in 1 2 3 4; do
    setsid bash -c "$(declare -f import_all); PTRCTL='$PTRCTL' OWNERS=$OWNERS import_all" &
    pid=$!
    # Later each round (a round first skips what is there), with jitter.
    sleep "0.$((round * 2))$((RANDOM % 10))"
    # The whole group: the loop and its ptrctl. Only the loop is our child, and
    # a ptrctl still dying would hold the database lock, so wait until no
    # member is left but zombies (whose files are closed).
    for _ in $(seq 100); do kill -KILL -- "-$pid" 2>/dev/null && break; sleep 0.01; done
    wait "$pid" 2>/dev/null
    for _ in $(seq 250); do group_alive "$pid" || break; sleep 0.02; done
    check_db "after kill $round"
    CHECKS=$((CHECKS + 1))
    [ "$COUNT" -ge "$last" ] || fail "round $round: $COUNT records, fewer than $last before"
    last=$COUNT
    echo "round $round: $COUNT records"
done
import_all
check_db "after the full import"
eq "$COUNT" $((OWNERS * 50)) "every owner at its quota after the last import"
finish
