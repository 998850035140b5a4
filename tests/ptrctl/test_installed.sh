#!/usr/bin/env bash
# The contract holds for an installed ptrctl: install the build tree into a
# scratch prefix and run the command suite against PREFIX/bin/ptrctl.
set -eu
build=$1 prefix=$2
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
[ -x "$prefix/bin/ptrctl" ] || { echo "FAIL: $prefix/bin/ptrctl was not installed" >&2; exit 1; }
# The man pages and completions are installed with it (issue 12).
for f in share/man/man1/ptrctl.1 share/man/man5/ptrctl.conf.5 \
         share/bash-completion/completions/ptrctl share/zsh/site-functions/_ptrctl; do
    [ -s "$prefix/$f" ] || { echo "FAIL: $prefix/$f was not installed" >&2; exit 1; }
done
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/test_commands.sh" "$prefix/bin/ptrctl" "$(cd "$here/../.." && pwd)"
