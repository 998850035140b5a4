#!/usr/bin/env bash
# ptrd --push: records written through the API reach a real knotd (RFC 2136
# UPDATE with TSIG) from ptrd's own sync thread, and the API reports it: a
# PATCH answers PENDING_CREATE, a later GET ACTIVE once `kdig -x` answers the
# name; an update, a restore (ptrdname null: PENDING_DELETE, then the default
# name in DNS and the record gone, the GET answering the default name); a reload with a wrong secret gives ERROR
# naming the server's RCODE and leaves DNS unchanged, the right one makes the
# record ACTIVE; a stopped server leaves records pending until it is back; a
# push file others may read is refused at start (exit 2). knotd and every
# ptrd are stopped by the trap.
#   test_sync.sh PTRD_BINARY SOURCE_DIR
set -u
command -v knotd >/dev/null 2>&1 && command -v kdig >/dev/null 2>&1 || {
    echo "skipped: knotd or kdig not installed (apt-get install knot knot-dnsutils)"
    exit 77
}
here=$(cd "$(dirname "$0")" && pwd)
src=$2
. "$here/lib.sh" "$1"
. "$src/tests/push/dns_servers.sh"
trap 'dns_stop_all; cleanup' EXIT
"$PTRD" --help 2>&1 | grep -q -- --push || { echo "FAIL: ptrd --help does not list --push"; exit 1; }

dns_init "$WORK/dns"
knot_start 113.0.203.in-addr.arpa || { echo "FAIL: knotd did not start"; exit 1; }
conf=$WORK/push.conf
write_conf() { # write_conf SECRET
    (umask 077; printf '# ptrd test\n203.0.113.0/24 127.0.0.1:%s hmac-sha256:ptrpush:%s\n' \
        "$KNOT_PORT" "$1" >"$conf")
}

# A push file others may read: ptrd refuses to start, naming it.
write_conf "$DNS_SECRET"
chmod 0644 "$conf"
"$PTRD" --db "$WORK/refused.db" --listen 127.0.0.1:0 --tokens "$WORK/tokens" \
    --eips "$WORK/eips.csv" --push "$conf" >"$WORK/refused.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--push $conf" "$WORK/refused.out" || {
    echo "FAIL: a push file others may read: exit $rc (want 2)"; cat "$WORK/refused.out"; exit 1; }
chmod 0600 "$conf"

start_ptrd main "$WORK/ptr.db" --push "$conf" --default-name 'ecs-{dashed}.compute.example.com'

cat >"$WORK/drive.py" <<'PY'
import http.client, json, os, signal, subprocess, sys, time
stage, port, pid, knot, work, src = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
FIP = "/v2/reverse/floatingips/eu-de:aaaaaaaa-0000-4000-8000-000000000001"
ADDR = "203.0.113.1"
DEFAULT = "ecs-203-0-113-1.compute.example.com."
conf = os.path.join(work, "push.conf")

