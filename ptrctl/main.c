/*
 * ptrctl: global options (from the command line, else the environment, else
 * the defaults), opening the database and the service, and dispatch to the
 * commands. The syntax is a contract with scripts outside this repository:
 * see docs/ptrctl.md before changing anything here.
 */
#include <ctype.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include <libptr/sqlite.h>

#include "ptrctl.h"

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
    /* A mistyped --db must not answer "no records" from a new, empty file, nor leave one. */
    struct stat sb;
    if (!ptrctl_db_is_pg(c->db) && !c->creates && !c->create_db && stat(c->db, &sb) != 0 &&
        errno == ENOENT)
        return ptrctl_system(c,
                             "no database (create, set and import make one; --create-db "
                             "lets any command)",
                             c->db);
    ptr_policy policy; /* also kept in c->policy, for checks made before a create */
    if (strcmp(c->set[PTRCTL_K_POLICY].value, "otc") == 0)
        ptr_policy_init_otc(&policy);
    else
        ptr_policy_init(&policy);
    policy.max_records_per_owner = ptrctl_setting_u32(c, PTRCTL_K_QUOTA);
    policy.max_names = ptrctl_setting_u32(c, PTRCTL_K_MAX_NAMES);
    policy.default_name_template = c->set[PTRCTL_K_DEFAULT_NAME].value;
    int on = 0;
    if (ptrctl_bool(c->set[PTRCTL_K_IPV6].value, &on) == 0 && on)
        policy.options |= PTR_POLICY_IPV6;
    if (c->addresses == PTRCTL_ADDR_PUBLIC_ONLY)
        policy.options |= PTR_POLICY_PUBLIC_ONLY;
    ptr_status st;
    if (ptrctl_db_is_pg(c->db)) {
        st = ptrctl_db_open_pg(c->db, &c->store, &err);
    } else {
        ptr_sqlite_options o;
        ptr_sqlite_options_init(&o);
        o.policy = &policy; /* the store bounds what it reads back by the same limits */
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
    c->policy = policy;
    if (ptrctl_bool(c->set[PTRCTL_K_FORWARD_CONFIRM].value, &on) == 0 && on) {
        policy.options |= PTR_POLICY_FORWARD_CONFIRM;
        cfg.forward_lookup = ptrctl_forward_lookup;
        c->forward_timeout = ptrctl_setting_u32(c, PTRCTL_K_FORWARD_TIMEOUT);
        cfg.user = c;
    }
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
    {"config", cmd_config}, {"set", cmd_create},    {"unset", cmd_delete},
    {"export", cmd_export}, {"sync", cmd_sync},
};

/* The global options that set a key; --json, -o and --config are handled apart. */
static const struct {
    const char *option;
    ptrctl_key key;
} GLOBALS[] = {
    {"--db", PTRCTL_K_DB},
    {"--region", PTRCTL_K_REGION},
    {"--project", PTRCTL_K_PROJECT},
    {"--owner", PTRCTL_K_OWNER},
    {"--addresses", PTRCTL_K_ADDRESSES},
    {"--output", PTRCTL_K_OUTPUT},
};

/*
 * Where the command word is: the first argument that is neither an option
 * nor a global option's separate value (argc when there is none).
 */
static int command_index(int argc, char **argv)
{
    static const char *const with_value[] = {"--config", "--db",        "--region", "--project",
                                             "--owner",  "--addresses", "--output", "-o"};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return i + 1;
        if (argv[i][0] != '-')
            return i;
        for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
            if (strcmp(argv[i], with_value[k]) == 0) {
                i++;
                break;
            }
    }
    return argc;
}

/*
 * Is argv[i] --config of a command that has its own (after the word sync,
 * --config is the push configuration, which cmd_sync reads)?
 */
static int config_is_commands(int argc, char **argv, int i)
{
    const int cmd = command_index(argc, argv);
    return cmd < argc && i > cmd && strcmp(argv[cmd], "sync") == 0;
}

/*
 * Take the global options out of argv wherever they are (before "--"),
 * applying them in order over the file and the environment; the rest, the
 * command and its arguments, is left in argv[1..*argc). Returns an exit
 * status (a usage error) or 0.
 */
static int take_globals(ptrctl *c, int *argc, char **argv)
{
    int out = 1, ended = 0;
    for (int i = 1; i < *argc; i++) {
        const char *v = NULL;
        int r = 0;
        if (ended || strcmp(argv[i], "--") == 0) {
            ended = 1;
            argv[out++] = argv[i];
            continue;
        }
        if (cli_flag(argv[i], "--create-db")) {
            c->create_db = 1;
            continue;
        }
        if (cli_flag(argv[i], "--json")) {
            const int rc = ptrctl_set(c, PTRCTL_K_OUTPUT, "json", "option --json");
            if (rc)
                return rc;
            continue;
        }
        if (!config_is_commands(*argc, argv, i) &&
            (r = cli_opt(c, *argc, argv, &i, "--config", &v)) != 0) {
            if (r < 0)
                return PTRCTL_EXIT_USAGE;
            continue; /* read before everything else */
        }
        int taken = 0;
        for (size_t g = 0; g < sizeof GLOBALS / sizeof GLOBALS[0] && !taken; g++) {
            const char *name = GLOBALS[g].option;
            if (GLOBALS[g].key == PTRCTL_K_OUTPUT && strcmp(argv[i], "-o") == 0)
                name = "-o";
            r = cli_opt(c, *argc, argv, &i, name, &v);
            if (r < 0)
                return PTRCTL_EXIT_USAGE;
            if (r == 0)
                continue;
            char source[64];
            snprintf(source, sizeof source, "option %s", GLOBALS[g].option);
            const int rc = ptrctl_set(c, (int)GLOBALS[g].key, v, source);
            if (rc)
                return rc;
            taken = 1;
        }
        if (!taken)
            argv[out++] = argv[i];
    }
    *argc = out;
    return PTRCTL_EXIT_OK;
}

