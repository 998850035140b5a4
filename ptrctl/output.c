/*
 * How ptrctl reports a refusal: the exit status, one stderr line that names
 * the status, the cloud code, the field and the reason, and with --json the
 * error object on stdout for programs.
 */
#include <errno.h>
#include <string.h>

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

static const char *message_of(ptr_status st, const ptr_error *err)
{
    return (err && err->status == st && err->message[0]) ? err->message : ptr_strerror(st);
}

void ptrctl_error_json(FILE *f, ptr_status st, const ptr_error *err)
{
    char field[64];
    ptrctl_field_text(err && err->status == st ? err : NULL, field, sizeof field);
    fputs("{\"code\": ", f);
    json_cstr(f, ptr_status_name(st));
    fputs(", \"cloud_code\": ", f);
    json_cstr(f, ptr_status_cloud_code(st));
    fputs(", \"field\": ", f);
    json_cstr(f, field);
    fputs(", \"message\": ", f);
    json_cstr(f, message_of(st, err));
    fputc('}', f);
}

int ptrctl_fail(const ptrctl *c, ptr_status st, const ptr_error *err)
{
    char field[64];
    ptrctl_field_text(err && err->status == st ? err : NULL, field, sizeof field);
    fflush(stdout); /* whatever the command printed comes before its failure */
    fprintf(stderr, "ptrctl %s: %s (%s)%s%s: %s\n", c->command ? c->command : "",
            ptr_status_name(st), ptr_status_cloud_code(st), field[0] ? ", field " : "", field,
            message_of(st, err));
    if (c->json) {
        fputs("{\"error\": ", stdout);
        ptrctl_error_json(stdout, st, err);
        fputs("}\n", stdout);
    }
    return ptrctl_exit_for(st);
}

int ptrctl_usage(const ptrctl *c, const char *fmt, ...)
{
    const char *cmd = c && c->command ? c->command : NULL;
    fprintf(stderr, "ptrctl%s%s: usage error: ", cmd ? " " : "", cmd ? cmd : "");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'ptrctl %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
    return PTRCTL_EXIT_USAGE;
}

/* Not a libptr status: a file or directory of ptrctl's own could not be used. */
int ptrctl_system(const ptrctl *c, const char *what, const char *path)
{
    char msg[PTR_ERROR_MESSAGE_SIZE + 256];
    snprintf(msg, sizeof msg, "%s %s: %s", what, path ? path : "", strerror(errno));
    fprintf(stderr, "ptrctl %s: PTRCTL_E_IO (DNS.0001): %s\n", c->command ? c->command : "", msg);
    if (c->json) {
        fputs("{\"error\": {\"code\": \"PTRCTL_E_IO\", \"cloud_code\": \"DNS.0001\", "
              "\"field\": \"\", \"message\": ",
              stdout);
        json_cstr(stdout, msg);
        fputs("}}\n", stdout);
    }
    return PTRCTL_EXIT_SYSTEM;
}
