#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, then builds a libptr-push consumer
# against it through find_package(libptr COMPONENTS push) and pkg-config libptr-push.
set -euo pipefail
build=$1 prefix=$2 cc=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
cmake -S "$here" -B "$prefix/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build "$prefix/cmake-build" >/dev/null
"$prefix/cmake-build/push_consumer"
libdir=$(dirname "$(find "$prefix" -name libptr-push.pc | head -n 1)")/..
export PKG_CONFIG_PATH=$libdir/pkgconfig
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Werror -o "$prefix/pc-shared" "$here/main.c" \
    $(pkg-config --cflags --libs libptr-push) -Wl,-rpath,"$(cd "$libdir" && pwd)"
"$prefix/pc-shared"
echo "libptr-push consumer built through find_package and pkg-config"
