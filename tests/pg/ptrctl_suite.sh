#!/usr/bin/env bash
# ptrctl's shell tests (tests/ptrctl) with the database a postgresql:// URI,
# under tests/pg/with_cluster.sh: each test script gets a fresh database of
# the cluster. Then what only a URI has: its password is never printed.
#   tests/pg/ptrctl_suite.sh PTRCTL SRC
set -u
PTRCTL=$1
SRC=$2
fails=0
for t in commands import zone; do
    db=ptrctl_$t
    if ! PGOPTIONS=-cclient_min_messages=warning psql "$PTR_PG_TEST_CONNINFO" -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"; then
        echo "FAIL: cannot make database $db" >&2
        exit 1
    fi
    rc=0
    PTRCTL_TEST_DB="postgresql://postgres@/$db?host=$PTR_PG_TEST_DIR&port=$PTR_PG_TEST_PORT" \
        bash "$SRC/tests/ptrctl/test_$t.sh" "$PTRCTL" "$SRC" || rc=$?
    case $rc in
    0) echo "test_$t.sh against PostgreSQL: passed" ;;
    77) echo "test_$t.sh against PostgreSQL: skipped" ;;
    *) echo "FAIL: test_$t.sh against PostgreSQL (exit $rc)" >&2; fails=$((fails + 1)) ;;
    esac
done

# A server that is not there: exit 3, the reason, the URI, and no password anywhere.
for uri in "postgresql://u:s3cret@/d?host=$PTR_PG_TEST_DIR&port=1" \
           "postgres://u@/d?host=$PTR_PG_TEST_DIR&port=1&password=s3cret"; do
    rc=0
    err=$("$PTRCTL" --db "$uri" list 2>&1 >/dev/null) || rc=$?
    [ $rc = 3 ] || { echo "FAIL: $uri: exit $rc, want 3" >&2; fails=$((fails + 1)); }
    case $err in *s3cret*) echo "FAIL: the password is printed: $err" >&2; fails=$((fails + 1)) ;; esac
    case $err in *"cannot open database 'postgres"*PTR_E_STORE*|*PTR_E_STORE*"cannot open database 'postgres"*) ;;
    *) echo "FAIL: the error does not name the status and the database: $err" >&2; fails=$((fails + 1)) ;;
    esac
    rc=0
    err=$(PTRCTL_DB=$uri "$PTRCTL" --json quota 2>&1 >/dev/null) || rc=$?
    case $err in *s3cret*) echo "FAIL: the password is printed (JSON): $err" >&2; fails=$((fails + 1)) ;; esac
done
[ $fails = 0 ] || exit 1
echo "ptrctl against PostgreSQL: all passed"
