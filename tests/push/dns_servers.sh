# Throw-away name servers on 127.0.0.1 for live DNS tests, the benchmark and
# the demo; sourced, not run. Each server runs as the current user in its own
# directory, on a free high port, with a TSIG key (hmac-sha256, name
# "ptrpush") that alone may UPDATE its zones, and AXFR open to 127.0.0.1.
#
#   dns_init DIR               where servers keep their files; sets DNS_SECRET
#   knot_start ZONE...         starts knotd: KNOT_PORT, KNOT_PID
#   knot_stop                  stops it (its zones are kept: knot_start again serves them)
#   named_start ZONE...        starts BIND's named: NAMED_PORT, NAMED_PID
#   named_stop
#   dns_stop_all               both, for a trap
#   dns_answer PORT ADDRESS    the PTR names DNS answers for ADDRESS, sorted, one a line
#
# Zones are names without the trailing dot ("113.0.203.in-addr.arpa"); each
# starts with an SOA and an NS only.

DNS_DIR= DNS_SECRET= KNOT_PORT= KNOT_PID= NAMED_PORT= NAMED_PID=

dns_init() {
    DNS_DIR=$1
    mkdir -p "$DNS_DIR"
    # 32 random bytes, the size RFC 8945 §6 asks of an HMAC-SHA256 key.
    DNS_SECRET=$(head -c 32 /dev/urandom | base64)
}

dns_port_free() { # nothing listens on TCP or UDP $1
    command -v ss >/dev/null 2>&1 || return 0
    [ -z "$(ss -Htuln "sport = :$1" 2>/dev/null)" ]
}

dns_zone_file() { # dns_zone_file ZONE FILE
    {
        echo "\$ORIGIN $1."
        echo "\$TTL 3600"
        echo "@ IN SOA ns.example.net. hostmaster.example.net. 1 3600 600 86400 300"
        echo "@ IN NS ns.example.net."
    } >"$2"
}

dns_soa_answers() { # dns_soa_answers PORT ZONE
    [ -n "$(kdig @127.0.0.1 -p "$1" +tcp +timeout=1 +retry=0 +short "$2." SOA 2>/dev/null)" ]
}

dns_answer() { # dns_answer PORT ADDRESS
    kdig @127.0.0.1 -p "$1" +tcp +timeout=2 +retry=1 +noidn +short -x "$2" PTR 2>/dev/null | LC_ALL=C sort
}

knot_conf() { # knot_conf PORT ZONE...
    local port=$1 d=$DNS_DIR/knot z
    shift
    {
        echo "server:"
        echo "    rundir: \"$d/run\""
        echo "    listen: 127.0.0.1@$port"
        echo "    tcp-idle-timeout: 60s"
        echo "control:"
        echo "    listen: \"$d/run/knot.sock\""
        echo "log:"
        echo "  - target: stderr"
        echo "    any: warning"
        echo "database:"
        echo "    storage: \"$d/db\""
        echo "key:"
        echo "  - id: ptrpush"
        echo "    algorithm: hmac-sha256"
        echo "    secret: $DNS_SECRET"
        echo "acl:"
        echo "  - id: update_with_key"
        echo "    key: ptrpush"
        echo "    action: update"
        echo "  - id: transfer_local"
        echo "    address: 127.0.0.1"
        echo "    action: transfer"
        echo "template:"
        echo "  - id: default"
        echo "    storage: \"$d/zones\""
        echo "    acl: [update_with_key, transfer_local]"
        # Updates live in the journal, applied over the zone file on every start;
        # the file itself is never rewritten.
        echo "    zonefile-sync: -1"
        echo "    zonefile-load: whole"
        echo "    journal-content: changes"
        echo "zone:"
        for z in "$@"; do
            echo "  - domain: \"$z.\""
            echo "    file: \"$d/zones/$z.zone\""
        done
    } >"$d/knot.conf"
}

