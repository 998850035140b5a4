#!/usr/bin/env bash
# Keeps README.md honest: its example is examples/quickstart.c byte for byte, and the
# output it shows is what the built example prints.
set -euo pipefail
readme=$1 src=$2 exe=$3
block() { # the fenced block after the marker line $1
    awk -v m="$1" '$0 == m {found=1; next} found && /^```/ {if (inside) exit; inside=1; next} inside {print}' "$readme"
}
diff -u "$src" <(block "<!-- example: examples/quickstart.c -->") \
    || { echo "README example differs from $src"; exit 1; }
diff -u <(block "<!-- output: examples/quickstart.c -->") <("$exe") \
    || { echo "README shows other output than $exe prints"; exit 1; }
echo "README example and its output match examples/quickstart.c"
