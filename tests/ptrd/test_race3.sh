#!/usr/bin/env bash
# Three ptrd processes on one database, as behind a load balancer: 60
# parallel creates of one owner spread over the three must give exactly 50
# accepted and 10 DNS.0405, and 20 parallel PATCHes of one EIP spread over
# them must all succeed and leave one record.
#   test_race3.sh PTRD_BINARY SOURCE_DIR sqlite|pg
# With pg the database is $PTR_PG_TEST_URI (tests/pg/with_cluster.sh sets it).
set -u
here=$(dirname "$0")
kind=${3:-sqlite}
. "$here/lib.sh" "$1"
if [ "$kind" = pg ]; then
    db=${PTR_PG_TEST_URI:?PTR_PG_TEST_URI is not set: run under tests/pg/with_cluster.sh}
else
    db=$WORK/ptr.db
fi
start_ptrd one "$db" --threads 8
start_ptrd two "$db" --threads 8
start_ptrd three "$db" --threads 8
/usr/bin/python3 - "$PORT_one" "$PORT_two" "$PORT_three" <<'PY'
import http.client, json, sys, threading
ports = [int(p) for p in sys.argv[1:]]
def call(port, method, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request(method, path, body=json.dumps(body) if body is not None else None,
              headers={"X-Auth-Token": "token-a-secret-1"})
    r = c.getresponse(); doc = json.loads(r.read() or b"null"); c.close()
    return r.status, doc
res, lock = [], threading.Lock()
go = threading.Barrier(60)
def create(i):
    go.wait()
    r = call(ports[i % 3], "PATCH", "/v2/reverse/floatingips/eu-de:aaaaaaaa-0000-4000-8000-%012d" % i,
             {"ptrdname": "r%d.example.com" % i})
    with lock: res.append(r + (i,))
ts = [threading.Thread(target=create, args=(i,)) for i in range(1, 61)]
[t.start() for t in ts]; [t.join() for t in ts]
ok = sum(1 for s, _, _ in res if s == 202)
quota = sum(1 for s, d, _ in res if s == 403 and d["code"] == "DNS.0405" and d["status"] == "PTR_E_QUOTA")
if ok != 50 or quota != 10:
    print("FAIL: 60 creates over 3 processes: %d accepted, %d quota (%s)" %
          (ok, quota, sorted(set((s, d.get("code") if d else None) for s, d, _ in res)))); sys.exit(1)
for p in ports:
    s, d = call(p, "GET", "/v2/reverse/floatingips")
    if d["metadata"]["total_count"] != 50:
        print("FAIL: port %d counts %s" % (p, d["metadata"])); sys.exit(1)
# One EIP, 20 writers: create-or-update must never fail on a lost race, even
# when the owner is one record below its limit (one of the 50 is restored first).
one = "/v2/reverse/floatingips/eu-de:aaaaaaaa-0000-4000-8000-%012d" % min(i for s, _, i in res if s == 202)
call(ports[0], "PATCH", one, {"ptrdname": None})
res.clear()
go = threading.Barrier(20)
def same(i):
    go.wait()
    r = call(ports[i % 3], "PATCH", one, {"ptrdname": "same%d.example.com" % i})
    with lock: res.append(r)
ts = [threading.Thread(target=same, args=(i,)) for i in range(20)]
[t.start() for t in ts]; [t.join() for t in ts]
bad = [(s, d) for s, d in res if s != 202]
if bad:
    print("FAIL: racing PATCHes of one EIP: %s" % bad[:3]); sys.exit(1)
s, d = call(ports[1], "GET", "/v2/reverse/floatingips")
if d["metadata"]["total_count"] != 50:
    print("FAIL: after the same-EIP race: %s" % d["metadata"]); sys.exit(1)
print("ok: 3 processes: exactly 50 of 60 creates, 20 racing PATCHes of one EIP all 202")
PY
