/* Declarations shared by ptrctl's source files; one job per file (see CMakeLists.txt). */
#ifndef PTRCTL_H
#define PTRCTL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <libptr/libptr.h>

/* Exit statuses: scripts outside the repository depend on these numbers. */
enum {
    PTRCTL_EXIT_OK = 0,
    PTRCTL_EXIT_REJECTED = 1, /* a rule refused the request */
    PTRCTL_EXIT_USAGE = 2,    /* the command line is wrong */
    PTRCTL_EXIT_SYSTEM = 3    /* the store, memory or a file failed */
};

/* Defaults when neither an option nor the environment gives a value. */
#define PTRCTL_DEFAULT_DB      "ptrctl.db"
#define PTRCTL_DEFAULT_REGION  "region-1"
#define PTRCTL_DEFAULT_PROJECT "default"
#define PTRCTL_DEFAULT_OWNER   "default"

/* --addresses: which addresses may get a record (addresses.c); each refuses more than the last. */
typedef enum ptrctl_addresses {
    PTRCTL_ADDR_ANY = 0,
    PTRCTL_ADDR_NO_SPECIAL, /* the default */
    PTRCTL_ADDR_NO_PRIVATE,
    PTRCTL_ADDR_PUBLIC_ONLY
} ptrctl_addresses;

/* config.c: the settings, each from the configuration file, the environment or an option. */
typedef enum ptrctl_key {
    PTRCTL_K_DB,
    PTRCTL_K_REGION,
    PTRCTL_K_PROJECT,
    PTRCTL_K_OWNER,
    PTRCTL_K_ADDRESSES,
    PTRCTL_K_OUTPUT,
    PTRCTL_K_POLICY,
    PTRCTL_K_QUOTA,
    PTRCTL_K_MAX_NAMES,
    PTRCTL_K_IPV6,
    PTRCTL_K_FORWARD_CONFIRM,
    PTRCTL_K_FORWARD_TIMEOUT,
    PTRCTL_K_DEFAULT_NAME,
    PTRCTL_K_ZONE_NS,
    PTRCTL_K_ZONE_CONTACT,
    PTRCTL_K_ZONE_IPV6_PREFIX,
    PTRCTL_K_COUNT
} ptrctl_key;

/* What a value must look like (checked wherever it comes from). */
typedef enum ptrctl_value_kind {
    PTRCTL_V_TEXT, /* any; the library checks it where it is used */
    PTRCTL_V_ADDRESSES,
    PTRCTL_V_OUTPUT,
    PTRCTL_V_POLICY,
    PTRCTL_V_COUNT, /* 0..4294967295 */
    PTRCTL_V_BOOL,  /* true | false */
    PTRCTL_V_PREFIX /* a multiple of 4 in 4..124 */
} ptrctl_value_kind;

typedef struct ptrctl_key_info {
    const char *name;   /* in the configuration file */
    const char *env;    /* the environment variable, or NULL */
    const char *option; /* the global option, or NULL */
    const char *dflt;
    ptrctl_value_kind kind;
    const char *help;
} ptrctl_key_info;

extern const ptrctl_key_info PTRCTL_KEYS[PTRCTL_K_COUNT];

#define PTRCTL_SOURCE_MAX 4200 /* "FILE:LINE", "environment VAR", "option --db", "default" */

typedef struct ptrctl_setting {
    const char *value;
    char source[PTRCTL_SOURCE_MAX];
} ptrctl_setting;

typedef enum ptrctl_output { PTRCTL_OUT_TABLE = 0, PTRCTL_OUT_JSON, PTRCTL_OUT_CSV } ptrctl_output;

/* The state every command shares: global options and, once opened, the service. */
typedef struct ptrctl {
    const char *db;
    const char *region, *project, *owner;
    int json; /* output json: every answer and failure as JSON on stdout */
    ptrctl_output output;
    ptrctl_setting set[PTRCTL_K_COUNT];
    char config_path[PTRCTL_SOURCE_MAX]; /* the configuration file read, or "" */
    char *config_text;                   /* its text, which values point into */
    uint32_t forward_timeout;            /* seconds per forward lookup */
    int create_db;                       /* --create-db: any command may create the file */
    int creates;                         /* the command creates records: it may create it too */
    int quiet;                           /* import --quiet: no line-by-line refusals */
    ptr_policy policy;                   /* the context's, once opened */
    ptrctl_addresses addresses;
    const char *command; /* for messages: "create", "import", ... */
    ptr_store *store;
    ptr_ctx *ctx;
    ptr_scope scope;
} ptrctl;

/* main.c: open the database and the service (prints the reason and returns an exit status). */
int ptrctl_open(ptrctl *c);
/* output.c: a warning on stderr when the command's read skipped damaged rows of the database. */
void ptrctl_report_skipped(const ptrctl *c);

