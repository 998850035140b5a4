/* Declarations shared by ptrctl's source files; one job per file (see CMakeLists.txt). */
#ifndef PTRCTL_H
#define PTRCTL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* The state every command shares: global options and, once opened, the service. */
typedef struct ptrctl {
    const char *db;
    const char *region, *project, *owner;
    int json;
    const char *command; /* for messages: "create", "import", ... */
    ptr_store *store;
    ptr_ctx *ctx;
    ptr_scope scope;
} ptrctl;

/* main.c: open the database and the service (prints the reason and returns an exit status). */
int ptrctl_open(ptrctl *c);

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
/* Report a refusal or failure (stderr line; with --json also the error object on stdout). */
int ptrctl_fail(const ptrctl *c, ptr_status st, const ptr_error *err);
/* Report a usage error on stderr and return PTRCTL_EXIT_USAGE. */
int ptrctl_usage(const ptrctl *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Report a system failure (errno text in the message) and return PTRCTL_EXIT_SYSTEM. */
int ptrctl_system(const ptrctl *c, const char *what, const char *path);
/* "field ptrdnames[2]", "field ttl", or "" for no field, into buf. */
void ptrctl_field_text(const ptr_error *err, char *buf, size_t cap);
/* The error object {"code","cloud_code","field","message"} (without a wrapper). */
void ptrctl_error_json(FILE *f, ptr_status st, const ptr_error *err);

/* json.c: a JSON writer. Every byte is escaped as JSON needs; invalid UTF-8 becomes U+FFFD. */
void json_string(FILE *f, const char *s, size_t len);
void json_cstr(FILE *f, const char *s);
/* A time as an RFC 3339 UTC string ("2026-11-22T21:40:00Z"), quoted. */
void json_time(FILE *f, int64_t t);
/* The same text, unquoted, into buf (at least 32 bytes). */
void time_rfc3339(int64_t t, char *buf, size_t cap);

/* record_out.c: a record as JSON or as "field value" lines. */
void record_json(FILE *f, const ptr_record *r);
void record_text(FILE *f, const ptr_record *r);

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

#endif /* PTRCTL_H */
