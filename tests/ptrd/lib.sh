# Shared by the ptrd tests: a scratch directory with a token file and an EIP
# inventory, ptrd started on a free loopback port (it picks one: --listen
# 127.0.0.1:0, --port-file), and a trap that stops every ptrd this test
# started and deletes the directory, however the test ends.
#   . lib.sh PTRD_BINARY
set -u
PTRD=$1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ptrd-test.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Tokens: two projects, and a third token of project a kept as a digest only.
cat >"$WORK/tokens" <<'TOK'
# TOKEN PROJECT OWNER
token-a-secret-1 proj-a owner-a
token-b-secret-2 proj-b owner-b
TOK
echo "sha256:$(printf %s token-a-digest-3 | sha256sum | cut -d' ' -f1) proj-a owner-a2" >>"$WORK/tokens"

# EIPs: 70 of project a (enough for the quota race), 5 of project b, in eu-de.
{
    echo "# region,floatingip_id,address,project"
    for i in $(seq 1 70); do
        printf 'eu-de,aaaaaaaa-0000-4000-8000-%012d,203.0.113.%d,proj-a\n' "$i" "$i"
    done
    for i in $(seq 1 5); do
        printf 'eu-de,bbbbbbbb-0000-4000-8000-%012d,198.51.100.%d,proj-b\n' "$i" "$i"
    done
} >"$WORK/eips.csv"

# start_ptrd NAME DB [OPTION...]: sets PORT_<NAME>, PID_<NAME>; the log is $WORK/NAME.log
start_ptrd() {
    local name=$1 db=$2
    shift 2
    rm -f "$WORK/$name.port"
    "$PTRD" --db "$db" --listen 127.0.0.1:0 --port-file "$WORK/$name.port" \
        --tokens "$WORK/tokens" --eips "$WORK/eips.csv" --log "$WORK/$name.log" "$@" \
        2>>"$WORK/$name.stderr" &
    local pid=$!
    PIDS+=("$pid")
    for _ in $(seq 1 200); do
        [ -s "$WORK/$name.port" ] && break
        kill -0 "$pid" 2>/dev/null || { cat "$WORK/$name.stderr" >&2; echo "ptrd $name died" >&2; exit 1; }
        sleep 0.05
    done
    [ -s "$WORK/$name.port" ] || { echo "ptrd $name did not start" >&2; exit 1; }
    printf -v "PORT_$name" %s "$(cat "$WORK/$name.port")"
    printf -v "PID_$name" %s "$pid"
}
