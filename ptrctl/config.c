/*
 * The settings: one table of keys, each of which may come from the
 * configuration file, the environment or a global option (the later wins),
 * else its default; each setting remembers where it came from for
 * `ptrctl config show`. The file is found by --config FILE, PTRCTL_CONFIG,
 * $XDG_CONFIG_HOME/ptrctl/config (~/.config when unset), /etc/ptrctl.conf,
 * in that order; only the first that exists is read. Format and keys:
 * docs/ptrctl.md, "Configuration"; a wrong line stops ptrctl with its
 * number, never a guess.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ptrctl.h"

/* A configuration file larger than this is not one (it holds a few dozen short lines). */
#define CONFIG_MAX_BYTES (1u << 20)

const ptrctl_key_info PTRCTL_KEYS[PTRCTL_K_COUNT] = {
    [PTRCTL_K_DB] = {"db", "PTRCTL_DB", "--db", PTRCTL_DEFAULT_DB, PTRCTL_V_TEXT,
                     "SQLite database file"},
    [PTRCTL_K_REGION] = {"region", "PTRCTL_REGION", "--region", PTRCTL_DEFAULT_REGION,
                         PTRCTL_V_TEXT, "region"},
    [PTRCTL_K_PROJECT] = {"project", "PTRCTL_PROJECT", "--project", PTRCTL_DEFAULT_PROJECT,
                          PTRCTL_V_TEXT, "project"},
    [PTRCTL_K_OWNER] = {"owner", "PTRCTL_OWNER", "--owner", PTRCTL_DEFAULT_OWNER, PTRCTL_V_TEXT,
                        "account charged (quota)"},
    [PTRCTL_K_ADDRESSES] = {"addresses", "PTRCTL_ADDRESSES", "--addresses", "no-special",
                            PTRCTL_V_ADDRESSES,
                            "addresses that may get a record: any, no-special, no-private, "
                            "public-only"},
    [PTRCTL_K_OUTPUT] = {"output", "PTRCTL_OUTPUT", "--output", "table", PTRCTL_V_OUTPUT,
                         "output format: table, json, csv"},
    [PTRCTL_K_POLICY] = {"policy", "PTRCTL_POLICY", NULL, "huawei", PTRCTL_V_POLICY,
                         "limits of which cloud: huawei (10 tags) or otc (20 tags)"},
    [PTRCTL_K_QUOTA] = {"quota", NULL, NULL, "50", PTRCTL_V_COUNT,
                        "records per owner (an owner's own limit in the database wins)"},
    [PTRCTL_K_MAX_NAMES] = {"max_names", NULL, NULL, "10", PTRCTL_V_COUNT, "names per record"},
    [PTRCTL_K_IPV6] = {"ipv6", NULL, NULL, "false", PTRCTL_V_BOOL,
                       "accept IPv6 addresses: true or false"},
    [PTRCTL_K_FORWARD_CONFIRM] = {"forward_confirm", NULL, NULL, "false", PTRCTL_V_BOOL,
                                  "each name must resolve back to the address (system "
                                  "resolver): true or false"},
    [PTRCTL_K_FORWARD_TIMEOUT] = {"forward_timeout", NULL, NULL, "5", PTRCTL_V_COUNT,
                                  "seconds a forward lookup may take"},
    [PTRCTL_K_DEFAULT_NAME] = {"default_name", NULL, NULL, PTR_DEFAULT_NAME_TEMPLATE, PTRCTL_V_TEXT,
                               "name of an address without a record ({dashed}, {a}..{d}, {hex})"},
    [PTRCTL_K_ZONE_NS] = {"zone_ns", NULL, "--ns", "", PTRCTL_V_TEXT,
                          "export-zone's name servers, comma-separated"},
    [PTRCTL_K_ZONE_CONTACT] = {"zone_contact", NULL, "--contact", "hostmaster@example.com",
                               PTRCTL_V_TEXT, "export-zone's SOA contact mailbox"},
    [PTRCTL_K_ZONE_IPV6_PREFIX] = {"zone_ipv6_prefix", NULL, NULL, "64", PTRCTL_V_PREFIX,
                                   "export-zone's IPv6 zone cut, a multiple of 4 in 4..124"},
};

int ptrctl_key_find(const char *name, size_t len)
{
    for (int k = 0; k < PTRCTL_K_COUNT; k++)
        if (strlen(PTRCTL_KEYS[k].name) == len && memcmp(PTRCTL_KEYS[k].name, name, len) == 0)
            return k;
    return -1;
}

