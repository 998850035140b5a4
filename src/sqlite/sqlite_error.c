/* SQLite result codes as libptr statuses, and the messages open reports. */
#include <stdio.h>

#include "sqlite_internal.h"

ptr_status ptr__sqlite_status(int rc)
{
    switch (rc & 0xff) { /* the primary code: extended codes refine it */
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE: return PTR_OK;
    /*
     * Another connection holds a lock we need (after the busy timeout), or
     * one in this process holds a table lock: waiting and retrying can work.
     */
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return PTR_E_BUSY;
    case SQLITE_NOMEM: return PTR_E_NOMEM;
    default: return PTR_E_STORE;
    }
}

ptr_status ptr__sqlite_fail(ptr_error *err, ptr_status st, const char *what, sqlite3 *db)
{
    if (!err)
        return st;
    ptr_error_clear(err);
    err->status = st;
    err->field = PTR_FIELD_NONE;
    if (db)
        snprintf(err->message, sizeof err->message, "%s: %s", what, sqlite3_errmsg(db));
    else
        snprintf(err->message, sizeof err->message, "%s", what);
    return st;
}