/* The settings into the fields the commands read. */
static void apply(ptrctl *c)
{
    c->db = c->set[PTRCTL_K_DB].value;
    c->region = c->set[PTRCTL_K_REGION].value;
    c->project = c->set[PTRCTL_K_PROJECT].value;
    c->owner = c->set[PTRCTL_K_OWNER].value;
    ptrctl_addresses_parse(c->set[PTRCTL_K_ADDRESSES].value, &c->addresses);
    const char *o = c->set[PTRCTL_K_OUTPUT].value;
    c->output = strcmp(o, "json") == 0  ? PTRCTL_OUT_JSON
                : strcmp(o, "csv") == 0 ? PTRCTL_OUT_CSV
                                        : PTRCTL_OUT_TABLE;
    c->json = c->output == PTRCTL_OUT_JSON;
}

static int run(ptrctl *c, int argc, char **argv)
{
    /* JSON wanted anywhere on the line: a usage error found before it is reported as JSON too. */
    for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
        if (cli_flag(argv[k], "--json") || cli_flag(argv[k], "--output=json") ||
            ((cli_flag(argv[k], "-o") || cli_flag(argv[k], "--output")) && k + 1 < argc &&
             strcmp(argv[k + 1], "json") == 0))
            c->json = 1;
    if (env_flag("PTRCTL_JSON"))
        c->json = 1;
    const char *config = NULL;
    for (int k = 1; k < argc && strcmp(argv[k], "--") != 0; k++) {
        const char *v = NULL;
        if (config_is_commands(argc, argv, k))
            continue;
        const int r = cli_opt(c, argc, argv, &k, "--config", &v);
        if (r < 0)
            return PTRCTL_EXIT_USAGE;
        if (r > 0)
            config = v;
    }
    int rc = ptrctl_config_load(c, config);
    if (!rc)
        rc = ptrctl_config_env(c);
    if (!rc && env_flag("PTRCTL_JSON"))
        rc = ptrctl_set(c, PTRCTL_K_OUTPUT, "json", "environment PTRCTL_JSON");
    if (!rc)
        rc = take_globals(c, &argc, argv);
    if (!rc)
        rc = ptrctl_config_check(c);
    if (rc)
        return rc;
    apply(c);
    if (!*c->db)
        return ptrctl_usage(c, "--db needs a file name");

    if (argc > 1 && cli_is_help(argv[1])) {
        ptrctl_help(stdout, NULL);
        return PTRCTL_EXIT_OK;
    }
    if (argc > 1 && cli_flag(argv[1], "--version")) {
        printf("ptrctl (libptr %s)\n", ptr_version());
        return PTRCTL_EXIT_OK;
    }
    if (argc > 1 && argv[1][0] == '-' && strcmp(argv[1], "--") != 0)
        return ptrctl_usage(c, "unknown option '%s'", argv[1]);
    const int i = argc > 1 && strcmp(argv[1], "--") == 0 ? 2 : 1;
    if (i >= argc) {
        if (c->json)
            return ptrctl_usage(c, "the command is missing");
        ptrctl_help(stderr, NULL);
        return PTRCTL_EXIT_USAGE;
    }
    const char *name = argv[i];
    if (strcmp(name, "help") == 0 && i + 1 < argc && argv[i + 1][0] == '-') {
        if (ptrctl_help_query(stdout, argv[i + 1], i + 2 < argc ? argv[i + 2] : NULL) != 0)
            return ptrctl_usage(c, "help takes a command, --commands, --options [COMMAND] or "
                                   "--config-keys");
        return PTRCTL_EXIT_OK;
    }
    if (strcmp(name, "help") == 0) {
        if (i + 1 < argc && ptrctl_help(stdout, argv[i + 1]) != 0)
            return ptrctl_usage(c, "no command '%s'", argv[i + 1]);
        if (i + 1 >= argc)
            ptrctl_help(stdout, NULL);
        return PTRCTL_EXIT_OK;
    }
    for (size_t k = 0; k < sizeof COMMANDS / sizeof COMMANDS[0]; k++) {
        if (strcmp(name, COMMANDS[k].name) != 0)
            continue;
        c->command = name;
        /* --help anywhere before "--" shows the command's help and touches no database. */
        for (int j = i + 1; j < argc && strcmp(argv[j], "--") != 0; j++)
            if (cli_is_help(argv[j])) {
                ptrctl_help(stdout, name);
                return PTRCTL_EXIT_OK;
            }
        rc = COMMANDS[k].run(c, argc - i, argv + i);
        if (fflush(stdout) != 0 && rc == PTRCTL_EXIT_OK)
            return ptrctl_system(c, "cannot write", "standard output");
        return rc;
    }
    const char *names[sizeof COMMANDS / sizeof COMMANDS[0] + 1];
    size_t n = 0;
    for (; n < sizeof COMMANDS / sizeof COMMANDS[0]; n++)
        names[n] = COMMANDS[n].name;
    names[n++] = "help";
    const char *near = ptrctl_suggest(name, names, n);
    if (near)
        return ptrctl_usage(c, "no command '%s' (did you mean '%s'?)", name, near);
    return ptrctl_usage(c, "no command '%s'", name);
}

int main(int argc, char **argv)
{
    ptrctl c;
    memset(&c, 0, sizeof c);
    c.addresses = PTRCTL_ADDR_NO_SPECIAL;
    const int rc = run(&c, argc, argv);
    ptrctl_report_skipped(&c);
    ptr_ctx_free(c.ctx);
    ptr_store_free(c.store);
    free(c.config_text);
    return rc;
}
