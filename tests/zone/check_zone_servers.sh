#!/usr/bin/env bash
# Checks exported zone files with two real DNS implementations:
#   1. BIND's named-checkzone must accept every DIR/*.zone;
#   2. one knotd (Knot DNS), on 127.0.0.1 and a free high port, loads them all, and
#      `kdig -x ADDRESS` must answer exactly the names EXPECT lists for that address.
#
#   check_zone_servers.sh DIR EXPECT
#
# DIR: files named ZONE.zone, ZONE without its trailing dot ("113.0.203.in-addr.arpa.zone"),
#      as ptr_zone_export's file sinks (and `ptrctl export-zone --out DIR`) write them. The
#      zone is the file's $ORIGIN when it has one: an RFC 2317 zone ("0/26.113.0.203...")
#      cannot be a file name ("0_26.113.0.203...").
# EXPECT: lines "ADDRESS NAME [NAME...]" (names absolute, any order): the address's reverse
#      name answers exactly these PTRs; or "ADDRESS CNAME TARGET NAME [NAME...]" (RFC 2317
#      §4): the reverse name answers a CNAME to TARGET and no PTR of its own (RFC 1034
#      §3.6.2), and TARGET answers exactly the names. Blank lines and lines starting with
#      '#' are skipped.
# Needs named-checkzone, knotd and kdig (Debian: bind9-utils knot knot-dnsutils).
set -euo pipefail

die() { echo "check_zone_servers: $*" >&2; exit 1; }

