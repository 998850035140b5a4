#!/usr/bin/env bash
# Runs README's "Running the API server" session as written and compares
# what it prints with what README shows. The block after the line
# <!-- session: ptrd --> holds "$ COMMAND" lines, each followed by its
# output. The commands run in order in one bash, in a scratch directory that
# holds a copy of examples/, with the built ptrd first on PATH, inside a
# private network namespace: port 8080 is free there whatever this machine runs.
#   check_readme_session.sh README SOURCE_DIR PTRD_BINARY
set -u
readme=$1 src=$2 ptrd=$3
block=$(awk '$0 == "<!-- session: ptrd -->" {found=1; next}
             found && /^```/ {if (inside) exit; inside=1; next} inside {print}' "$readme")
[ -n "$block" ] || { echo "no <!-- session: ptrd --> block in $readme"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ptrd-readme.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" && ln -s "$(cd "$(dirname "$ptrd")" && pwd)/$(basename "$ptrd")" "$work/bin/ptrd"
cp -r "$src/examples" "$work/examples"
# The script: each command, after a line naming it; the expected text the same way.
script=$work/session.sh expected=$work/expected
n=0
{
    echo 'set -u; cd "$1"; PATH="$1/bin:$PATH"'
    while IFS= read -r line; do
        case $line in
        '$ '*) n=$((n + 1)); printf 'echo "@@ %d"\n%s\n' "$n" "${line#\$ }" ;;
        esac
    done <<<"$block"
    # Whatever the session left running is stopped.
    echo 'kill $(jobs -p) 2>/dev/null; wait'
} >"$script"
n=0
while IFS= read -r line; do
    case $line in
    '$ '*) n=$((n + 1)); echo "@@ $n" ;;
    *) printf '%s\n' "$line" ;;
    esac
done <<<"$block" >"$expected"
if [ "$(id -u)" -eq 0 ]; then ns=(unshare -n); else ns=(unshare -rn); fi
"${ns[@]}" bash -c 'ip link set lo up && bash "$0" "$1"' "$script" "$work" >"$work/actual" 2>"$work/stderr"
[ -n "${PTRD_README_ACTUAL:-}" ] && cp "$work/actual" "$PTRD_README_ACTUAL"
if ! diff -u "$expected" "$work/actual"; then
    echo "README's ptrd session prints something else (above: - README, + actual); stderr:"
    cat "$work/stderr"
    exit 1
fi
echo "README: the ptrd session's $n commands print what README shows"
