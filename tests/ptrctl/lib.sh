# Helpers for ptrctl's shell tests. Each test gets a fresh temporary directory
# and database; a failed check prints what was expected and what came out.
set -u
PTRCTL=$1
SRC=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ptrctl-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
# PTRCTL_TEST_DB: another database to run against (tests/pg runs these with a postgresql:// URI).
export PTRCTL_DB="${PTRCTL_TEST_DB:-$WORK/test.db}"
unset PTRCTL_REGION PTRCTL_PROJECT PTRCTL_OUTPUT PTRCTL_OWNER PTRCTL_JSON PTRCTL_ADDRESSES
unset PTRCTL_POLICY
# A configuration file of the test's own (empty), so that none of the machine's or the user's
# (/etc/ptrctl.conf, ~/.config/ptrctl/config) is read; a test appends its settings to it.
CONFIG="$WORK/ptrctl.conf"
: > "$CONFIG"
export PTRCTL_CONFIG="$CONFIG"
FAILS=0
CHECKS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

# run CMD...: runs ptrctl, keeping stdout in $OUT, stderr in $ERR and the status in $RC.
run() {
    RC=0
    "$PTRCTL" "$@" >"$WORK/out" 2>"$WORK/err" || RC=$?
    OUT=$(cat "$WORK/out")
    ERR=$(cat "$WORK/err")
}

# expect RC CMD...: run, and check the exit status.
expect() {
    local want=$1; shift
    CHECKS=$((CHECKS + 1))
    run "$@"
    if [ "$RC" != "$want" ]; then
        fail "ptrctl $* -> exit $RC, want $want; stdout: $OUT; stderr: $ERR"
    fi
}

# has TEXT PATTERN WHAT: a fixed string in the text.
has() {
    CHECKS=$((CHECKS + 1))
    case "$1" in
    *"$2"*) ;;
    *) fail "$3: '$2' not in: $1" ;;
    esac
}

hasnt() {
    CHECKS=$((CHECKS + 1))
    case "$1" in
    *"$2"*) fail "$3: '$2' unexpectedly in: $1" ;;
    esac
}

eq() {
    CHECKS=$((CHECKS + 1))
    [ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# rejected CODE CLOUD FIELD: the last run was refused with that stderr line.
rejected() {
    eq "$RC" 1 "exit status of a rejection"
    has "$ERR" "$1 ($2)" "status and cloud code on stderr"
    if [ -n "$3" ]; then has "$ERR" ", field $3: " "field on stderr"; fi
}

# JSON validity: jq or python3 when present; without either the check is skipped (said once).
JSON_TOOL=
if command -v jq >/dev/null 2>&1; then JSON_TOOL=jq
elif command -v python3 >/dev/null 2>&1; then JSON_TOOL=python3
else echo "note: neither jq nor python3: JSON validity is not checked" >&2
fi
json_ok() {
    CHECKS=$((CHECKS + 1))
    case $JSON_TOOL in
    jq) printf '%s' "$1" | jq -e . >/dev/null 2>&1 || fail "$2: not valid JSON: $1" ;;
    python3) printf '%s' "$1" | python3 -m json.tool >/dev/null 2>&1 || fail "$2: not valid JSON: $1" ;;
    esac
}
# json_get EXPR: a value of the last JSON output (jq syntax), when jq is present.
json_is() {
    [ "$JSON_TOOL" = jq ] || return 0
    CHECKS=$((CHECKS + 1))
    local got
    got=$(printf '%s' "$OUT" | jq -c "$1" 2>&1)
    [ "$got" = "$2" ] || fail "$3: jq '$1' gave $got, want $2"
}

finish() {
    if [ "$FAILS" -gt 0 ]; then
        echo "$FAILS of $CHECKS checks failed" >&2
        exit 1
    fi
    echo "all $CHECKS checks passed"
    exit 0
}
