#!/usr/bin/env bash
# Keeps README.md honest: every block marked <!-- example: examples/X.c --> is that file
# byte for byte, and every block marked <!-- output: examples/X.c --> is what the built
# example X prints.
#   check_readme.sh README SOURCE_DIR EXAMPLES_BUILD_DIR
set -euo pipefail
readme=$1 src=$2 bin=$3
block() { # the fenced block after the marker line $1
    awk -v m="$1" '$0 == m {found=1; next} found && /^```/ {if (inside) exit; inside=1; next} inside {print}' "$readme"
}
n=0
while IFS= read -r path; do
    diff -u "$src/$path" <(block "<!-- example: $path -->") \
        || { echo "README's copy of $path differs from the file"; exit 1; }
    n=$((n + 1))
done < <(sed -n 's/^<!-- example: \(.*\) -->$/\1/p' "$readme")
while IFS= read -r path; do
    exe=$bin/$(basename "$path" .c)
    diff -u <(block "<!-- output: $path -->") <("$exe") \
        || { echo "README shows other output than $exe prints"; exit 1; }
    n=$((n + 1))
done < <(sed -n 's/^<!-- output: \(.*\) -->$/\1/p' "$readme")
[ "$n" -gt 0 ] || { echo "no marked examples in $readme"; exit 1; }
echo "README: $n marked examples and outputs match the files and programs"