int ptrctl_bool(const char *s, int *out)
{
    if (strcmp(s, "true") == 0)
        *out = 1;
    else if (strcmp(s, "false") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

/* Is the value right for its key? NULL when it is, else why not (static text). */
static const char *check_value(int key, const char *v)
{
    switch (PTRCTL_KEYS[key].kind) {
    case PTRCTL_V_TEXT: return NULL;
    case PTRCTL_V_ADDRESSES: {
        ptrctl_addresses a;
        return ptrctl_addresses_parse(v, &a) == 0 ? NULL
                                                  : "is any, no-special, no-private or public-only";
    }
    case PTRCTL_V_OUTPUT:
        return strcmp(v, "table") == 0 || strcmp(v, "json") == 0 || strcmp(v, "csv") == 0
                   ? NULL
                   : "is table, json or csv";
    case PTRCTL_V_POLICY:
        return strcmp(v, "huawei") == 0 || strcmp(v, "otc") == 0 ? NULL : "is huawei or otc";
    case PTRCTL_V_BOOL: {
        int b;
        return ptrctl_bool(v, &b) == 0 ? NULL : "is true or false";
    }
    case PTRCTL_V_COUNT:
    case PTRCTL_V_PREFIX: {
        uint64_t n = 0;
        if (!*v)
            return "needs a number";
        for (const char *p = v; *p; p++) {
            if (*p < '0' || *p > '9')
                return "is a whole number";
            n = n * 10 + (uint64_t)(*p - '0');
            if (n > 4294967295u)
                return "is at most 4294967295";
        }
        if (PTRCTL_KEYS[key].kind == PTRCTL_V_PREFIX && (n < 4 || n > 124 || n % 4))
            return "is a multiple of 4 from 4 to 124";
        return NULL;
    }
    }
    return NULL;
}

uint32_t ptrctl_setting_u32(const ptrctl *c, int key)
{
    uint64_t n = 0;
    for (const char *p = c->set[key].value; *p; p++)
        n = n * 10 + (uint64_t)(*p - '0');
    return (uint32_t)n;
}

/* A bad value: named by where it came from ("--db", "PTRCTL_DB" or "FILE:LINE: db"). */
static int bad_value(const ptrctl *c, int key, const char *value, const char *source,
                     const char *why)
{
    if (strncmp(source, "option ", 7) == 0)
        return ptrctl_usage(c, "%s %s, not '%s'", source + 7, why, value);
    if (strncmp(source, "environment ", 12) == 0)
        return ptrctl_usage(c, "%s %s, not '%s'", source + 12, why, value);
    return ptrctl_usage(c, "%s: %s %s, not '%s'", source, PTRCTL_KEYS[key].name, why, value);
}

int ptrctl_set(ptrctl *c, int key, const char *value, const char *source)
{
    /* The file's values are checked as they are read (a wrong line is an error even when an
     * option overrides it); the environment's and the options' once the last has won. */
    if (strncmp(source, "option ", 7) != 0 && strncmp(source, "environment ", 12) != 0) {
        const char *why = check_value(key, value);
        if (why)
            return bad_value(c, key, value, source, why);
    }
    c->set[key].value = value;
    snprintf(c->set[key].source, sizeof c->set[key].source, "%s", source);
    return PTRCTL_EXIT_OK;
}

int ptrctl_config_check(const ptrctl *c)
{
    for (int k = 0; k < PTRCTL_K_COUNT; k++) {
        const char *why = check_value(k, c->set[k].value);
        if (why)
            return bad_value(c, k, c->set[k].value, c->set[k].source, why);
    }
    return PTRCTL_EXIT_OK;
}

static char *trim(char *s, char **end)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        e--;
    *e = '\0';
    if (end)
        *end = e;
    return s;
}

/* Read the file's lines into the settings; the text stays for the values to point into. */
static int load(ptrctl *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ptrctl_usage(c, "cannot read the configuration file '%s': %s", path,
                            strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > CONFIG_MAX_BYTES) {
        fclose(f);
        return ptrctl_usage(c,
                            "the configuration file '%s' is not a regular file of at most %u "
                            "bytes",
                            path, CONFIG_MAX_BYTES);
    }
    char *text = malloc((size_t)sb.st_size + 1);
    size_t n = text ? fread(text, 1, (size_t)sb.st_size, f) : 0;
    const int bad = !text || ferror(f);
    fclose(f);
    if (bad) {
        free(text);
        return ptrctl_usage(c, "cannot read the configuration file '%s'", path);
    }
    text[n] = '\0';
    c->config_text = text;
    unsigned line = 0;
    for (char *p = text, *next; p && *p; p = next) {
        line++;
        char *nl = strchr(p, '\n');
        next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        if (strlen(p) != (size_t)((nl ? nl : text + n) - p))
            return ptrctl_usage(c, "%s:%u: a NUL byte in the line", path, line);
        char *s = trim(p, NULL);
        if (*s == '\0' || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            return ptrctl_usage(c, "%s:%u: not 'key = value': '%s'", path, line, s);
        *eq = '\0';
        char *key = trim(s, NULL), *value = trim(eq + 1, NULL);
        const int k = ptrctl_key_find(key, strlen(key));
        if (k < 0) {
            const char *names[PTRCTL_K_COUNT];
            for (int j = 0; j < PTRCTL_K_COUNT; j++)
                names[j] = PTRCTL_KEYS[j].name;
            const char *near = ptrctl_suggest(key, names, PTRCTL_K_COUNT);
            return ptrctl_usage(c, "%s:%u: unknown key '%s'%s%s%s", path, line, key,
                                near ? " (did you mean '" : "", near ? near : "",
                                near ? "'?)" : "");
        }
        char source[PTRCTL_SOURCE_MAX];
        snprintf(source, sizeof source, "%s:%u", path, line);
        const int rc = ptrctl_set(c, k, value, source);
        if (rc)
            return rc;
    }
    return PTRCTL_EXIT_OK;
}

int ptrctl_config_load(ptrctl *c, const char *option_path)
{
    for (int k = 0; k < PTRCTL_K_COUNT; k++) {
        c->set[k].value = PTRCTL_KEYS[k].dflt;
        snprintf(c->set[k].source, sizeof c->set[k].source, "default");
    }
    /* An explicit file must exist; the usual places are only looked at. */
    const char *path = option_path;
    if (!path) {
        const char *e = getenv("PTRCTL_CONFIG");
        if (e && *e)
            path = e;
    }
    if (path) {
        snprintf(c->config_path, sizeof c->config_path, "%s", path);
        return load(c, path);
    }
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char user[PTRCTL_SOURCE_MAX] = "";
    if (xdg && *xdg == '/')
        snprintf(user, sizeof user, "%s/ptrctl/config", xdg);
    else if (home && *home == '/')
        snprintf(user, sizeof user, "%s/.config/ptrctl/config", home);
    const char *places[] = {user, "/etc/ptrctl.conf"};
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        struct stat sb;
        if (!places[i][0] || stat(places[i], &sb) != 0)
            continue;
        snprintf(c->config_path, sizeof c->config_path, "%s", places[i]);
        return load(c, places[i]);
    }
    return PTRCTL_EXIT_OK;
}

int ptrctl_config_env(ptrctl *c)
{
    for (int k = 0; k < PTRCTL_K_COUNT; k++) {
        const char *var = PTRCTL_KEYS[k].env;
        const char *v = var ? getenv(var) : NULL;
        if (!v || !*v)
            continue;
        char source[PTRCTL_SOURCE_MAX];
        snprintf(source, sizeof source, "environment %s", var);
        const int rc = ptrctl_set(c, k, v, source);
        if (rc)
            return rc;
    }
    return PTRCTL_EXIT_OK;
}

/* config show: every setting, its value and where it came from. */
int cmd_config(ptrctl *c, int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "show") != 0 || argc > 2)
        return ptrctl_usage(c, "config takes one subcommand: show");
    if (c->json) {
        fputs("{\"file\": ", stdout);
        if (c->config_path[0])
            jwrite_cstr(stdout, c->config_path);
        else
            fputs("null", stdout);
        fputs(", \"settings\": {", stdout);
        for (int k = 0; k < PTRCTL_K_COUNT; k++) {
            printf("%s", k ? ", " : "");
            jwrite_cstr(stdout, PTRCTL_KEYS[k].name);
            fputs(": {\"value\": ", stdout);
            jwrite_cstr(stdout, c->set[k].value);
            fputs(", \"source\": ", stdout);
            jwrite_cstr(stdout, c->set[k].source);
            fputc('}', stdout);
        }
        fputs("}}\n", stdout);
        return PTRCTL_EXIT_OK;
    }
    printf("# configuration file: %s\n", c->config_path[0] ? c->config_path : "(none)");
    for (int k = 0; k < PTRCTL_K_COUNT; k++)
        printf("%-17s = %-36s # %s\n", PTRCTL_KEYS[k].name, c->set[k].value, c->set[k].source);
    return PTRCTL_EXIT_OK;
}
