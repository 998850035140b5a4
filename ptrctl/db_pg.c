/*
 * --db values that name a PostgreSQL database (postgresql:// or postgres://
 * URIs), and the text ptrctl shows for them: a URI's password is never
 * printed, neither in the user part (postgresql://user:secret@host/db) nor
 * as a password= parameter.
 */
#include <string.h>

#include "ptrctl.h"

#ifdef PTRCTL_WITH_PG
#include <libptr/pg.h>
#endif

int ptrctl_db_is_pg(const char *db)
{
    return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

/* Append s[0..n) to buf, cut short at cap - 1 bytes. */
static void put(char *buf, size_t cap, size_t *at, const char *s, size_t n)
{
    while (n-- && *at + 1 < cap)
        buf[(*at)++] = *s++;
    buf[*at] = '\0';
}

void ptrctl_db_display(const char *db, char *buf, size_t cap)
{
    size_t at = 0;
    buf[0] = '\0';
    if (!ptrctl_db_is_pg(db)) {
        put(buf, cap, &at, db, strlen(db));
        return;
    }
    const char *auth = strstr(db, "://") + 3;
    /* The user part ends at the last '@' before the path or the parameters. */
    const size_t host_end = strcspn(auth, "/?");
    const char *at_sign = NULL;
    for (const char *p = auth; p < auth + host_end; p++)
        if (*p == '@')
            at_sign = p;
    put(buf, cap, &at, db, (size_t)(auth - db));
    const char *p = auth;
    if (at_sign) {
        const size_t user = strcspn(auth, ":@");
        put(buf, cap, &at, auth, user);
        if (auth + user < at_sign)
            put(buf, cap, &at, ":***", 4);
        p = at_sign;
    }
    /* Parameters: password=... has its value replaced. */
    while (*p) {
        const size_t n = strcspn(p, "?&");
        put(buf, cap, &at, p, n);
        p += n;
        if (!*p)
            break;
        put(buf, cap, &at, p, 1);
        p++;
        if (strncmp(p, "password=", 9) == 0) {
            put(buf, cap, &at, "password=***", 12);
            p += 9 + strcspn(p + 9, "&");
        }
    }
}

ptr_status ptrctl_db_open_pg(const char *db, ptr_store **out, ptr_error *err)
{
#ifdef PTRCTL_WITH_PG
    return ptr_pg_store_open(db, strlen(db), 0, out, err);
#else
    (void)db;
    *out = NULL;
    ptr_error_clear(err);
    err->status = PTR_E_UNSUPPORTED;
    snprintf(err->message, sizeof err->message,
             "this ptrctl was built without the PostgreSQL store (libpq-dev)");
    return PTR_E_UNSUPPORTED;
#endif
}