def req(method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request(method, path, body=None if body is None else json.dumps(body),
              headers={"X-Auth-Token": "token-a-secret-1", "Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, (json.loads(data) if data and r.getheader("Content-Type", "").startswith("application/json") else data)

def dns():
    out = subprocess.run(["bash", "-c", '. "$1"; dns_answer "$2" "$3"', "-",
                          os.path.join(src, "tests/push/dns_servers.sh"), knot, ADDR],
                         capture_output=True, text=True)
    return out.stdout.split()

def fail(msg):
    print("FAIL (%s): %s" % (stage, msg))
    sys.exit(1)

def wait_status(want, secs=15):
    end, rec = time.time() + secs, None
    while time.time() < end:
        st, rec = req("GET", FIP)
        if st == 200 and rec["status"] == want:
            return rec
        time.sleep(0.1)
    fail("status %s not reached in %d s: %s" % (want, secs, rec))

def wait_dns(want, secs=15):
    end = time.time() + secs
    while dns() != want and time.time() < end:
        time.sleep(0.1)
    if dns() != want:
        fail("DNS answers %s, want %s" % (dns(), want))

if stage == "lifecycle":
    # Create: pending at once, then ACTIVE when knotd answers it.
    st, rec = req("PATCH", FIP, {"ptrdname": "mail.example.com", "ttl": 600})
    if st != 202 or rec["status"] != "PENDING_CREATE" or rec["action"] != "CREATE":
        fail("PATCH: %s %s" % (st, rec))
    rec = wait_status("ACTIVE")
    if rec["action"] != "NONE" or dns() != ["mail.example.com."]:
        fail("after create: %s, DNS %s" % (rec, dns()))
    # Update: PENDING_UPDATE, then the new name alone.
    st, rec = req("PATCH", FIP, {"ptrdname": "smtp.example.com"})
    if st != 202 or rec["status"] != "PENDING_UPDATE" or rec["action"] != "UPDATE":
        fail("update: %s %s" % (st, rec))
    wait_status("ACTIVE")
    wait_dns(["smtp.example.com."], 2)
    # Restore: the default name in DNS, then the record is gone (GET: the default, ACTIVE).
    st, rec = req("PATCH", FIP, {"ptrdname": None})
    if st != 202 or rec["status"] != "PENDING_DELETE" or rec["action"] != "DELETE":
        fail("restore: %s %s" % (st, rec))
    wait_dns([DEFAULT])
    rec = wait_status("ACTIVE")
    if rec["ptrdname"] != DEFAULT or rec["action"] != "NONE":
        fail("after restore: %s" % rec)
    # A wrong secret: ERROR, DNS unchanged; the right one (SIGHUP) makes it ACTIVE.
    good = open(conf).read()
    secret = good.split(":")[-1].strip()
    with open(conf, "w") as f:
        f.write(good.replace(secret, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
    os.kill(pid, signal.SIGHUP)
    time.sleep(0.5)
    st, rec = req("PATCH", FIP, {"ptrdname": "bad.example.com"})
    if st != 202:
        fail("PATCH with the wrong secret loaded: %s %s" % (st, rec))
    wait_status("ERROR")
    time.sleep(0.3)
    if dns() != [DEFAULT]:
        fail("a refused update changed DNS: %s" % dns())
    with open(conf, "w") as f:
        f.write(good)
    os.kill(pid, signal.SIGHUP)
    wait_status("ACTIVE")
    wait_dns(["bad.example.com."], 2)
    time.sleep(1.2)  # the access log and messages are flushed within a second
    log = open(os.path.join(work, "main.log")).read()
    if "NOTAUTH" not in log and "BADSIG" not in log:
        fail("the log does not name the refusal: %s" % log[-2000:])
    if secret in log or secret in open(os.path.join(work, "main.stderr")).read():
        fail("the secret was logged")
elif stage == "stopped":
    st, rec = req("PATCH", FIP, {"ptrdname": "later.example.com"})
    time.sleep(2)
    st, rec = req("GET", FIP)
    if rec["status"] != "PENDING_UPDATE":
        fail("with the server stopped: %s" % rec)
elif stage == "back":
    wait_status("ACTIVE", 30)
    wait_dns(["later.example.com."], 2)
    st, text = req("GET", "/metrics")
    text = text.decode() if isinstance(text, bytes) else str(text)
    if 'ptrd_dns_changes_total{outcome="active"}' not in text or \
       'ptrd_dns_changes_total{outcome="unreachable"} 0' in text:
        fail("metrics: %s" % text[-800:])
PY
drive() { /usr/bin/python3 "$WORK/drive.py" "$1" "$PORT_main" "$PID_main" "$KNOT_PORT" "$WORK" "$src"; }
drive lifecycle || exit 1
knot_stop
drive stopped || exit 1
knot_start 113.0.203.in-addr.arpa || { echo "FAIL: knotd did not start again"; exit 1; }
drive back || exit 1
echo ok
