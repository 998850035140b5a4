/*
 * Per-owner record limits kept in the database (ptr_owner_limit, schema
 * version 4), so that every process sharing the file enforces the same
 * quota: the owner_limit_* slots of store version 3.
 *
 * A limit is an unsigned 64-bit number kept in SQLite's signed integer as
 * revisions are (two's complement, sqlite_row.h). The owner's text is
 * compared as bytes (BINARY collation), which is the order
 * owner_limit_scan promises.
 */
#include "sqlite_internal.h"

typedef ptr__sqlite_store sqlstore;

ptr_status ptr__sqlite_limit_get(void *user, ptr_store_txn *txn, const char *owner,
                                 size_t owner_len, uint64_t *limit)
{
    sqlstore *m = ptr__sqlite_txn_store(user, txn);
    if (!m || (!owner && owner_len) || !limit)
        return PTR_E_INVAL;
    sqlite3_stmt *st = m->stmt[PTR__S_LIMIT_GET];
    int rc = ptr__sqlite_bind_text(st, 1, owner, owner_len);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    ptr_status s = PTR_E_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
            *limit = ptr__sqlite_i64_to_u64(sqlite3_column_int64(st, 0));
            s = PTR_OK;
        } else {
            s = ptr__sqlite_diag_fail(m, PTR_E_STORE, "an owner limit that is not a number");
        }
    } else if (rc != SQLITE_DONE) {
        s = ptr__sqlite_diag_rc(m, rc);
    }
    ptr__sqlite_stmt_done(st);
    return s;
}

ptr_status ptr__sqlite_limit_set(void *user, ptr_store_txn *txn, const char *owner,
                                 size_t owner_len, uint64_t limit)
{
    sqlstore *m = ptr__sqlite_write_store(user, txn);
    if (!m || (!owner && owner_len))
        return PTR_E_INVAL;
    if (owner_len > m->lim.scope)
        return ptr__sqlite_diag_fail(m, PTR_E_INVAL, "an owner of %zu bytes, over the limit of %zu",
                                     owner_len, m->lim.scope);
    sqlite3_stmt *st = m->stmt[PTR__S_LIMIT_SET];
    int rc = ptr__sqlite_bind_text(st, 1, owner, owner_len);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 2, ptr__sqlite_u64_to_i64(limit));
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    ptr__sqlite_stmt_done(st);
    return rc == SQLITE_DONE ? PTR_OK : ptr__sqlite_diag_rc(m, rc);
}

ptr_status ptr__sqlite_limit_remove(void *user, ptr_store_txn *txn, const char *owner,
                                    size_t owner_len)
{
    sqlstore *m = ptr__sqlite_write_store(user, txn);
    if (!m || (!owner && owner_len))
        return PTR_E_INVAL;
    sqlite3_stmt *st = m->stmt[PTR__S_LIMIT_REMOVE];
    return ptr__sqlite_step_change(m, st, ptr__sqlite_bind_text(st, 1, owner, owner_len));
}

ptr_status ptr__sqlite_limit_scan(void *user, ptr_store_txn *txn, ptr_store_limit_visit_fn visit,
                                  void *visit_ctx)
{
    sqlstore *m = ptr__sqlite_txn_store(user, txn);
    if (!m || !visit)
        return PTR_E_INVAL;
    sqlite3_stmt *st = m->stmt[PTR__S_LIMIT_SCAN];
    /* A visitor that scans again would reset the scan it is called from. */
    if (sqlite3_stmt_busy(st))
        return PTR_E_INVAL;
    ptr_status s = PTR_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        /* The types first: reading a value may convert it. */
        const int types_ok = sqlite3_column_type(st, 0) == SQLITE_TEXT &&
                             sqlite3_column_type(st, 1) == SQLITE_INTEGER;
        const unsigned char *owner = sqlite3_column_text(st, 0);
        const size_t len = (size_t)sqlite3_column_bytes(st, 0);
        if (!types_ok || len > m->lim.scope) {
            s = ptr__sqlite_diag_fail(m, PTR_E_STORE, "a damaged row of ptr_owner_limit");
            break;
        }
        if (!owner) {
            s = PTR_E_NOMEM;
            break;
        }
        if (visit(visit_ctx, (const char *)owner, len,
                  ptr__sqlite_i64_to_u64(sqlite3_column_int64(st, 1))))
            break;
    }
    if (s == PTR_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        s = ptr__sqlite_diag_rc(m, rc);
    ptr__sqlite_stmt_done(st);
    return s;
}
