#!/usr/bin/env bash
# The contract holds for an installed ptrctl: install the build tree into a
# scratch prefix and run the command suite against PREFIX/bin/ptrctl.
set -eu
build=$1 prefix=$2
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
[ -x "$prefix/bin/ptrctl" ] || { echo "FAIL: $prefix/bin/ptrctl was not installed" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/test_commands.sh" "$prefix/bin/ptrctl" "$(cd "$here/../.." && pwd)"
