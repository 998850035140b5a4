#!/usr/bin/env bash
# Forward confirmation through the system resolver (forward_confirm = true, ptrctl/forward.c,
# issue 12), deterministic and without network: ptrctl runs in a user and mount namespace
# (unshare -rm) where /etc/hosts holds the test's names and /etc/nsswitch.conf says
# "hosts: files", so getaddrinfo_a answers from that file only (names written there without
# the root's dot, which ptrctl's lookup has to retry without). A name that resolves back to
# the address is accepted; one that resolves elsewhere, or not at all, is refused and
# nothing is created. Skipped (77) only when no namespace can be made here.
. "$(dirname "$0")/lib.sh"

printf '203.0.113.7 mail.example.test\n203.0.113.99 other.example.test\n' > "$WORK/hosts"
printf '203.0.113.8 both.example.test\n2001:db8::8 both.example.test\n' >> "$WORK/hosts"
printf 'hosts: files\n' > "$WORK/nsswitch.conf"
# The same mounts as the wrapper below, checked once: can this machine make the namespace?
if ! probe=$(unshare -rm sh -c 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/nsswitch.conf &&
        getent ahostsv4 mail.example.test' sh "$WORK/hosts" "$WORK/nsswitch.conf" 2>&1); then
    echo "SKIP: no user and mount namespace here (unshare -rm: $probe); forward confirmation" \
         "needs a resolver answering known names without network" >&2
    exit 77
fi
has "$probe" "203.0.113.7" "the namespace's resolver reads the test's hosts file"

REAL=$PTRCTL
PTRCTL=$WORK/ptrctl-in-namespace
cat > "$PTRCTL" <<X
#!/bin/sh
exec unshare -rm sh -c 'mount --bind "\$1" /etc/hosts && mount --bind "\$2" /etc/nsswitch.conf &&
    shift 2 && exec "\$@"' sh "$WORK/hosts" "$WORK/nsswitch.conf" "$REAL" "\$@"
X
chmod +x "$PTRCTL"

printf 'forward_confirm = true\nforward_timeout = 10\nipv6 = true\n' > "$CONFIG"
# Resolves back: accepted.
expect 0 create 203.0.113.7 mail.example.test
expect 0 show 203.0.113.7; has "$OUT" "mail.example.test." "the record is stored"
# Resolves, but to another address: refused, nothing stored.
expect 1 create 203.0.113.9 other.example.test; rejected PTR_E_FORWARD DNS.0505 "ptrdnames[0]"
has "$ERR" "does not resolve to the record's address" "the reason"
expect 1 show 203.0.113.9; has "$ERR" "PTR_E_NOT_FOUND" "nothing stored"
# Not in the resolver at all: refused.
expect 1 create 203.0.113.9 missing.example.test; rejected PTR_E_FORWARD DNS.0505 "ptrdnames[0]"
# One good name and one bad: the whole request is refused.
expect 1 set 203.0.113.7 mail.example.test other.example.test
rejected PTR_E_FORWARD DNS.0505 "ptrdnames[1]"
expect 0 show 203.0.113.7; hasnt "$OUT" "other.example.test" "the record is unchanged"
# A name with several addresses confirms each of them (IPv4 and IPv6).
expect 0 create 203.0.113.8 both.example.test
expect 0 create 2001:db8::8 both.example.test
expect 0 set 203.0.113.7 mail.example.test
# Without forward_confirm, the same name is taken without a lookup.
printf 'forward_confirm = false\n' > "$CONFIG"
expect 0 create 203.0.113.9 other.example.test
finish