[ $# -eq 2 ] || { echo "usage: $0 DIR EXPECT" >&2; exit 2; }
dir=$1 expect=$2
[ -d "$dir" ] || die "$dir: not a directory"
[ -r "$expect" ] || die "$expect: cannot read"
dir=$(cd "$dir" && pwd)

missing=()
for tool in named-checkzone knotd kdig; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    die "missing ${missing[*]}; install with: apt-get install -y bind9-utils knot knot-dnsutils"
fi

shopt -s nullglob
files=("$dir"/*.zone)
shopt -u nullglob
[ ${#files[@]} -gt 0 ] || die "no *.zone file in $dir"

# ---- 1. BIND ---------------------------------------------------------------------
zones=() zone_files=()
for f in "${files[@]}"; do
    zone=$(sed -n 's/^\$ORIGIN[[:space:]]\{1,\}\([^[:space:]]*\)\.[[:space:]]*$/\1/p' "$f" | head -n 1)
    [ -n "$zone" ] || zone=$(basename "$f" .zone)
    # -k fail / -n fail: host-name and NS-name problems are errors, not warnings.
    if ! out=$(named-checkzone -k fail -n fail "$zone" "$f" 2>&1); then
        printf '%s\n' "$out" >&2
        die "named-checkzone refused $f (zone $zone)"
    fi
    zones+=("$zone")
    zone_files+=("$f")
done

# ---- 2. Knot ---------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_zone_servers.XXXXXX")
knot_pid=
cleanup() {
    if [ -n "$knot_pid" ] && kill -0 "$knot_pid" 2>/dev/null; then
        kill "$knot_pid" 2>/dev/null || true
        wait "$knot_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { # nothing listens on TCP or UDP $1
    command -v ss >/dev/null 2>&1 || return 0
    [ -z "$(ss -Htuln "sport = :$1" 2>/dev/null)" ]
}

write_conf() { # write_conf PORT
    {
        echo "server:"
        echo "    rundir: \"$tmp/run\""
        echo "    user: root:root"
        echo "    listen: 127.0.0.1@$1"
        echo "log:"
        echo "  - target: stderr"
        echo "    any: info"
        echo "database:"
        echo "    storage: \"$tmp/db\""
        echo "template:"
        echo "  - id: default"
        echo "    storage: \"$dir\""
        # Serve the files as they are: never write back, keep no journal of changes.
        echo "    zonefile-sync: -1"
        echo "    zonefile-load: whole"
        echo "    journal-content: none"
        echo "    semantic-checks: on"
        echo "zone:"
        for i in "${!zones[@]}"; do
            echo "  - domain: \"${zones[$i]}.\""
            echo "    file: \"${zone_files[$i]}\""
        done
    } >"$tmp/knot.conf"
}

q() { # q QUERY-ARGS...: the answer's records, one a line; nothing when kdig fails
    local out
    # +noidn: answers are compared as stored, A-labels (xn--) and all.
    out=$(kdig @127.0.0.1 -p "$port" +timeout=2 +retry=1 +noidn +short "$@" 2>/dev/null) || return 0
    printf '%s' "$out"
}

mkdir -p "$tmp/run" "$tmp/db"
port= started=
for attempt in 1 2 3 4 5; do
    # Below Linux's ephemeral ports (32768-60999), so a stopped server's port is
    # never a client's source port (a TCP connection to it could connect to itself).
    port=$(shuf -i 20000-32000 -n 1)
    port_free "$port" || continue
    write_conf "$port"
    knotd -c "$tmp/knot.conf" >"$tmp/knotd.log" 2>&1 &
    knot_pid=$!
    # Up when the first zone's SOA comes back; give up after about 10 seconds.
    for _ in $(seq 1 50); do
        kill -0 "$knot_pid" 2>/dev/null || break
        if [ -n "$(q "${zones[0]}." SOA)" ]; then started=1; break; fi
        sleep 0.2
    done
    [ -n "$started" ] && break
    # Most likely the port was taken between the check and the bind: try another one.
    kill "$knot_pid" 2>/dev/null || true
    wait "$knot_pid" 2>/dev/null || true
    knot_pid=
done
if [ -z "$started" ]; then
    cat "$tmp/knotd.log" >&2 || true
    die "knotd did not answer on 127.0.0.1 (5 ports tried); its log is above"
fi

# knotd loads zones in the background: give each one up to about 10 seconds in all.
deadline=$((SECONDS + 10))
for z in "${zones[@]}"; do
    until [ -n "$(q "$z." SOA)" ]; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            cat "$tmp/knotd.log" >&2
            die "knotd did not load zone $z (DIR $dir); its log is above"
        fi
        sleep 0.2
    done
done

addresses=0 line_no=0
while IFS= read -r line || [ -n "$line" ]; do
    line_no=$((line_no + 1))
    read -r -a words <<<"$line" || true
    [ ${#words[@]} -eq 0 ] && continue
    case ${words[0]} in '#'*) continue ;; esac
    [ ${#words[@]} -ge 2 ] || die "$expect:$line_no: want \"ADDRESS NAME [NAME...]\""
    addr=${words[0]}
    if [ "${words[1]}" = CNAME ]; then
        [ ${#words[@]} -ge 4 ] || die "$expect:$line_no: want \"ADDRESS CNAME TARGET NAME [NAME...]\""
        target=$(printf '%s' "${words[2]}" | tr 'A-Z' 'a-z')
        # The answer's records as "owner type rdata", owner and rdata in lower case.
        rrs=$(kdig @127.0.0.1 -p "$port" +timeout=2 +retry=1 +noidn +noall +answer -x "$addr" \
              2>/dev/null | awk '{ print tolower($1), $4, tolower($5) }') || rrs=
        rev=$(printf '%s\n' "$rrs" | awk '$2 == "CNAME" { print $1; exit }')
        if [ "$(printf '%s\n' "$rrs" | awk '$2 == "CNAME" { print $3 }')" != "$target" ]; then
            { echo "kdig -x $addr answered:"; printf '%s\n' "${rrs:-(nothing)}" | sed 's/^/  /'; } >&2
            die "no CNAME to $target for $addr ($expect:$line_no)"
        fi
        # A server may add the target's records to the answer (following the CNAME), but
        # the reverse name itself never has a PTR beside its CNAME.
        if printf '%s\n' "$rrs" | awk -v r="$rev" '$1 == r && $2 == "PTR"' | grep -q .; then
            die "$addr has a PTR beside its CNAME ($expect:$line_no)"
        fi
        addr_words=("${words[@]:3}")
        want=$(printf '%s\n' "${addr_words[@]}" | tr 'A-Z' 'a-z' | LC_ALL=C sort)
        got=$(q "$target" PTR | tr 'A-Z' 'a-z' | LC_ALL=C sort)
        addr="$addr -> $target"
    else
        want=$(printf '%s\n' "${words[@]:1}" | tr 'A-Z' 'a-z' | LC_ALL=C sort)
        got=$(q -x "$addr" | tr 'A-Z' 'a-z' | LC_ALL=C sort)
    fi
    if [ "$got" != "$want" ]; then
        { echo "kdig for $addr answered:"; printf '%s\n' "${got:-(nothing)}" | sed 's/^/  /'
          echo "expected:"; printf '%s\n' "$want" | sed 's/^/  /'; } >&2
        die "wrong answer for $addr ($expect:$line_no)"
    fi
    addresses=$((addresses + 1))
done <"$expect"
[ "$addresses" -gt 0 ] || die "$expect lists no address"

echo "zones checked by named-checkzone and served by knotd: ${#zones[@]} zones, $addresses addresses"
