#!/usr/bin/env bash
# Runs a command beside a throw-away knotd (dns_servers.sh) that serves
# 113.0.203.in-addr.arpa and 8.b.d.0.1.0.0.2.ip6.arpa with the key ptrpush;
# the command sees PTR_PUSH_PORT and PTR_PUSH_SECRET. knotd is always stopped.
# Exit 77 (skipped) when knotd or kdig is not installed.
#   with_knot.sh COMMAND [ARG...]
set -u
command -v knotd >/dev/null 2>&1 && command -v kdig >/dev/null 2>&1 || {
    echo "with_knot: knotd or kdig not installed (apt-get install knot knot-dnsutils): skipped"
    exit 77
}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/dns_servers.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/with_knot.XXXXXX")
trap 'dns_stop_all; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
dns_init "$tmp"
knot_start 113.0.203.in-addr.arpa 8.b.d.0.1.0.0.2.ip6.arpa || exit 1
PTR_PUSH_PORT=$KNOT_PORT PTR_PUSH_SECRET=$DNS_SECRET "$@"
