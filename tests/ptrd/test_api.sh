#!/usr/bin/env bash
# The API as a client sees it: one ptrd on an SQLite file, driven by
# api_test.py over real HTTP connections (every route and error, tenancy,
# restore, batch atomicity, the quota race, hostile input, SIGHUP reload).
#   test_api.sh PTRD_BINARY SOURCE_DIR [sqlite|pg]
# With pg the database is $PTR_PG_TEST_URI (tests/pg/with_cluster.sh sets it).
set -u
here=$(dirname "$0")
. "$here/lib.sh" "$1"
if [ "${3:-sqlite}" = pg ]; then
    db=${PTR_PG_TEST_URI:?PTR_PG_TEST_URI is not set: run under tests/pg/with_cluster.sh}
else
    db=$WORK/ptr.db
fi
start_ptrd main "$db" --threads 4 --timeout 2 --header-timeout 3 --max-connections 40
# PTRD_DNS_ANSWER (set by CMake) answers pending changes as a pusher would, on either store.
export PTRD_TEST_DB=$db
/usr/bin/python3 "$here/api_test.py" "127.0.0.1:$PORT_main" "$PID_main" "$WORK"
rc=$?
[ $rc -eq 0 ] || { echo "--- ptrd log"; tail -n 40 "$WORK/main.log"; cat "$WORK/main.stderr"; exit $rc; }
# After all that, ptrd still stops cleanly (in a sanitizer build: without a leak or error).
kill -TERM "$PID_main"
wait "$PID_main"
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: ptrd exited $rc after SIGTERM"; cat "$WORK/main.stderr"; exit 1; }
echo "ok: ptrd exited 0"
