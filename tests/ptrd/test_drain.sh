#!/usr/bin/env bash
# SIGTERM: ptrd stops accepting, finishes the request in flight, exits 0.
# A client sends a PATCH's headers and half its body, the server gets SIGTERM,
# then the client sends the rest: it must still get its 202, the record must
# be stored, new connections must be refused, and ptrd must exit 0.
#   test_drain.sh PTRD_BINARY SOURCE_DIR
set -u
here=$(dirname "$0")
. "$here/lib.sh" "$1"
start_ptrd main "$WORK/ptr.db"
/usr/bin/python3 - "$PORT_main" "$PID_main" <<'PY' || exit 1
import json, os, signal, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
body = json.dumps({"ptrdname": "drain.example.com"}).encode()
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"PATCH /v2/reverse/floatingips/eu-de:aaaaaaaa-0000-4000-8000-000000000001 HTTP/1.1\r\n"
          b"Host: x\r\nX-Auth-Token: token-a-secret-1\r\nContent-Length: %d\r\n\r\n" % len(body)
          + body[:10])
time.sleep(0.3)
os.kill(pid, signal.SIGTERM)
time.sleep(0.5)
try:
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    refused = False
except OSError:
    refused = True
if not refused:
    print("FAIL: a new connection was accepted while draining"); sys.exit(1)
s.sendall(body[10:])
resp = s.recv(4096)
if not resp.startswith(b"HTTP/1.1 202"):
    print("FAIL: the in-flight request got %r" % resp[:60]); sys.exit(1)
print("ok: the in-flight PATCH finished with 202 after SIGTERM")
PY
wait "$PID_main"
rc=$?
[ $rc -eq 0 ] || { echo "FAIL: ptrd exited $rc after SIGTERM"; exit 1; }
grep -q 'SIGTERM: draining 1 in-flight' "$WORK/main.log" || { echo "FAIL: no drain in the log"; cat "$WORK/main.log"; exit 1; }
# The record the drained request wrote is in the database.
start_ptrd again "$WORK/ptr.db"
got=$(curl -s -H 'X-Auth-Token: token-a-secret-1' \
    "http://127.0.0.1:$PORT_again/v2/reverse/floatingips/eu-de:aaaaaaaa-0000-4000-8000-000000000001")
case $got in
*'"ptrdname":"drain.example.com."'*) ;;
*) echo "FAIL: the drained request's record is not stored: $got"; exit 1 ;;
esac
echo "ok: ptrd exited 0 after draining; the record is stored"