/* forward.c: the forward_lookup hook through the system resolver, c->forward_timeout each. */
ptr_status ptrctl_forward_lookup(void *user, const char *name, size_t name_len, ptr_addr *out,
                                 size_t cap, size_t *count);

/* config.c */
/* The key named name[0..len), or -1. */
int ptrctl_key_find(const char *name, size_t len);
/* "true" or "false" into *out; -1 otherwise. */
int ptrctl_bool(const char *s, int *out);
/* Set a key from source (checked: a bad value is a usage error naming the source). */
int ptrctl_set(ptrctl *c, int key, const char *value, const char *source);
/* The defaults, then the configuration file (option_path, else the search order). */
int ptrctl_config_load(ptrctl *c, const char *option_path);
/* The environment variables over the file. */
int ptrctl_config_env(ptrctl *c);
/* Every final value checked; a bad one is a usage error naming where it came from. */
int ptrctl_config_check(const ptrctl *c);
/* A count or prefix setting's number (its value was checked when set). */
uint32_t ptrctl_setting_u32(const ptrctl *c, int key);
/* The candidate closest to word by edit distance when it is close enough, else NULL. */
const char *ptrctl_suggest(const char *word, const char *const *candidates, size_t n);

/* addresses.c: "any", "no-special", "no-private", "public-only" into *out; -1 when none. */
int ptrctl_addresses_parse(const char *s, ptrctl_addresses *out);
/*
 * May a record be created (or updated) for the address text under
 * c->addresses? PTR_OK, or PTR_E_ADDR_FORBIDDEN with err naming the range.
 * Text that is not an address passes: the library refuses it with its reason.
 */
ptr_status ptrctl_address_check(const ptrctl *c, const char *s, size_t len, ptr_error *err);

/* db_pg.c: is --db a postgresql:// or postgres:// URI; db as shown to users (no password). */
int ptrctl_db_is_pg(const char *db);
void ptrctl_db_display(const char *db, char *buf, size_t cap);
/* Open the PostgreSQL store of a URI (PTR_E_UNSUPPORTED when built without it). */
ptr_status ptrctl_db_open_pg(const char *db, ptr_store **out, ptr_error *err);

/* cli.c: command-line helpers. */
/*
 * Is argv[*i] the option name ("--ttl")? Takes "--ttl VALUE" and "--ttl=VALUE".
 * Returns 1 and sets *val (advancing *i past a separate value), 0 when it is
 * another argument, -1 when the value is missing (after printing a usage error).
 */
int cli_opt(const ptrctl *c, int argc, char **argv, int *i, const char *name, const char **val);
/* Is argv[i] exactly the flag name? */
int cli_flag(const char *arg, const char *name);
/* Parse a TTL as ptr_ttl_parse does; a bad one is reported (field ttl) and gives exit 1. */
int cli_ttl(const ptrctl *c, const char *s, int64_t *out);
/* Parse an unsigned decimal count, at most max; returns 0 on success, else a usage error (2). */
int cli_count(const ptrctl *c, const char *opt, const char *s, uint32_t max, uint32_t *out);
/* Split "KEY=VALUE" at the first '=' into a tag (views into s); no '=' gives a NULL value. */
void cli_tag(const char *s, ptr_tag *out);
/* Report an option the command does not know (saying so when it is a global one): exit 2. */
int cli_unknown(const ptrctl *c, const char *arg);
/* True when s is "-h" or "--help". */
int cli_is_help(const char *s);

/* output.c: reporting. */
/* The exit status for a libptr status. */
int ptrctl_exit_for(ptr_status st);
/* One failure as ptrctl reports it: on stderr as one line, with --json as an error object. */
typedef struct ptrctl_failure {
    const char *code;       /* "PTR_E_TTL", "PTRCTL_E_IO", "PTRCTL_E_USAGE" */
    const char *cloud_code; /* "DNS.0506" */
    char field[64];         /* "ttl", "ptrdnames[2]", "contact", "ns[1]", or "" */
    char message[PTR_ERROR_MESSAGE_SIZE + 4200]; /* room for a reason and a path */
    int exit;                                    /* the exit status it gives */
} ptrctl_failure;
/*
 * A libptr failure: field NULL names err's field, else it is the option at
 * fault ("contact"). c may be NULL; with it, a PTR_E_STORE carries the
 * store's own reason and the database path.
 */
void ptrctl_failure_of(const ptrctl *c, ptr_status st, const ptr_error *err, const char *field,
                       ptrctl_failure *out);
