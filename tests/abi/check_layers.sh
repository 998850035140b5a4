#!/usr/bin/env bash
# Keeps src/ layered as DESIGN.md draws it: a file of one layer's folder includes the
# internal headers of its own layer and the layers below it, never one above, and the
# adapters (sqlite, pg) include no core internals at all (they use the public API), but for
# util/bytebuf.h, a header-only buffer written on the public allocator alone.
#   check_layers.sh SRC_DIR
set -euo pipefail
src=$1
order=(util error addr name fields record store service zone)
rank() { local i; for i in "${!order[@]}"; do [ "${order[$i]}" = "$1" ] && { echo "$i"; return; }; done; echo -1; }
bad=0 n=0
while IFS= read -r f; do
    rel=${f#"$src"/}
    layer=${rel%%/*}
    [ "$layer" = "$rel" ] && continue   # files at the top (the version script)
    mine=$(rank "$layer")
    while IFS= read -r inc; do
        n=$((n + 1))
        target=${inc%%/*}
        [ "$target" = "$inc" ] && continue  # a header of the same folder
        [ "$target" = libptr ] && continue  # the public headers
        theirs=$(rank "$target")
        if [ "$mine" -lt 0 ] && [ "$inc" = util/bytebuf.h ]; then
            continue
        elif [ "$mine" -lt 0 ]; then
            echo "$rel: the adapter $layer includes the core's internal $inc"; bad=1
        elif [ "$theirs" -lt 0 ] || [ "$theirs" -gt "$mine" ]; then
            echo "$rel: layer $layer includes $inc from a layer above it"; bad=1
        fi
    done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done < <(find "$src" -name '*.[ch]' | sort)
[ "$bad" -eq 0 ] || exit 1
echo "layers: $n includes checked, none reaches up (order: ${order[*]})"
