#!/usr/bin/env bash
# Processes racing on one database: 8 `ptrctl create` at once never exceed the
# quota, never create an address twice, and never fail with a storage error
# (exit 3) instead of a rule's answer. Several rounds, to give the races a chance.
. "$(dirname "$0")/lib.sh"

N=8
# race NAME CMD...: start N copies of "ptrctl CMD" (with {i} replaced by 1..N) at once,
# then count the exit statuses into ok, refused, other.
race() {
    local dir=$WORK/race.$1; shift
    mkdir -p "$dir"
    local pids=() i
    for i in $(seq 1 $N); do
        local args=("${@//\{i\}/$i}")
        ( "$PTRCTL" "${args[@]}" >"$dir/out.$i" 2>"$dir/err.$i"; echo $? >"$dir/rc.$i" ) &
        pids+=($!)
    done
    wait "${pids[@]}"
    ok=0 refused=0 other=0
    for i in $(seq 1 $N); do
        case $(cat "$dir/rc.$i") in
        0) ok=$((ok + 1)) ;;
        1) refused=$((refused + 1)) ;;
        *) other=$((other + 1)); echo "process $i: exit $(cat "$dir/rc.$i"): $(cat "$dir/err.$i")" >&2 ;;
        esac
    done
    ERRS=$(cat "$dir"/err.*)
}

# Create the database first, so the races are about records, not about who makes the file.
expect 0 --create-db quota

for round in 1 2 3; do
    owner=own$round
    # The owner has 46 records: 8 processes race for the last 4 places.
    { echo "ip,names"; for i in $(seq 1 46); do echo "10.$round.0.$i,r$i.example.com"; done; } > seed.csv
    expect 0 --owner $owner import seed.csv
    race q$round --owner $owner create "10.$round.1.{i}" "q{i}.example.com"
    eq "$ok" 4 "round $round: exactly the 4 places left are taken"
    eq "$refused" 4 "round $round: the others are refused"
    eq "$other" 0 "round $round: no storage error"
    has "$ERRS" "PTR_E_QUOTA (DNS.0405)" "round $round: refused for the quota"
    expect 0 --json --owner $owner quota; json_ok "$OUT" "quota"
    has "$OUT" '"used": 50' "round $round: 50 used"

    # One address, 8 owners: exactly one record.
    race a$round --owner "addr{i}" create "10.$round.2.1" "a{i}.example.com"
    eq "$ok" 1 "round $round: exactly one create of one address succeeds"
    eq "$refused" 7 "round $round: the others are refused"
    eq "$other" 0 "round $round: no storage error"
    has "$ERRS" "PTR_E_EXISTS (DNS.0016)" "round $round: refused as existing"
    expect 0 --json list --marker "10.$round.2.0" --limit 2
    has "$OUT" '"total_count"' "list works after the race"

    # Imports racing at the quota boundary: 8 imports of 10 lines each for one owner.
    for i in $(seq 1 $N); do
        { echo "ip,names"; for k in $(seq 1 10); do echo "10.$round.$((10 + i)).$k,i$k.example.com"; done; } > imp$i.csv
    done
    race i$round --owner "imp$round" import --batch 3 "imp{i}.csv"
    eq "$other" 0 "round $round: imports: no storage error"
    expect 0 --json --owner "imp$round" quota
    has "$OUT" '"used": 50' "round $round: racing imports stop exactly at the quota"
done

finish