/* A file or directory of ptrctl's own that could not be used (errno gives the reason). */
void ptrctl_failure_io(const char *what, const char *path, ptrctl_failure *out);
/* The error object {"code","cloud_code","field","message"} (without a wrapper). */
void ptrctl_failure_json(FILE *f, const ptrctl_failure *x);
/* Report: the stderr line, and with --json {"error": {...}} on stdout. Returns x->exit. */
int ptrctl_report(const ptrctl *c, const ptrctl_failure *x);
/* Report a refusal or failure (stderr line; with --json also the error object on stdout). */
int ptrctl_fail(const ptrctl *c, ptr_status st, const ptr_error *err);
/* Report a usage error (stderr; with --json an error object on stdout): PTRCTL_EXIT_USAGE. */
int ptrctl_usage(const ptrctl *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Report a system failure (errno text in the message) and return PTRCTL_EXIT_SYSTEM. */
int ptrctl_system(const ptrctl *c, const char *what, const char *path);
/* "field ptrdnames[2]", "field ttl", or "" for no field, into buf. */
void ptrctl_field_text(const ptr_error *err, char *buf, size_t cap);
/* The error object of a libptr failure (without a wrapper); c as for ptrctl_failure_of. */
void ptrctl_error_json(const ptrctl *c, FILE *f, ptr_status st, const ptr_error *err);

/*
 * json.c: JSON output through jansson. Values are made with these (NULL only
 * when out of memory) and printed with json_print, in ptrctl's one layout.
 */
/* A string of any bytes: invalid UTF-8 becomes U+FFFD (JSON text is Unicode). */
json_t *jtext(const char *s, size_t len);
json_t *jcstr(const char *s);
/* A time as an RFC 3339 UTC string ("2026-11-22T21:40:00Z"). */
json_t *jtime(int64_t t);
/* obj[key] = value, taking the reference (a NULL value leaves the key out). 0 on success. */
int jset(json_t *obj, const char *key, json_t *value);
/* Print v on one line (`{"k": v, ...}`) and drop the reference; NULL prints null. 0 on success. */
int json_print(FILE *f, json_t *v);
/* The same for one string or time, for output written piece by piece. */
void jwrite_text(FILE *f, const char *s, size_t len);
void jwrite_cstr(FILE *f, const char *s);
void jwrite_time(FILE *f, int64_t t);
/* The time's text, unquoted, into buf (at least 32 bytes). */
void time_rfc3339(int64_t t, char *buf, size_t cap);

/* record_out.c: a record as JSON or as "field value" lines. */
/* The `show --json` object (NULL when out of memory). */
json_t *record_json_value(const ptr_record *r);
void record_json(FILE *f, const ptr_record *r);
void record_text(FILE *f, const ptr_record *r);
/*
 * The CSV that import reads back: ip,names,ttl,description,tags,region,
 * project,owner, then the read-only status,action,dns_error (import ignores them).
 */
void record_csv_header(FILE *f);
void record_csv(FILE *f, const ptr_record *r);
/* A record deleted while DNS may still answer it (PENDING_DELETE until a push confirms). */
int record_is_deleted(const ptr_record *r);

/* progress.c: a progress bar on stderr when it is a terminal. */
typedef struct progress {
    int on;         /* drawing at all (stderr is a terminal) */
    uint64_t total; /* bytes to read, 0 when unknown (a pipe) */
    double start, last;
    int drawn;
} progress;
void progress_start(progress *p, uint64_t total_bytes, int enabled);
/* Redraw at most a few times a second: lines done, bytes read so far. */
void progress_update(progress *p, uint64_t lines, uint64_t bytes, int force);
/* Erase the bar so the summary starts on a clean line. */
void progress_finish(progress *p);

/* help.c */
/* Print the help for a command (NULL: the overview) to f; 0 when known, else -1. */
int ptrctl_help(FILE *f, const char *command);
/*
 * What the man pages and shell completions are made of, from the same texts:
 * "--commands" (one a line), "--options" (of command, or the global ones when
 * NULL), "--config-keys" (key TAB description). 0, or -1 for an unknown query.
 */
int ptrctl_help_query(FILE *f, const char *what, const char *command);

/* The commands: each returns an exit status. argv[0] is the command name. */
int cmd_create(ptrctl *c, int argc, char **argv);
int cmd_show(ptrctl *c, int argc, char **argv);
int cmd_update(ptrctl *c, int argc, char **argv);
int cmd_delete(ptrctl *c, int argc, char **argv);
int cmd_resolve(ptrctl *c, int argc, char **argv);
int cmd_list(ptrctl *c, int argc, char **argv);
int cmd_quota(ptrctl *c, int argc, char **argv);
int cmd_import(ptrctl *c, int argc, char **argv);
int cmd_export_zone(ptrctl *c, int argc, char **argv);
int cmd_config(ptrctl *c, int argc, char **argv);
int cmd_export(ptrctl *c, int argc, char **argv);
int cmd_sync(ptrctl *c, int argc, char **argv);

#endif /* PTRCTL_H */
