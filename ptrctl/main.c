/*
 * ptrctl: global options (from the command line, else the environment, else
 * the defaults), opening the database and the service, and dispatch to the
 * commands. The syntax is a contract with scripts outside this repository:
 * see docs/ptrctl.md before changing anything here.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libptr/sqlite.h>

#include "ptrctl.h"

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v && *v ? v : dflt;
}

static int env_flag(const char *name)
{
    const char *v = getenv(name);
    return v && *v && strcmp(v, "0") != 0;
}

/*
 * Region, project and owner as the library takes them (service.h, ptr_scope:
 * 1..64 bytes of ASCII letters, digits and "-_."). Checked before any
 * command opens the database, so that a command that does not pass the
 * scope to the library (quota, export-zone) refuses a bad one too instead of
 * answering for a region or project that cannot exist.
 */
static int scope_check(const ptrctl *c)
{
    const struct {
        const char *s;
        ptr_field field;
    } parts[] = {{c->region, PTR_FIELD_REGION},
                 {c->project, PTR_FIELD_PROJECT},
                 {c->owner, PTR_FIELD_OWNER}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const char *s = parts[i].s;
        const size_t n = strlen(s);
        size_t bad = 0;
        while (bad < n && (isalnum((unsigned char)s[bad]) || strchr("-_.", s[bad])) &&
               (unsigned char)s[bad] < 0x80)
            bad++;
        if (n >= 1 && n <= 64 && bad == n)
            continue;
        ptr_error err;
        ptr_error_clear(&err);
        err.status = PTR_E_INVAL;
        err.field = parts[i].field;
        err.offset = bad < n ? bad : 0;
        snprintf(err.message, sizeof err.message, "%s",
                 n == 0 || n > 64 ? "1 to 64 characters"
                                  : "only letters, digits, '-', '_' and '.' are allowed");
        return ptrctl_fail(c, PTR_E_INVAL, &err);
    }
    return PTRCTL_EXIT_OK;
}

int ptrctl_open(ptrctl *c)
{
    ptr_error err;
    ptr_error_clear(&err);
    const int rc = scope_check(c);
    if (rc)
        return rc;
    ptr_policy policy;
    ptr_policy_init(&policy);
    if (c->addresses == PTRCTL_ADDR_PUBLIC_ONLY)
        policy.options |= PTR_POLICY_PUBLIC_ONLY;
    ptr_status st;
    if (ptrctl_db_is_pg(c->db)) {
        st = ptrctl_db_open_pg(c->db, &c->store, &err);
    } else {
        ptr_sqlite_options o;
        ptr_sqlite_options_init(&o);
        o.policy = &policy; /* the store refuses rows beyond the limits the context enforces */
        /* Commands that only read may go past a damaged row; they say so (ptrctl_report_skipped). */
        if (strcmp(c->command, "list") == 0 || strcmp(c->command, "export-zone") == 0)
            o.flags |= PTR_SQLITE_SKIP_CORRUPT;
        st = ptr_sqlite_store_open(c->db, strlen(c->db), &o, &c->store, &err);
    }
    if (st != PTR_OK) {
        /* The reason comes from the database; say which one it was about, without a password. */
        char msg[sizeof err.message], db[512];
        snprintf(msg, sizeof msg, "%s", err.message[0] ? err.message : ptr_strerror(st));
        ptrctl_db_display(c->db, db, sizeof db);
        /* A long path may cut the reason short: the message is one line of fixed size. */
        if (snprintf(err.message, sizeof err.message, "cannot open database '%s': %s", db, msg) <
            0)
            err.message[0] = '\0';
        err.status = st;
        c->store = NULL;
        return ptrctl_fail(c, st, &err);
    }
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = c->store;
    cfg.policy = &policy;
    st = ptr_ctx_new(&cfg, &c->ctx, &err);
    if (st != PTR_OK) {
        ptr_store_free(c->store);
        c->store = NULL;
        return ptrctl_fail(c, st, &err);
    }
    c->scope.region = (ptr_text){c->region, strlen(c->region)};
    c->scope.project = (ptr_text){c->project, strlen(c->project)};
    c->scope.owner = (ptr_text){c->owner, strlen(c->owner)};
    return PTRCTL_EXIT_OK;
}

typedef struct command {
    const char *name;
    int (*run)(ptrctl *c, int argc, char **argv);
} command;

