#!/usr/bin/env bash
# The configuration file (issue 12): the search order, the keys, an unknown key or a bad value
# refused with its line, `config show` with each setting's source, and the policy settings
# applied (quota, max_names, ipv6, addresses, default_name, policy, forward_confirm, zone_*).
. "$(dirname "$0")/lib.sh"

# ---- search order: --config, PTRCTL_CONFIG, $XDG_CONFIG_HOME/ptrctl/config, ~/.config -------------
mkdir -p xdg/ptrctl home/.config/ptrctl
echo "region = from-xdg" > xdg/ptrctl/config
echo "region = from-home" > home/.config/ptrctl/config
echo "region = from-env" > env.conf
echo "region = from-option" > opt.conf
show_region() { run "$@" config show; printf '%s\n' "$OUT" | sed -n 's/^region *= \([^ ]*\) .*/\1/p'; }
eq "$(unset PTRCTL_CONFIG; HOME=$WORK/home XDG_CONFIG_HOME=$WORK/xdg show_region)" from-xdg "XDG_CONFIG_HOME"
eq "$(unset PTRCTL_CONFIG XDG_CONFIG_HOME; HOME=$WORK/home show_region)" from-home "~/.config without XDG_CONFIG_HOME"
eq "$(PTRCTL_CONFIG=env.conf XDG_CONFIG_HOME=$WORK/xdg show_region)" from-env "PTRCTL_CONFIG before XDG"
eq "$(PTRCTL_CONFIG=env.conf show_region --config opt.conf)" from-option "--config first"
eq "$(PTRCTL_CONFIG=env.conf PTRCTL_REGION=r-env show_region --config opt.conf)" r-env "the environment over the file"
eq "$(PTRCTL_REGION=r-env show_region --config opt.conf --region r-opt)" r-opt "an option over all"
expect 2 --config missing.conf config show;  has "$ERR" "cannot read the configuration file 'missing.conf'" "an explicit file must exist"
PTRCTL_CONFIG=missing.conf expect 2 list;    has "$ERR" "missing.conf" "PTRCTL_CONFIG too"

# ---- config show: value and source of each ---------------------------------------------------
printf '# a comment\n\n  quota = 7   \nzone_ns = a.example.com, b.example.com\n' > "$CONFIG"
PTRCTL_OWNER=envowner expect 0 --region opt-r config show
has "$OUT" "# configuration file: $CONFIG" "the file"
has "$(printf '%s\n' "$OUT" | grep '^quota ')" "= 7 " "quota's value"
has "$(printf '%s\n' "$OUT" | grep '^quota ')" "# $CONFIG:3" "quota's source: file and line"
has "$(printf '%s\n' "$OUT" | grep '^owner ')" "# environment PTRCTL_OWNER" "owner's source"
has "$(printf '%s\n' "$OUT" | grep '^region ')" "# option --region" "region's source"
has "$(printf '%s\n' "$OUT" | grep '^project ')" "# default" "project's source"
expect 0 config show --json
json_ok "$OUT" "config show --json"
json_is '.settings.quota' '{"value":"7","source":"'"$CONFIG"':3"}' "json value and source"
json_is '.settings.zone_ns.value' '"a.example.com, b.example.com"' "zone_ns"
[ -e test.db ] && fail "config show must not open the database"

# ---- errors name the line ----------------------------------------------------------------------
printf 'quota = 7\nqouta = 8\n' > "$CONFIG"
expect 2 list;        has "$ERR" "$CONFIG:2: unknown key 'qouta' (did you mean 'quota'?)" "unknown key, its line"
printf 'ipv6 = yes\n' > "$CONFIG"
expect 2 list;        has "$ERR" "$CONFIG:1: ipv6 is true or false, not 'yes'" "bad value"
printf 'db\n' > "$CONFIG"
expect 2 list;        has "$ERR" "$CONFIG:1: not 'key = value'" "no ="
printf 'quota = -3\n' > "$CONFIG"
expect 2 --json list; json_is '.error.code' '"PTRCTL_E_USAGE"' "a JSON error"
printf 'zone_ipv6_prefix = 50\n' > "$CONFIG"
expect 2 list;        has "$ERR" "zone_ipv6_prefix is a multiple of 4" "bad prefix"
printf 'policy = aws\n' > "$CONFIG"
expect 2 list;        has "$ERR" "policy is huawei or otc" "bad policy"
: > "$CONFIG"
PTRCTL_OUTPUT=xml expect 2 list; has "$ERR" "PTRCTL_OUTPUT is table, json or csv, not 'xml'" "env named"
[ -e test.db ] && fail "a bad configuration must not create the database"

