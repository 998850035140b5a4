#!/usr/bin/env bash
# The man pages, docs/ptrctl.md and the shell completions agree with --help (issue 12): every
# command's --help text is in ptrctl(1) word for word, every command, option and configuration
# key of the program is in docs/ptrctl.md and in the pages, and the bash completion offers them.
#   test_docs.sh PTRCTL SRC MANDIR
. "$(dirname "$0")/lib.sh"
MAN=$3
DOC="$SRC/docs/ptrctl.md"
[ -s "$MAN/ptrctl.1" ] && [ -s "$MAN/ptrctl.conf.5" ] || { fail "no man pages in $MAN"; finish; }
# The page as text (roff escapes undone), to compare with what ptrctl prints.
page=$(sed -e 's/\\e/\\/g' -e 's/^\\&//' "$MAN/ptrctl.1")
commands=$("$PTRCTL" help --commands)
for c in $commands; do
    text=$("$PTRCTL" help "$c" | sed '$d')
    has "$page" "$text" "ptrctl(1) holds '$c --help' as it is"
    has "$(cat "$DOC")" "$c" "docs/ptrctl.md names the command $c"
    for o in $("$PTRCTL" help --options "$c"); do
        has "$(cat "$DOC")" "$o" "docs/ptrctl.md has $c's option $o"
    done
done
has "$page" "$("$PTRCTL" --help | sed '1,/^$/d')" "ptrctl(1) holds the overview"
for o in $("$PTRCTL" help --options); do has "$(cat "$DOC")" "$o" "docs/ptrctl.md has the global option $o"; done
conf=$(cat "$MAN/ptrctl.conf.5")
while IFS=$'\t' read -r key _; do
    has "$conf" ".B $key" "ptrctl.conf(5) has the key $key"
    has "$(cat "$DOC")" "\`$key\`" "docs/ptrctl.md has the key $key"
done < <("$PTRCTL" help --config-keys)
if command -v groff >/dev/null; then
    CHECKS=$((CHECKS + 1))
    w=$(groff -man -Tutf8 -ww -z "$MAN/ptrctl.1" "$MAN/ptrctl.conf.5" 2>&1)
    [ -z "$w" ] || fail "groff warnings: $w"
fi
expect 2 help --bogus

# bash completion: commands, global options, a command's options, values.
complete_words() { # complete_words WORD...: the completions offered for the last word
    ( PATH="$(dirname "$PTRCTL"):$PATH"
      complete() { :; }
      # shellcheck disable=SC1091
      . "$SRC/ptrctl/doc/ptrctl.bash"
      COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
      _ptrctl; printf '%s\n' "${COMPREPLY[@]}" )
}
eq "$(complete_words ptrctl ex | tr '\n' ' ')" "export export-zone " "commands"
has "$(complete_words ptrctl --d | tr '\n' ' ')" "--db" "global options"
eq "$(complete_words ptrctl --json import --max | tr '\n' ' ')" "--max-errors " "a command's options"
has "$(complete_words ptrctl list --ow | tr '\n' ' ')" "--owner" "global options after the command"
eq "$(complete_words ptrctl -o c | tr '\n' ' ')" "csv " "-o values"
eq "$(complete_words ptrctl config s | tr '\n' ' ')" "show " "config show"
eq "$(complete_words ptrctl export-zone --cl | tr '\n' ' ')" "--classless " "export-zone --classless"
if command -v zsh >/dev/null; then
    CHECKS=$((CHECKS + 1))
    zsh -n "$SRC/ptrctl/doc/_ptrctl" || fail "the zsh completion does not parse"
fi
finish
