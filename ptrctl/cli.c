/*
 * Command-line helpers shared by the commands. Options may come before or
 * after the positional arguments ("create IP NAME --ttl 60" and
 * "create --ttl 60 IP NAME"), each as "--opt VALUE" or "--opt=VALUE", and
 * "--" ends the options, so a value that starts with "-" can be passed.
 */
#include <string.h>

#include "import_parse.h"
#include "ptrctl.h"

int cli_flag(const char *arg, const char *name)
{
    return strcmp(arg, name) == 0;
}

int cli_is_help(const char *s)
{
    return strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0;
}

int cli_opt(const ptrctl *c, int argc, char **argv, int *i, const char *name, const char **val)
{
    const char *a = argv[*i];
    const size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        ptrctl_usage(c, "%s needs a value", name);
        return -1;
    }
    *i += 1;
    *val = argv[*i];
    return 1;
}

int cli_ttl(const ptrctl *c, const char *s, int64_t *out)
{
    if (ptrctl_ttl_value(s, strlen(s), out) != PTR_OK) {
        ptr_error err;
        ptr_error_clear(&err);
        err.status = PTR_E_TTL;
        err.field = PTR_FIELD_TTL;
        snprintf(err.message, sizeof err.message,
                 "not a TTL: give seconds (300) or units s, m, h, d, w (5m, 1h30m)");
        return ptrctl_fail(c, PTR_E_TTL, &err);
    }
    return PTRCTL_EXIT_OK;
}

int cli_count(const ptrctl *c, const char *opt, const char *s, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return ptrctl_usage(c, "%s needs a number", opt);
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return ptrctl_usage(c, "%s takes a number, not '%s'", opt, s);
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > max)
            return ptrctl_usage(c, "%s is at most %u", opt, (unsigned)max);
    }
    *out = (uint32_t)v;
    return PTRCTL_EXIT_OK;
}

void cli_tag(const char *s, ptr_tag *out)
{
    const char *eq = strchr(s, '=');
    out->key = s;
    if (eq) {
        out->key_len = (size_t)(eq - s);
        out->value = eq + 1;
        out->value_len = strlen(eq + 1);
    } else {
        out->key_len = strlen(s);
        out->value = NULL;
        out->value_len = 0;
    }
}

int cli_unknown(const ptrctl *c, const char *arg)
{
    static const char *const global[] = {"--db",    "--region",    "--project",
                                         "--owner", "--addresses", "--json"};
    for (size_t i = 0; i < sizeof global / sizeof global[0]; i++) {
        const size_t n = strlen(global[i]);
        if (strncmp(arg, global[i], n) == 0 && (arg[n] == '\0' || arg[n] == '='))
            return ptrctl_usage(c, "%s is a global option: put it before the command", global[i]);
    }
    return ptrctl_usage(c, "unknown option '%s'", arg);
}

/*
 * Edit distance of two short words, a swap of two neighbours counting as one
 * edit (optimal string alignment): "lsit" is one slip from "list". Longer
 * words are never near anything.
 */
static size_t distance(const char *a, const char *b)
{
    const size_t n = strlen(a), m = strlen(b);
    if (n > 40 || m > 40)
        return (size_t)-1;
    size_t d[41][41];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *ptrctl_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        const size_t d = distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    /* Close enough to be a slip of the fingers: two edits, one for short words. */
    const size_t len = strlen(word);
    return best && best_d <= (len <= 4 ? 1u : 2u) ? best : NULL;
}