knot_start() { # knot_start ZONE...
    local d=$DNS_DIR/knot z attempt started=
    mkdir -p "$d/run" "$d/db" "$d/zones"
    for z in "$@"; do
        [ -f "$d/zones/$z.zone" ] || dns_zone_file "$z" "$d/zones/$z.zone"
    done
    # The same port again after a stop, so that a configuration naming it still holds.
    for attempt in 1 2 3 4 5; do
        if [ -z "$KNOT_PORT" ] || [ "$attempt" -gt 1 ]; then
            # Below Linux's ephemeral ports (32768-60999), so a stopped server's port is
            # never a client's source port (a TCP connection to it could connect to itself).
            KNOT_PORT=$(shuf -i 20000-32000 -n 1)
            dns_port_free "$KNOT_PORT" || continue
        fi
        knot_conf "$KNOT_PORT" "$@"
        knotd -c "$d/knot.conf" >>"$d/knotd.log" 2>&1 &
        KNOT_PID=$!
        for _ in $(seq 1 50); do
            kill -0 "$KNOT_PID" 2>/dev/null || break
            if dns_soa_answers "$KNOT_PORT" "$1"; then started=1; break; fi
            sleep 0.2
        done
        [ -n "$started" ] && return 0
        kill "$KNOT_PID" 2>/dev/null; wait "$KNOT_PID" 2>/dev/null
        KNOT_PID=
    done
    echo "knotd did not start; its log:" >&2
    cat "$d/knotd.log" >&2
    return 1
}

knot_stop() {
    if [ -n "$KNOT_PID" ] && kill -0 "$KNOT_PID" 2>/dev/null; then
        kill "$KNOT_PID" 2>/dev/null
        wait "$KNOT_PID" 2>/dev/null
    fi
    KNOT_PID=
}

named_conf() { # named_conf PORT ZONE...
    local port=$1 d=$DNS_DIR/named z
    shift
    {
        echo "options {"
        echo "    directory \"$d\";"
        echo "    pid-file \"$d/named.pid\";"
        echo "    session-keyfile \"$d/session.key\";"
        echo "    managed-keys-directory \"$d\";"
        echo "    listen-on port $port { 127.0.0.1; };"
        echo "    listen-on-v6 { none; };"
        echo "    recursion no;"
        echo "    dnssec-validation no;"
        echo "    allow-transfer { 127.0.0.1; };"
        echo "};"
        # No rndc channel: named is stopped by its process id.
        echo "controls { };"
        echo "key \"ptrpush\" {"
        echo "    algorithm hmac-sha256;"
        echo "    secret \"$DNS_SECRET\";"
        echo "};"
        for z in "$@"; do
            echo "zone \"$z\" {"
            echo "    type primary;"
            echo "    file \"$d/$z.zone\";"
            echo "    allow-update { key ptrpush; };"
            echo "};"
        done
    } >"$d/named.conf"
}

named_start() { # named_start ZONE...
    local d=$DNS_DIR/named z attempt started=
    mkdir -p "$d"
    for z in "$@"; do
        [ -f "$d/$z.zone" ] || dns_zone_file "$z" "$d/$z.zone"
    done
    for attempt in 1 2 3 4 5; do
        if [ -z "$NAMED_PORT" ] || [ "$attempt" -gt 1 ]; then
            # Below Linux's ephemeral ports (32768-60999), so a stopped server's port is
            # never a client's source port (a TCP connection to it could connect to itself).
            NAMED_PORT=$(shuf -i 20000-32000 -n 1)
            dns_port_free "$NAMED_PORT" || continue
        fi
        named_conf "$NAMED_PORT" "$@"
        # -g: foreground, log to stderr; as the current user, in its own directory.
        named -g -c "$d/named.conf" >>"$d/named.log" 2>&1 &
        NAMED_PID=$!
        for _ in $(seq 1 50); do
            kill -0 "$NAMED_PID" 2>/dev/null || break
            if dns_soa_answers "$NAMED_PORT" "$1"; then started=1; break; fi
            sleep 0.2
        done
        [ -n "$started" ] && return 0
        kill "$NAMED_PID" 2>/dev/null; wait "$NAMED_PID" 2>/dev/null
        NAMED_PID=
    done
    echo "named did not start; its log:" >&2
    tail -n 30 "$d/named.log" >&2
    return 1
}

named_stop() {
    if [ -n "$NAMED_PID" ] && kill -0 "$NAMED_PID" 2>/dev/null; then
        kill "$NAMED_PID" 2>/dev/null
        wait "$NAMED_PID" 2>/dev/null
    fi
    NAMED_PID=
}

dns_stop_all() {
    knot_stop
    named_stop
}
