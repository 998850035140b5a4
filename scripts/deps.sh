#!/usr/bin/env bash
# Installs what building and testing libptr needs on Debian 12, or says what to install.
# Usage: scripts/deps.sh [build|test|bench]   (default: test)
set -euo pipefail

want=${1:-test}
pkgs=()
need() { # need PACKAGE TEST-COMMAND...
    local pkg=$1; shift
    if ! "$@" >/dev/null 2>&1; then pkgs+=("$pkg"); fi
}

need cmake command -v cmake
need make command -v make
need gcc command -v cc
need pkg-config command -v pkg-config
# The SQLite store (and so ptrctl) is built when SQLite's development files are found.
need libsqlite3-dev pkg-config --exists sqlite3
# The PostgreSQL store is built when libpq's development files are found.
need libpq-dev pkg-config --exists libpq
# ptrd (the HTTP API server) is built when libmicrohttpd, jansson and nettle are found;
# ptrctl needs jansson too (its JSON output and JSON-lines import).
need libmicrohttpd-dev pkg-config --exists libmicrohttpd
need libjansson-dev pkg-config --exists jansson
need nettle-dev pkg-config --exists nettle
# Live DNS (libptr-push, ptrctl sync) is built when libknot's development files are found.
need libknot-dev pkg-config --exists libknot
if [ "$want" = test ]; then
    need libcmocka-dev pkg-config --exists cmocka
    need valgrind command -v valgrind
    need g++ command -v c++   # the public headers are also compiled as C++
    # Exported zones are checked by BIND's named-checkzone and served by a real knotd.
    need bind9-utils command -v named-checkzone
    need knot command -v knotd
    need knot-dnsutils command -v kdig
    # Live DNS is tested against BIND's named too (tests/push), and knsupdate (knot-dnsutils).
    need bind9 sh -c 'command -v named || test -x /usr/sbin/named'
    # ptrctl's zone-directory test checks the fsync order around each rename.
    need strace command -v strace
    # The Python binding's tests (scripts/test.sh runs them with /usr/bin/python3).
    need python3 test -x /usr/bin/python3
    need python3-pytest /usr/bin/python3 -c 'import pytest'
    need python3-setuptools /usr/bin/python3 -c 'import setuptools'
    # The PostgreSQL store's tests start a throw-away server (tests/pg/with_cluster.sh).
    need postgresql sh -c 'command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ] || ls /usr/lib/postgresql/*/bin/initdb'
    # ptrd's tests drive a real server with curl and python3 (README's session
    # runs in a private network namespace: unshare and ip).
    need curl command -v curl
    need util-linux command -v unshare
    need iproute2 command -v ip
fi

if [ "$want" = bench ]; then   # the baselines the benchmarks compare against
    need libldns-dev pkg-config --exists ldns
    need python3-dnspython /usr/bin/python3 -c 'import dns.reversename'   # bench/python
    need wrk command -v wrk   # ptrd's HTTP load (bench/ptrd)
    # bench/push: knotd receives the updates; knsupdate (knot-dnsutils) is the baseline.
    need knot command -v knotd
    need knot-dnsutils command -v knsupdate
    need curl command -v curl
    # bench/import_all_or_nothing.sh: raw SQLite's side and the timing of both.
    need sqlite3 command -v sqlite3
    need time test -x /usr/bin/time
fi

[ ${#pkgs[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "deps: installing ${pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
else
    echo "deps: missing packages: ${pkgs[*]}" >&2
    echo "deps: install them with: sudo apt-get install -y ${pkgs[*]}" >&2
    exit 1
fi
