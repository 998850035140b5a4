#!/usr/bin/env bash
# ptrd's options and files: each bad one refused at start with a message
# naming it (exit 2; 1 for a database that cannot be opened), and the
# options that change behaviour (--policy otc, --default-name, --region,
# an IPv6 --listen) doing so.
#   test_options.sh PTRD_BINARY SOURCE_DIR
set -u
here=$(dirname "$0")
. "$here/lib.sh" "$1"
fails=0
# refused EXIT PATTERN ARGS...: ptrd must exit EXIT with PATTERN on stderr.
refused() {
    local want=$1 pat=$2
    shift 2
    local out rc
    out=$(timeout 10 "$PTRD" "$@" 2>&1 >/dev/null)
    rc=$?
    if [ $rc -ne "$want" ] || ! grep -q -- "$pat" <<<"$out"; then
        echo "FAIL: ptrd $* -> exit $rc, wanted $want and '$pat': $out"
        fails=$((fails + 1))
    fi
}
T=(--tokens "$WORK/tokens" --eips "$WORK/eips.csv")
L=(--listen 127.0.0.1:0)
refused 2 "--db is required" "${L[@]}" "${T[@]}"
refused 2 "--listen is required" --db "$WORK/x.db" "${T[@]}"
refused 2 "--listen 'localhost:80'" --db "$WORK/x.db" --listen localhost:80 "${T[@]}"
refused 2 "--listen port '70000'" --db "$WORK/x.db" --listen 127.0.0.1:70000 "${T[@]}"
refused 2 "--threads '0'" --db "$WORK/x.db" "${L[@]}" "${T[@]}" --threads 0
refused 2 "--policy 'aws'" --db "$WORK/x.db" "${L[@]}" "${T[@]}" --policy aws
refused 2 "--region 'a b'" --db "$WORK/x.db" "${L[@]}" "${T[@]}" --region 'a b'
refused 2 "unexpected argument 'extra'" --db "$WORK/x.db" "${L[@]}" "${T[@]}" extra
printf 'tok-good-000001 proj-a owner-a\ntok-only-two proj-a\n' >"$WORK/bad-tokens"
refused 2 "bad-tokens:2: expected TOKEN PROJECT OWNER" --db "$WORK/x.db" "${L[@]}" \
    --tokens "$WORK/bad-tokens" --eips "$WORK/eips.csv"
printf 'tok-good-000001 proj/a owner-a\n' >"$WORK/bad-tokens"
refused 2 "bad-tokens:1: project 'proj/a'" --db "$WORK/x.db" "${L[@]}" \
    --tokens "$WORK/bad-tokens" --eips "$WORK/eips.csv"
printf 'sha256:abcd proj-a owner-a\n' >"$WORK/bad-tokens"
refused 2 "bad-tokens:1: sha256: needs 64 hex digits" --db "$WORK/x.db" "${L[@]}" \
    --tokens "$WORK/bad-tokens" --eips "$WORK/eips.csv"
printf 'eu-de,aaaaaaaa-0000-4000-8000-000000000001,203.0.113.300,proj-a\n' >"$WORK/bad.csv"
refused 2 "bad.csv:1: address '203.0.113.300'" --db "$WORK/x.db" "${L[@]}" \
    --tokens "$WORK/tokens" --eips "$WORK/bad.csv"
printf 'eu-de,not-a-uuid,203.0.113.3,proj-a\n' >"$WORK/bad.csv"
refused 2 "bad.csv:1: floatingip_id 'not-a-uuid' is not a UUID" --db "$WORK/x.db" "${L[@]}" \
    --tokens "$WORK/tokens" --eips "$WORK/bad.csv"
printf 'eu-de,aaaaaaaa-0000-4000-8000-000000000001,203.0.113.3,proj-a\neu-de,aaaaaaaa-0000-4000-8000-000000000002,203.0.113.3,proj-a\n' >"$WORK/bad.csv"
refused 2 "address 203.0.113.3 of region eu-de listed twice" --db "$WORK/x.db" "${L[@]}" \
    --tokens "$WORK/tokens" --eips "$WORK/bad.csv"
refused 2 "missing.csv: No such file" --db "$WORK/x.db" "${L[@]}" --tokens "$WORK/tokens" \
    --eips "$WORK/missing.csv"
refused 1 "cannot open database '$WORK/no/such/dir/x.db'" --db "$WORK/no/such/dir/x.db" "${L[@]}" "${T[@]}"
refused 2 "--default-name 'bad..{dashed}': " --db "$WORK/x.db" "${L[@]}" "${T[@]}" --default-name 'bad..{dashed}'
refused 1 "cannot open database 'postgresql://nowhere.invalid/x'" --db postgresql://nowhere.invalid/x "${L[@]}" "${T[@]}"

# --policy otc (20 tags), --default-name, and IPv6 loopback.
rm -f "$WORK/v6.port"
"$PTRD" --db "$WORK/otc.db" --listen '[::1]:0' --port-file "$WORK/v6.port" "${T[@]}" \
    --policy otc --default-name 'host-{a}-{b}-{c}-{d}.otc.example.net' --log "$WORK/v6.log" 2>/dev/null &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/v6.port" ] && break; sleep 0.05; done
url="http://[::1]:$(cat "$WORK/v6.port")/v2/reverse/floatingips/eu-de:aaaaaaaa-0000-4000-8000-000000000003"
got=$(curl -s -H 'X-Auth-Token: token-a-secret-1' "$url")
case $got in
*'"ptrdname":"host-203-0-113-3.otc.example.net."'*) ;;
*) echo "FAIL: --default-name over IPv6: $got"; fails=$((fails + 1)) ;;
esac
tags=$(python3 -c 'import json; print(json.dumps({"ptrdname": "otc.example.com", "tags": [{"key": "k%d" % i, "value": "v"} for i in range(15)]}))')
code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H 'X-Auth-Token: token-a-secret-1' -d "$tags" "$url")
[ "$code" = 202 ] || { echo "FAIL: --policy otc refused 15 tags: $code"; fails=$((fails + 1)); }
[ $fails -eq 0 ] || exit 1
echo "ok: bad options and files refused by name; --policy otc, --default-name, IPv6 listen work"