# ---- the policy settings are applied ----------------------------------------------------------
printf 'quota = 2\nmax_names = 2\n' > "$CONFIG"
expect 0 create 203.0.113.1 a.example.com b.example.com
expect 1 create 203.0.113.2 a.example.com b.example.com c.example.com; rejected PTR_E_NAME_COUNT DNS.0505 ""
expect 0 create 203.0.113.3 c.example.com
expect 1 create 203.0.113.4 d.example.com; rejected PTR_E_QUOTA DNS.0405 owner
has "$ERR" "quota of 2" "quota from the file"
expect 0 quota; has "$OUT" "2 of 2" "quota shows it"
# An owner's own limit in the database wins over the file's quota.
expect 0 quota --set 3; expect 0 create 203.0.113.4 d.example.com
expect 0 quota --clear

: > "$CONFIG"
expect 1 create 2001:db8::1 v6.example.com
printf 'ipv6 = true\n' > "$CONFIG"
expect 0 create 2001:db8::1 v6.example.com

printf 'default_name = host-{dashed}.isp.example.net\n' > "$CONFIG"
expect 0 resolve 198.51.100.9;  has "$OUT" "host-198-51-100-9.isp.example.net." "default_name used"
printf 'default_name = no-placeholder\n' > "$CONFIG"
expect 1 resolve 198.51.100.9

printf 'addresses = public-only\n' > "$CONFIG"
expect 1 create 10.1.2.3 p.example.com; rejected PTR_E_ADDR_FORBIDDEN DNS.0602 address
expect 0 create 10.1.2.3 p.example.com --addresses any; 

tags() { local t=; for i in $(seq 1 "$1"); do t="$t --tag k$i=v"; done; echo "$t"; }
: > "$CONFIG"
# shellcheck disable=SC2046
expect 1 create 198.51.100.20 t.example.com $(tags 15); rejected PTR_E_TAG_COUNT DNS.1001 tags
printf 'policy = otc\n' > "$CONFIG"
# OTC allows 20 tags (the store is opened with the same policy, so it reads them back too).
# shellcheck disable=SC2046
expect 0 create 198.51.100.20 t.example.com $(tags 15)
expect 0 show 198.51.100.20; has "$OUT" "k15" "the 15th tag read back"
# Read with Huawei's limits, the record is beyond them: named, not loaded.
: > "$CONFIG"
expect 3 show 198.51.100.20; has "$ERR" "15 tags, over the limit of 10" "another policy's record"
printf 'policy = otc\n' > "$CONFIG"
expect 0 delete 198.51.100.20
# shellcheck disable=SC2046
expect 1 create 198.51.100.20 t.example.com $(tags 21); rejected PTR_E_TAG_COUNT DNS.1001 tags

# Forward confirmation: a name without an address is refused (the system resolver answers).
printf 'forward_confirm = true\nforward_timeout = 10\n' > "$CONFIG"
expect 1 create 198.51.100.30 nothing.invalid
has "$ERR" "PTR_E_FORWARD" "a name that does not resolve back"
expect 1 show 198.51.100.30

# Zone settings: zone_ns, zone_contact, zone_ipv6_prefix.
printf 'ipv6 = true\nzone_ns = ns-a.example.net , ns-b.example.net\nzone_contact = dns@example.net\nzone_ipv6_prefix = 48\n' > "$CONFIG"
mkdir zones
expect 0 export-zone --out zones
z=zones/113.0.203.in-addr.arpa.zone
has "$(cat "$z")" "NS	ns-a.example.net." "first NS from zone_ns"
has "$(cat "$z")" "ns-b.example.net." "second NS from zone_ns"
has "$(cat "$z")" "dns.example.net." "contact from zone_contact"
[ -e zones/0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.zone ] || fail "a /48 IPv6 zone: $(ls zones)"
expect 0 export-zone --out zones --ns ns-c.example.net
has "$(cat "$z")" "ns-c.example.net." "--ns over zone_ns"
hasnt "$(cat "$z")" "ns-a.example.net." "--ns replaces zone_ns"
: > "$CONFIG"
expect 2 export-zone --out zones; has "$ERR" "give --ns NAME" "no placeholder name server"
finish
