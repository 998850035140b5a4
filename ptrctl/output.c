/*
 * How ptrctl reports a refusal: the exit status, one stderr line that names
 * the status, the cloud code, the field and the reason, and with --json the
 * error object on stdout for programs. Every failure of every command goes
 * through ptrctl_report, so --json always gets an error object on stdout.
 */
#include <errno.h>
#include <string.h>

#include <libptr/sqlite.h>

#include "ptrctl.h"

int ptrctl_exit_for(ptr_status st)
{
    switch (st) {
    case PTR_OK: return PTRCTL_EXIT_OK;
    /* What the tool or the machine failed at, not the request: try again later or fix the host. */
    case PTR_E_NOMEM:
    case PTR_E_BUFFER:
    case PTR_E_UNSUPPORTED:
    case PTR_E_BUSY:
    case PTR_E_STORE: return PTRCTL_EXIT_SYSTEM;
    default: return PTRCTL_EXIT_REJECTED;
    }
}

void ptrctl_field_text(const ptr_error *err, char *buf, size_t cap)
{
    if (!err || err->field == PTR_FIELD_NONE) {
        snprintf(buf, cap, "%s", "");
        return;
    }
    /* An index only means something for the fields that are lists. */
    switch (err->field) {
    case PTR_FIELD_NAME: snprintf(buf, cap, "ptrdnames[%u]", (unsigned)err->index); break;
    case PTR_FIELD_TAG_KEY: snprintf(buf, cap, "tags[%u].key", (unsigned)err->index); break;
    case PTR_FIELD_TAG_VALUE: snprintf(buf, cap, "tags[%u].value", (unsigned)err->index); break;
    default: snprintf(buf, cap, "%s", ptr_field_name(err->field)); break;
    }
}

/* The store's own reason for its last failure (SQLite's text), or "". */
static const char *store_errmsg(const ptrctl *c)
{
    const char *m = c->store ? ptr_sqlite_store_errmsg(c->store) : NULL;
    return m ? m : "";
}

void ptrctl_report_skipped(const ptrctl *c)
{
    const uint64_t n = c->store ? ptr_sqlite_store_skipped(c->store) : 0;
    if (n)
        fprintf(stderr, "ptrctl %s: warning: %llu damaged row(s) skipped: %s\n", c->command,
                (unsigned long long)n, store_errmsg(c));
}

void ptrctl_failure_of(const ptrctl *c, ptr_status st, const ptr_error *err, const char *field,
                       ptrctl_failure *out)
{
    const int ours = err && err->status == st;
    out->code = ptr_status_name(st);
    out->cloud_code = ptr_status_cloud_code(st);
    out->exit = ptrctl_exit_for(st);
    if (field)
        snprintf(out->field, sizeof out->field, "%s", field);
    else
        ptrctl_field_text(ours ? err : NULL, out->field, sizeof out->field);
    const char *msg = (ours && err->message[0]) ? err->message : ptr_strerror(st);
    const char *why = st == PTR_E_STORE && c ? store_errmsg(c) : "";
    /* "the store failed" alone leaves an operator guessing: say what the database said (the
     * store's message names the file). */
    if (why[0])
        snprintf(out->message, sizeof out->message, "%s", why);
    else
        snprintf(out->message, sizeof out->message, "%s", msg);
}

void ptrctl_failure_io(const char *what, const char *path, ptrctl_failure *out)
{
    out->code = "PTRCTL_E_IO";
    out->cloud_code = ptr_status_cloud_code(PTR_E_STORE); /* DNS.0001, an internal error */
    out->exit = PTRCTL_EXIT_SYSTEM;
    out->field[0] = '\0';
    snprintf(out->message, sizeof out->message, "%s %s: %s", what, path ? path : "",
             strerror(errno));
}

void ptrctl_failure_json(FILE *f, const ptrctl_failure *x)
{
    json_t *o = json_object();
    if (o && (jset(o, "code", jcstr(x->code)) || jset(o, "cloud_code", jcstr(x->cloud_code)) ||
              jset(o, "field", jcstr(x->field)) || jset(o, "message", jcstr(x->message)))) {
        json_decref(o);
        o = NULL;
    }
    json_print(f, o);
}

int ptrctl_report(const ptrctl *c, const ptrctl_failure *x)
{
    fflush(stdout); /* whatever the command printed comes before its failure */
    fprintf(stderr, "ptrctl %s: %s (%s)%s%s: %s\n", c->command ? c->command : "", x->code,
            x->cloud_code, x->field[0] ? ", field " : "", x->field, x->message);
    if (c->json) {
        fputs("{\"error\": ", stdout);
        ptrctl_failure_json(stdout, x);
        fputs("}\n", stdout);
    }
    return x->exit;
}

void ptrctl_error_json(const ptrctl *c, FILE *f, ptr_status st, const ptr_error *err)
{
    ptrctl_failure x;
    ptrctl_failure_of(c, st, err, NULL, &x);
    ptrctl_failure_json(f, &x);
}

int ptrctl_fail(const ptrctl *c, ptr_status st, const ptr_error *err)
{
    ptrctl_failure x;
    ptrctl_failure_of(c, st, err, NULL, &x);
    return ptrctl_report(c, &x);
}

int ptrctl_usage(const ptrctl *c, const char *fmt, ...)
{
    const char *cmd = c && c->command ? c->command : NULL;
    ptrctl_failure x;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x.message, sizeof x.message, fmt, ap);
    va_end(ap);
    fprintf(stderr, "ptrctl%s%s: usage error: %s\n", cmd ? " " : "", cmd ? cmd : "", x.message);
    fprintf(stderr, "Try 'ptrctl %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    /* A program asked for JSON: it gets an error object, not an empty stdout. */
    if (c && c->json) {
        x.code = "PTRCTL_E_USAGE";
        x.cloud_code = ptr_status_cloud_code(PTR_E_INVAL); /* DNS.0002, an invalid request */
        x.field[0] = '\0';
        fflush(stdout);
        fputs("{\"error\": ", stdout);
        ptrctl_failure_json(stdout, &x);
        fputs("}\n", stdout);
    }
    return PTRCTL_EXIT_USAGE;
}

/* Not a libptr status: a file or directory of ptrctl's own could not be used. */
int ptrctl_system(const ptrctl *c, const char *what, const char *path)
{
    ptrctl_failure x;
    ptrctl_failure_io(what, path, &x);
    return ptrctl_report(c, &x);
}
