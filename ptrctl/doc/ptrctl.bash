# bash completion for ptrctl. The words come from ptrctl itself (help --commands, --options,
# --config-keys), so they are always those of the installed version.
_ptrctl() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= w i
    local prog=${COMP_WORDS[0]}
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        --db|--region|--project|--owner|--addresses|--output|-o|--config) ((i++)) ;;
        -*) ;;
        *) cmd=$w; break ;;
        esac
    done
    case $prev in
    --db|--config|--out) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --addresses) COMPREPLY=($(compgen -W "any no-special no-private public-only" -- "$cur")); return ;;
    --output|-o) COMPREPLY=($(compgen -W "table json csv" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "csv jsonl" -- "$cur")); return ;;
    esac
    if [ -z "$cmd" ]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$("$prog" help --options 2>/dev/null)" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$("$prog" help --commands 2>/dev/null) help" -- "$cur"))
        fi
    elif [ "$cmd" = config ]; then
        COMPREPLY=($(compgen -W "show" -- "$cur"))
    elif [ "$cmd" = help ]; then
        COMPREPLY=($(compgen -W "$("$prog" help --commands 2>/dev/null)" -- "$cur"))
    elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$("$prog" help --options "$cmd" 2>/dev/null) $("$prog" help --options 2>/dev/null)" -- "$cur"))
    elif [ "$cmd" = import ]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _ptrctl ptrctl
