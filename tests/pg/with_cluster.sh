#!/usr/bin/env bash
# Runs a command against a private, throw-away PostgreSQL cluster, then stops
# and deletes the cluster whatever happens.
#
#   tests/pg/with_cluster.sh [--tcp] COMMAND [ARG...]
#
# The cluster lives in a fresh temporary directory: initdb, then pg_ctl start
# with its Unix socket in that directory (no TCP unless --tcp, which also
# listens on 127.0.0.1 at a free port). The server refuses to run as root, so
# as root it runs as the unprivileged user postgres (or nobody). COMMAND sees:
#   PTR_PG_TEST_CONNINFO  a libpq connection string for the cluster
#   PTR_PG_TEST_URI       the same as a postgresql:// URI (socket directory as host)
#   PTR_PG_TEST_DIR       the cluster's directory (socket, log)
#   PTR_PG_TEST_PORT      its port (names the Unix socket too)
#   PTR_PG_TEST_TCP_PORT  with --tcp: the port on 127.0.0.1
#   PTR_PG_TEST_CTL       a command prefix that runs pg_ctl as the cluster's user
#                         (for a test that restarts the server)
# Exit status: COMMAND's, or 77 (skipped) when PostgreSQL's server is not installed.
set -u
tcp=0
if [ "${1:-}" = --tcp ]; then tcp=1; shift; fi
[ $# -ge 1 ] || { echo "usage: $0 [--tcp] COMMAND [ARG...]" >&2; exit 2; }

bindir=
for d in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then bindir=$d; fi
done
if [ -z "$bindir" ]; then
    echo "skipped: PostgreSQL's server (initdb, pg_ctl) is not installed (scripts/deps.sh)" >&2
    exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/ptr-pg.XXXXXX") || exit 1
as=()
if [ "$(id -u)" -eq 0 ]; then
    user=postgres
    getent passwd postgres >/dev/null || user=nobody
    chown "$user" "$dir"
    as=(runuser -u "$user" --)
fi
chmod 755 "$dir" # the socket must be reachable by the test's own user

stop() {
    "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

port=5432
listen=''
if [ $tcp = 1 ]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    listen=127.0.0.1
fi
if ! "${as[@]}" "$bindir/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-locale --no-sync \
        >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    exit 1
fi
# Small and fast: no fsync (a test cluster is thrown away), enough connections for the races.
opts="-k $dir -p $port -c listen_addresses='$listen' -c fsync=off -c synchronous_commit=off"
opts="$opts -c full_page_writes=off -c max_connections=60 -c shared_buffers=32MB"
if ! "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 60 start \
        >/dev/null; then
    cat "$dir/server.log" >&2
    exit 1
fi

export PTR_PG_TEST_DIR=$dir
export PTR_PG_TEST_PORT=$port
export PTR_PG_TEST_CONNINFO="host=$dir port=$port user=postgres dbname=postgres"
export PTR_PG_TEST_URI="postgresql://postgres@/postgres?host=$dir&port=$port"
export PTR_PG_TEST_CTL="${as[*]} $bindir/pg_ctl -D $dir/data -l $dir/server.log -w -t 60"
[ $tcp = 1 ] && export PTR_PG_TEST_TCP_PORT=$port
"$@"
