#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, then builds tests/consumer against the
# installed tree twice: through find_package(libptr) and through pkg-config (shared and static).
set -euo pipefail
build=$1 prefix=$2 cc=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null

cmake -S "$here" -B "$prefix/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build "$prefix/cmake-build" >/dev/null
"$prefix/cmake-build/consumer"

libdir=$(dirname "$(find "$prefix" -name libptr.pc | head -n 1)")/..
export PKG_CONFIG_PATH=$libdir/pkgconfig
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Werror -o "$prefix/pc-shared" "$here/main.c" $(pkg-config --cflags --libs libptr) \
    -Wl,-rpath,"$(cd "$libdir" && pwd)"
"$prefix/pc-shared"
# Static: the same flags, with libptr taken from libptr.a (Libs.private come along).
static_libs=$(pkg-config --libs --static libptr | sed 's/-lptr/-Wl,-Bstatic -lptr -Wl,-Bdynamic/')
# shellcheck disable=SC2046,SC2086
"$cc" -std=c11 -Wall -Werror -o "$prefix/pc-static" "$here/main.c" \
    $(pkg-config --cflags --static libptr) $static_libs
"$prefix/pc-static"
echo "consumer built through find_package and pkg-config (shared and static)"
