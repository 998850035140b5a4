#!/usr/bin/env bash
# Addresses that can never be an elastic IP (issue 11): refused by default by
# create, update and import; --addresses / PTRCTL_ADDRESSES choose any,
# no-special (the default), no-private or public-only.
. "$(dirname "$0")/lib.sh"

# ---- refused by default, each naming its range -------------------------------------------------
for a in 127.0.0.1:loopback 127.255.0.9:loopback 0.0.0.0:unspecified 0.1.2.3:unspecified \
         224.0.0.1:multicast 239.255.255.250:multicast 255.255.255.255:"limited broadcast" \
         240.0.0.1:reserved 169.254.169.254:link-local; do
    expect 1 create "${a%%:*}" host.example.com
    rejected PTR_E_ADDR_FORBIDDEN DNS.0602 address
    has "$ERR" "${a#*:} address" "the reason for ${a%%:*}"
    has "$ERR" "--addresses any allows it" "the way out"
done
expect 1 create 127.0.0.1/32 host.example.com
rejected PTR_E_ADDR_FORBIDDEN DNS.0602 address
expect 1 --json create 127.0.0.1 host.example.com
json_is '.error.code' '"PTR_E_ADDR_FORBIDDEN"' "the JSON error object"
expect 3 list
has "$ERR" "no database" "nothing was created, not even the database"

# ---- private and documentation ranges stay allowed by default --------------------------------
for a in 10.0.0.1 172.16.5.4 192.168.1.1 100.64.0.1 192.0.2.1 198.51.100.1 203.0.113.1 8.8.8.8; do
    expect 0 create "$a" "h-${a//./-}.example.com"
done

# ---- update refuses them too; delete and show still work --------------------------------------
expect 0 --addresses any create 127.0.0.2 old.example.com
expect 1 update 127.0.0.2 --ttl 60
rejected PTR_E_ADDR_FORBIDDEN DNS.0602 address
expect 0 --addresses any update 127.0.0.2 --ttl 60
expect 0 show 127.0.0.2
expect 0 delete 127.0.0.2

# ---- import: a line with such an address is refused by number, the others created ------------
printf 'ip,names\n203.0.113.50,a.example.com\n127.0.0.1,b.example.com\n203.0.113.51,c.example.com\n' > in.csv
expect 1 import --no-progress in.csv
has "$ERR" "line 3: PTR_E_ADDR_FORBIDDEN (DNS.0602), field address: loopback address" "the line named"
has "$OUT" "4 lines, 2 created, 1 rejected" "the other lines created"
printf '{"ip": "224.0.0.5", "ptrdname": "m.example.com"}\n' > in.jsonl
expect 1 import --no-progress in.jsonl
has "$ERR" "line 1: PTR_E_ADDR_FORBIDDEN" "JSON lines too"
expect 0 --addresses any import --no-progress in.jsonl

# ---- the modes ---------------------------------------------------------------------------------
expect 1 --addresses no-private create 10.1.1.1 p.example.com
rejected PTR_E_ADDR_FORBIDDEN DNS.0602 address
has "$ERR" "private address (10.0.0.0/8): refused by --addresses no-private" "private refused"
expect 1 --addresses no-private create 100.64.1.1 p.example.com
expect 0 --addresses no-private create 192.0.2.77 doc.example.com
PTRCTL_ADDRESSES=public-only expect 1 create 192.0.2.78 doc.example.com
rejected PTR_E_ADDR_FORBIDDEN DNS.0602 address
PTRCTL_ADDRESSES=public-only expect 1 create 10.9.9.9 p.example.com
PTRCTL_ADDRESSES=public-only expect 0 create 8.8.4.4 dns.example.com
PTRCTL_ADDRESSES=public-only expect 0 --addresses any create 127.0.0.3 lo.example.com
# The option wins over the variable; a bad value of either is a usage error.
expect 2 --addresses everything list
has "$ERR" "--addresses is any, no-special, no-private or public-only" "the values listed"
PTRCTL_ADDRESSES=bogus expect 2 list
has "$ERR" "PTRCTL_ADDRESSES is any" "the variable named"
PTRCTL_ADDRESSES=bogus expect 0 --addresses any list
expect 0 list --addresses any
expect 2 list --addresses everything;   has "$ERR" "--addresses is any" "after the command too"
finish
