#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, then builds tests/sqlite_consumer against
# it through find_package(libptr COMPONENTS sqlite) and through pkg-config libptr-sqlite
# (shared and static), and checks that a core-only program does not link SQLite.
set -euo pipefail
build=$1 prefix=$2 cc=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null

cmake -S "$here" -B "$prefix/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build "$prefix/cmake-build" >/dev/null
"$prefix/cmake-build/sqlite_consumer"
"$prefix/cmake-build/sqlite_consumer_static"

libdir=$(cd "$(dirname "$(find "$prefix" -name libptr-sqlite.pc | head -n 1)")/.." && pwd)
export PKG_CONFIG_PATH=$libdir/pkgconfig
# No --define-variable: both .pc files must find the scratch prefix themselves (issue 12: the
# SQLite one pointed at /usr/local whatever --prefix was).
pc() { pkg-config "$@"; }
real=$(cd "$prefix" && pwd -P)
for m in libptr libptr-sqlite; do
    got=$(cd "$(pkg-config --variable=prefix "$m")" 2>/dev/null && pwd -P || echo "(missing)")
    [ "$got" = "$real" ] || { echo "$m.pc: prefix $got, want $real"; exit 1; }
    inc=$(pkg-config --variable=includedir "$m")
    [ -e "$inc/libptr/libptr.h" ] || { echo "$m.pc: includedir $inc has no libptr/libptr.h"; exit 1; }
done
# shellcheck disable=SC2046
"$cc" -std=c11 -Wall -Werror -o "$prefix/pc-shared" "$here/main.c" $(pc --cflags --libs libptr-sqlite) \
    -Wl,-rpath,"$libdir"
"$prefix/pc-shared"
static_libs=$(pc --libs --static libptr-sqlite \
              | sed -e 's/-lptr-sqlite/-Wl,-Bstatic -lptr-sqlite -Wl,-Bdynamic/' \
                    -e 's/-lptr /-Wl,-Bstatic -lptr -Wl,-Bdynamic /')
# shellcheck disable=SC2046,SC2086
"$cc" -std=c11 -Wall -Werror -o "$prefix/pc-static" "$here/main.c" \
    $(pc --cflags --static libptr-sqlite) $static_libs
"$prefix/pc-static"

# Linking the core alone never pulls SQLite in.
if pc --libs --static libptr | grep -q -- -lsqlite3; then
    echo "libptr.pc mentions sqlite"; exit 1
fi
if readelf -d "$libdir/libptr.so" | grep -q libsqlite3; then
    echo "libptr.so needs SQLite"; exit 1
fi
echo "SQLite store consumer built through find_package and pkg-config (shared and static)"
