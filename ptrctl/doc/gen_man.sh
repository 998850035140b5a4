#!/usr/bin/env bash
# ptrctl(1) and ptrctl.conf(5) made from the built ptrctl's own --help texts and settings table
# (help.c, config.c), so the pages cannot drift from what the program says.
#   gen_man.sh PTRCTL OUTDIR VERSION
set -euo pipefail
ptrctl=$1 out=$2 version=$3
mkdir -p "$out"
# The texts must not depend on the machine's configuration: an empty one of its own.
PTRCTL_CONFIG=$(mktemp)
export PTRCTL_CONFIG
trap 'rm -f "$PTRCTL_CONFIG"' EXIT
# roff-safe verbatim text: backslashes escaped, a leading '.' or "'" made literal.
verbatim() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
{
    echo ".TH PTRCTL 1 \"\" \"libptr $version\" \"User Commands\""
    echo ".SH NAME"
    echo "ptrctl \\- manage reverse-DNS (PTR) records of public IP addresses"
    echo ".SH SYNOPSIS"
    echo ".nf"
    "$ptrctl" --help | sed -n '1,/^$/p' | verbatim
    echo ".fi"
    echo ".SH DESCRIPTION"
    echo ".nf"
    "$ptrctl" --help | sed '1,/^$/d' | verbatim
    echo ".fi"
    echo ".SH COMMANDS"
    for c in $("$ptrctl" help --commands); do
        echo ".SS $c"
        echo ".nf"
        "$ptrctl" help "$c" | sed '$d' | verbatim
        echo ".fi"
    done
    echo ".SH FILES"
    echo "The configuration file: see"
    echo ".BR ptrctl.conf (5)."
    echo ".SH SEE ALSO"
    echo ".BR ptrctl.conf (5),"
    echo ".BR named-checkzone (1),"
    echo ".BR knotd (8)"
} > "$out/ptrctl.1"
{
    echo ".TH PTRCTL.CONF 5 \"\" \"libptr $version\" \"File Formats\""
    echo ".SH NAME"
    echo "ptrctl.conf \\- the configuration file of ptrctl"
    echo ".SH DESCRIPTION"
    echo "ptrctl reads the first of: the file named by \\fB\\-\\-config\\fR, by \\fBPTRCTL_CONFIG\\fR,"
    echo "\\fI\$XDG_CONFIG_HOME/ptrctl/config\\fR (\\fI~/.config/ptrctl/config\\fR when"
    echo "XDG_CONFIG_HOME is unset), \\fI/etc/ptrctl.conf\\fR."
    echo "Lines are \\fIkey\\fR = \\fIvalue\\fR; blank lines and lines starting with # are ignored."
    echo "An option or environment variable wins over the file."
    echo "An unknown key or a bad value is an error naming the file and the line."
    echo "\\fBptrctl config show\\fR prints every setting and where it came from."
    echo ".SH KEYS"
    "$ptrctl" help --config-keys | while IFS=$'\t' read -r key text; do
        echo ".TP"
        echo ".B $key"
        printf '%s\n' "$text" | verbatim
    done
    echo ".SH SEE ALSO"
    echo ".BR ptrctl (1)"
} > "$out/ptrctl.conf.5"
