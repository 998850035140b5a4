/*
 * The store's own account of its last failure, per thread
 * (ptr_sqlite_store_errmsg, ptr_sqlite_store_skipped).
 *
 * Why per thread: the service's calls report a ptr_status only, and threads
 * share a store; a message kept in the store would be overwritten by another
 * thread's transaction between a failure and its caller reading it. Each
 * thread keeps the message of its own last transaction, like errno, tagged
 * with the store it came from so that asking another store gives "". The
 * store pointer is only compared, never followed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libptr/sqlite.h"
#include "sqlite_internal.h"

/* SQLite's message, a file name and an address fit; a longer message is cut. */
#define MSG_CAP 512

typedef struct diag {
    const void *store; /* the ptr_store handle the message is about */
    uint64_t skipped;
    char msg[MSG_CAP];
} diag;

static _Thread_local diag tl;

/* The file, for the message: the absolute name SQLite opened, or ":memory:". */
static const char *file_of(const ptr__sqlite_store *m)
{
    const char *f = m->db ? sqlite3_db_filename(m->db, "main") : NULL;
    return f && *f ? f : ":memory:";
}

void ptr__sqlite_diag_begin(const ptr__sqlite_store *m)
{
    tl.store = m->handle;
    tl.skipped = 0;
    tl.msg[0] = '\0';
}

static void vset(const ptr__sqlite_store *m, const char *fmt, va_list ap)
{
    tl.store = m->handle;
    int n = vsnprintf(tl.msg, sizeof tl.msg, fmt, ap);
    if (n < 0)
        n = 0;
    size_t used = (size_t)n < sizeof tl.msg ? (size_t)n : sizeof tl.msg - 1;
    snprintf(tl.msg + used, sizeof tl.msg - used, " (%s)", file_of(m));
}

ptr_status ptr__sqlite_diag_fail(const ptr__sqlite_store *m, ptr_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vset(m, fmt, ap);
    va_end(ap);
    return st;
}

ptr_status ptr__sqlite_diag_rc(const ptr__sqlite_store *m, int rc)
{
    /* sqlite3_errmsg describes the connection's last failure, which is rc's. */
    return ptr__sqlite_diag_fail(m, ptr__sqlite_status(rc), "%s",
                                 m->db ? sqlite3_errmsg(m->db) : sqlite3_errstr(rc));
}

void ptr__sqlite_diag_skipped(const ptr__sqlite_store *m, const char *what)
{
    const uint64_t n = tl.store == m->handle ? tl.skipped + 1 : 1;
    ptr__sqlite_diag_fail(m, PTR_OK, "%s skipped", what);
    tl.skipped = n;
}

void ptr__sqlite_diag_forget(const ptr__sqlite_store *m)
{
    if (tl.store == m->handle) {
        tl.store = NULL;
        tl.skipped = 0;
        tl.msg[0] = '\0';
    }
}

const char *ptr_sqlite_store_errmsg(const ptr_store *s)
{
    return s && tl.store == (const void *)s ? tl.msg : "";
}

uint64_t ptr_sqlite_store_skipped(const ptr_store *s)
{
    return s && tl.store == (const void *)s ? tl.skipped : 0;
}