static const command COMMANDS[] = {
    {"create", cmd_create}, {"show", cmd_show},     {"list", cmd_list},
    {"update", cmd_update}, {"delete", cmd_delete}, {"resolve", cmd_resolve},
    {"quota", cmd_quota},   {"import", cmd_import}, {"export-zone", cmd_export_zone},
};

int main(int argc, char **argv)
{
    ptrctl c;
    memset(&c, 0, sizeof c);
    c.db = env_or("PTRCTL_DB", PTRCTL_DEFAULT_DB);
    c.region = env_or("PTRCTL_REGION", PTRCTL_DEFAULT_REGION);
    c.project = env_or("PTRCTL_PROJECT", PTRCTL_DEFAULT_PROJECT);
    c.owner = env_or("PTRCTL_OWNER", PTRCTL_DEFAULT_OWNER);
    c.json = env_flag("PTRCTL_JSON");
    c.addresses = PTRCTL_ADDR_NO_SPECIAL;
    /* --json anywhere among the global options: a usage error before it is reported as JSON too. */
    for (int k = 1; k < argc && argv[k][0] == '-'; k++)
        if (cli_flag(argv[k], "--json"))
            c.json = 1;
    const char *addresses = NULL;

    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *v = NULL;
        int r;
        if (cli_is_help(argv[i])) {
            ptrctl_help(stdout, NULL);
            return PTRCTL_EXIT_OK;
        }
        if (cli_flag(argv[i], "--version")) {
            printf("ptrctl (libptr %s)\n", ptr_version());
            return PTRCTL_EXIT_OK;
        }
        if (cli_flag(argv[i], "--json")) {
            c.json = 1;
            continue;
        }
        if ((r = cli_opt(&c, argc, argv, &i, "--db", &v)) != 0)
            c.db = v;
        else if ((r = cli_opt(&c, argc, argv, &i, "--region", &v)) != 0)
            c.region = v;
        else if ((r = cli_opt(&c, argc, argv, &i, "--project", &v)) != 0)
            c.project = v;
        else if ((r = cli_opt(&c, argc, argv, &i, "--owner", &v)) != 0)
            c.owner = v;
        else if ((r = cli_opt(&c, argc, argv, &i, "--addresses", &v)) != 0)
            addresses = v;
        else
            return ptrctl_usage(&c, "unknown option '%s' (global options come before the command)",
                                argv[i]);
        if (r < 0)
            return PTRCTL_EXIT_USAGE;
        if (!*c.db)
            return ptrctl_usage(&c, "--db needs a file name");
    }
    const char *from = addresses ? "--addresses" : "PTRCTL_ADDRESSES";
    if (!addresses)
        addresses = env_or("PTRCTL_ADDRESSES", NULL);
    if (addresses && ptrctl_addresses_parse(addresses, &c.addresses) != 0)
        return ptrctl_usage(&c, "%s is any, no-special, no-private or public-only, not '%s'", from,
                            addresses);
    if (i >= argc) {
        if (c.json)
            return ptrctl_usage(&c, "the command is missing");
        ptrctl_help(stderr, NULL);
        return PTRCTL_EXIT_USAGE;
    }
    const char *name = argv[i];
    if (strcmp(name, "help") == 0) {
        if (i + 1 < argc && ptrctl_help(stdout, argv[i + 1]) != 0)
            return ptrctl_usage(&c, "no command '%s'", argv[i + 1]);
        if (i + 1 >= argc)
            ptrctl_help(stdout, NULL);
        return PTRCTL_EXIT_OK;
    }
    for (size_t k = 0; k < sizeof COMMANDS / sizeof COMMANDS[0]; k++) {
        if (strcmp(name, COMMANDS[k].name) != 0)
            continue;
        c.command = name;
        /* --help anywhere before "--" shows the command's help and touches no database. */
        for (int j = i + 1; j < argc && strcmp(argv[j], "--") != 0; j++)
            if (cli_is_help(argv[j])) {
                ptrctl_help(stdout, name);
                return PTRCTL_EXIT_OK;
            }
        const int rc = COMMANDS[k].run(&c, argc - i, argv + i);
        ptrctl_report_skipped(&c);
        ptr_ctx_free(c.ctx);
        ptr_store_free(c.store);
        if (fflush(stdout) != 0 && rc == PTRCTL_EXIT_OK)
            return ptrctl_system(&c, "cannot write", "standard output");
        return rc;
    }
    return ptrctl_usage(&c, "no command '%s'", name);
}
