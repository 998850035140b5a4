#!/usr/bin/env bash
# Compares the dynamic symbols the shared library exports with the checked-in list.
# A new public function means adding it to symbols.txt in the same commit; a removed
# or renamed one is an ABI break (bump PTR_ABI_VERSION).
set -euo pipefail
lib=$1 expected=$2
actual=$(nm -D --defined-only --extern-only "$lib" | awk '{print $3}' | sed 's/@.*//' \
         | grep -v '^LIBPTR_' | LC_ALL=C sort -u)
bad=$(printf '%s\n' "$actual" | grep -v '^ptr_[a-z0-9_]*$' || true)
if [ -n "$bad" ]; then
    echo "exported symbols outside ptr_*:"; echo "$bad"; exit 1
fi
internal=$(printf '%s\n' "$actual" | grep '^ptr__' || true)
if [ -n "$internal" ]; then
    echo "internal ptr__ symbols are exported:"; echo "$internal"; exit 1
fi
if ! diff -u <(LC_ALL=C sort -u "$expected") <(printf '%s\n' "$actual"); then
    echo "exported symbols differ from $expected (- expected, + actual)"; exit 1
fi
echo "exported symbols: $(printf '%s\n' "$actual" | wc -l), all listed in $(basename "$expected")"
