#!/usr/bin/env bash
# JSON lines read through jansson (issue 15): numbers jansson cannot hold get the verdict
# they would get in range, text that is not UTF-8 is refused by line and byte, NUL escapes
# reach libptr's checks, and every refusal names its line and field as before.
. "$(dirname "$0")/lib.sh"

cat > n.jsonl <<'J'
{"ip": "192.0.2.1", "ptrdname": "a.example.com", "ttl": 99999999999999999999999999}
{"ip": "192.0.2.2", "ptrdname": "b.example.com", "ttl": -99999999999999999999999999}
{"ip": "192.0.2.3", "ptrdname": "c.example.com", "ttl": 1e999}
{"ip": "192.0.2.4", "ptrdname": "d.example.com", "revision": 99999999999999999999999999}
{"ip": "192.0.2.5", "ptrdname": "e\u0000.example.com"}
{"ip": "192.0.2.6", "ptrdnames": ["f.example.com", 99999999999999999999999999]}
{"ip": "192.0.2.7", "ptrdname": "g.example.com", "ttl": "5m", "status": "ERROR", "dns_error": null}
{"ip": "192.0.2.8", "ptrdname": "h.example.com"
J
printf '{"ip": "192.0.2.9", "ptrdname": "i.example.com", "description": "\xff"}\n' >> n.jsonl
expect 1 --create-db import --no-progress n.jsonl
has "$OUT" "9 lines, 1 created, 8 rejected" "one line passes"
has "$ERR" "line 1: PTR_E_TTL (DNS.0506), field ttl: TTL above the policy's maximum" "a TTL past 64 bits"
has "$ERR" "line 2: PTR_E_TTL (DNS.0506), field ttl: a TTL cannot be negative" "a negative one"
has "$ERR" "line 3: PTR_E_TTL (DNS.0506), field ttl: a TTL is a whole number of seconds" "a real past double"
hasnt "$ERR" "line 4:" "a revision past 64 bits is still a number, ignored"
has "$ERR" "line 5: PTR_E_NAME (DNS.0505), field ptrdnames[0]: NUL byte in name" "a NUL escape reaches libptr"
has "$ERR" "line 6: PTR_E_INVAL (DNS.0002), field ptrdnames[1]: a string is expected" "a number among names"
has "$ERR" "line 7: PTR_E_INVAL (DNS.0002): a string is expected" "a read-only field keeps its type"
has "$ERR" "line 8: PTR_E_INVAL (DNS.0002): not JSON: '}' expected near end of file (byte" "an unclosed object"
has "$ERR" "line 9: PTR_E_INVAL (DNS.0002): not UTF-8: JSON text is Unicode (RFC 8259 section 8.1) (byte 66 of the line)" "not UTF-8"
expect 0 --json show 192.0.2.4; json_is '.ptrdnames' '["d.example.com."]' "created"
finish
