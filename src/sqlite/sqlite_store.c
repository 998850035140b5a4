/*
 * The SQLite store: the ptr_store_methods slots over one SQLite connection
 * (opening it: sqlite_open.c).
 *
 * Isolation (store.h's contract): a write transaction is BEGIN IMMEDIATE,
 * which takes the database's write lock at once, so no other connection, in
 * this process or another, can commit until it ends; it waits up to the
 * busy timeout for that lock, then the slot answers PTR_E_BUSY. Within one
 * handle, a mutex is held from begin to commit or rollback, for reads too: a
 * connection has one transaction at a time, so threads sharing the handle
 * take turns. The connection is opened without SQLite's own mutex
 * (SQLITE_OPEN_NOMUTEX) because ours already serializes every use of it.
 *
 * Every statement is constant SQL with bound parameters, prepared once per
 * connection and reset after each use.
 *
 * Owner counts (the quota): ptr_owner holds each owner's count, and a write
 * transaction keeps the count of its own inserts per owner in memory, adds
 * it to what count_owner reads, and writes it to ptr_owner just before
 * COMMIT, in the same transaction. A batch of 500 records of one owner then
 * writes its owner's row once rather than an index entry per record.
 * Deletes and owner changes are counted by triggers (sqlite_schema.c).
 *
 * A create's write step is insert_checked: one INSERT, whose unique index
 * answers for a taken key, after the owner's count, read once per
 * transaction and owner (only this connection can change it while the
 * write lock is held). Through get and insert, every record of a batch
 * would also cost a lookup of its key.
 *
 * The file is not trusted (sqlite.h): each begin compares PRAGMA
 * schema_version with the one last checked, and checks the schema again
 * when another connection changed it. Every failure leaves its reason in
 * this thread's message (sqlite_diag.c). scan and count: sqlite_scan.c;
 * owner limits: sqlite_limits.c.
 */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "libptr/sqlite.h"
#include "sqlite_internal.h"
#include "sqlite_row.h"

typedef ptr__sqlite_store sqlstore;
typedef ptr__sqlite_pending pending_owner;
#define PENDING_OWNERS PTR__SQLITE_PENDING_OWNERS

static const char *const sql[PTR__S_NSTMT] = {
    [PTR__S_BEGIN] = "BEGIN",
    [PTR__S_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [PTR__S_COMMIT] = "COMMIT",
    [PTR__S_ROLLBACK] = "ROLLBACK",
    [PTR__S_SCHEMA_COOKIE] = "PRAGMA schema_version",
    [PTR__S_GET] = PTR__SQLITE_SQL_GET,
    [PTR__S_PROBE] = PTR__SQLITE_SQL_GET,
    [PTR__S_INSERT] = "INSERT INTO ptr_record (" PTR__SQLITE_COLUMNS
                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [PTR__S_REPLACE] = "UPDATE ptr_record SET project = ?3, owner = ?4, ttl = ?5, description = ?6,"
                       " names = ?7, tags = ?8, created = ?9, updated = ?10, revision = ?11,"
                       " dns_status = ?12, dns_action = ?13, dns_error = ?14, in_dns = ?15"
                       " WHERE region = ?1 AND address = ?2",
    [PTR__S_REMOVE] = "DELETE FROM ptr_record WHERE region = ?1 AND address = ?2",
    [PTR__S_COUNT_OWNER] = PTR__SQLITE_SQL_COUNT_OWNER,
    [PTR__S_ADD_OWNER] = PTR__SQLITE_SQL_ADD_OWNER,
    [PTR__S_ADD_SCOPE] = PTR__SQLITE_SQL_ADD_SCOPE,
    /* The rest of the filter (names, tags) is ptr_store_filter_match's. */
    [PTR__S_SCAN] = PTR__SQLITE_SQL_SCAN,
    [PTR__S_NEXT_KEY] = PTR__SQLITE_SQL_NEXT_KEY,
    [PTR__S_SCAN_PENDING] = PTR__SQLITE_SQL_SCAN_PENDING,
    [PTR__S_NEXT_PENDING] = PTR__SQLITE_SQL_NEXT_PENDING,
    [PTR__S_COUNT_PENDING] = PTR__SQLITE_SQL_COUNT_PENDING,
    [PTR__S_COUNT_PENDING_ALL] = PTR__SQLITE_SQL_COUNT_PENDING_ALL,
    [PTR__S_REGIONS] = PTR__SQLITE_SQL_REGIONS,
    /*
     * count, for each combination of the filter's region (1), project (2)
     * and owner (4): without an owner, a sum over ptr_scope_count (one row
     * for region and project); an owner alone is count_owner's; the rest
     * count rows, through the key index when the region is given.
     */
    [PTR__S_COUNT0 + 0] = "SELECT coalesce(sum(records), 0) FROM ptr_scope_count",
    [PTR__S_COUNT0 + 1] = "SELECT coalesce(sum(records), 0) FROM ptr_scope_count WHERE region = ?1",
    [PTR__S_COUNT0 + 2] =
        "SELECT coalesce(sum(records), 0) FROM ptr_scope_count WHERE project = ?2",
    [PTR__S_COUNT0 + 3] = PTR__SQLITE_SQL_COUNT_SCOPE,
    [PTR__S_COUNT0 + 4] = PTR__SQLITE_SQL_COUNT_OWNER,
    [PTR__S_COUNT0 + 5] = "SELECT count(*) FROM ptr_record WHERE region = ?1 AND owner = ?3",
    [PTR__S_COUNT0 + 6] = "SELECT count(*) FROM ptr_record WHERE project = ?2 AND owner = ?3",
    [PTR__S_COUNT0 + 7] = "SELECT count(*) FROM ptr_record"
                          " WHERE region = ?1 AND project = ?2 AND owner = ?3",
    [PTR__S_LIMIT_GET] = "SELECT records FROM ptr_owner_limit WHERE owner = ?1",
    [PTR__S_LIMIT_SET] = "INSERT INTO ptr_owner_limit (owner, records) VALUES (?1, ?2)"
                         " ON CONFLICT (owner) DO UPDATE SET records = excluded.records",
    [PTR__S_LIMIT_REMOVE] = "DELETE FROM ptr_owner_limit WHERE owner = ?1",
    [PTR__S_LIMIT_SCAN] = "SELECT owner, records FROM ptr_owner_limit ORDER BY owner",
};

/*
 * A version 4 file opened read-only (PTR__SQLITE_READ_OLDEST): its reads
 * give every row the DNS status the migration would, and none is pending
 * ("0" for the test of a pending record keeps each statement's parameters).
 * Its writes are never prepared: a read-only store begins no write.
 */
static const char *sql_of_version(int i, int64_t version)
{
    if (version >= PTR__SQLITE_SCHEMA_VERSION)
        return sql[i];
    switch (i) {
    case PTR__S_GET:
    case PTR__S_PROBE:
        return PTR__SQLITE_SQL_GET_OF(PTR__SQLITE_COLUMNS_READ_V4);
    case PTR__S_SCAN:
        return PTR__SQLITE_SQL_SCAN_OF(PTR__SQLITE_COLUMNS_READ_V4, "");
    case PTR__S_SCAN_PENDING:
        return PTR__SQLITE_SQL_SCAN_OF(PTR__SQLITE_COLUMNS_READ_V4, " AND 0");
    case PTR__S_NEXT_PENDING:
        return PTR__SQLITE_SQL_NEXT_KEY_OF(" AND 0");
    case PTR__S_COUNT_PENDING:
        return PTR__SQLITE_SQL_COUNT_PENDING_OF("region = ?1 AND ", "0");
    case PTR__S_COUNT_PENDING_ALL:
        return PTR__SQLITE_SQL_COUNT_PENDING_OF("", "0");
    case PTR__S_INSERT:
    case PTR__S_REPLACE:
        return NULL;
    default:
        return sql[i];
    }
}

/* ---- statements ------------------------------------------------------------- */

void ptr__sqlite_stmt_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

#define stmt_done ptr__sqlite_stmt_done

ptr_status ptr__sqlite_step_change(ptr__sqlite_store *m, sqlite3_stmt *st, int rc)
{
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    ptr_status s = PTR_OK;
    if (rc != SQLITE_DONE)
        s = ptr__sqlite_diag_rc(m, rc);
    else if (sqlite3_changes(m->db) == 0)
        s = PTR_E_NOT_FOUND;
    stmt_done(st);
    return s;
}

/* Run a statement that returns no row. */
static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    stmt_done(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

#define bind_text ptr__sqlite_bind_text

int ptr__sqlite_bind_text(sqlite3_stmt *st, int i, const char *s, size_t len)
{
    return sqlite3_bind_text64(st, i, len ? s : "", (sqlite3_uint64)len, SQLITE_STATIC,
                               SQLITE_UTF8);
}

/* Bind (region, address) to ?1 and ?2; key must live until the statement is reset. */
static int bind_key(sqlite3_stmt *st, const char *region, size_t region_len, const ptr_addr *addr,
                    unsigned char key[PTR__SQLITE_ADDR_LEN])
{
    ptr__sqlite_addr_encode(addr, key);
    int rc = bind_text(st, 1, region, region_len);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(st, 2, key, PTR__SQLITE_ADDR_LEN, SQLITE_STATIC);
    return rc;
}

static int addr_ok(const ptr_addr *a)
{
    return a->family == 4 || a->family == 6;
}

sqlstore *ptr__sqlite_txn_store(void *user, ptr_store_txn *txn)
{
    sqlstore *m = user;
    return (ptr_store_txn *)m == txn && m->in_txn ? m : NULL;
}

#define txn_store ptr__sqlite_txn_store

/* ---- owner counts ------------------------------------------------------------ */

static const char *pending_text(const sqlstore *m, const pending_owner *p)
{
    return p->len ? (const char *)m->owners.p + p->off : "";
}

static pending_owner *pending_find(sqlstore *m, const char *owner, size_t len)
{
    for (unsigned i = 0; i < m->npending; i++) {
        pending_owner *p = &m->pending[i];
        if (p->len == len && memcmp(pending_text(m, p), len ? owner : "", len) == 0)
            return p;
    }
    return NULL;
}

/*
 * Add the transaction's inserts to ptr_owner. Never outside the transaction:
 * after an error that made SQLite roll it back, the statement would commit
 * on its own.
 */
static ptr_status pending_write(sqlstore *m)
{
    if (sqlite3_get_autocommit(m->db))
        return ptr__sqlite_diag_fail(m, PTR_E_STORE, "the transaction was rolled back by SQLite");
    sqlite3_stmt *st = m->stmt[PTR__S_ADD_OWNER];
    for (unsigned i = 0; i < m->npending; i++) {
        pending_owner *p = &m->pending[i];
        if (p->inserted == 0)
            continue;
        int rc = bind_text(st, 1, pending_text(m, p), p->len);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, 2, p->inserted);
        if (rc == SQLITE_OK)
            rc = run(st);
        else
            stmt_done(st);
        if (rc != SQLITE_OK)
            return ptr__sqlite_diag_rc(m, rc);
        p->inserted = 0; /* in ptr_owner now */
    }
    m->npending = 0;
    m->owners_used = 0;
    return PTR_OK;
}

/* The owner's entry, made before the insert so that counting it cannot fail afterwards. */
static ptr_status pending_entry(sqlstore *m, const char *owner, size_t len, pending_owner **out)
{
    if ((*out = pending_find(m, owner, len)) != NULL)
        return PTR_OK;
    ptr_status s;
    if (m->npending == PENDING_OWNERS && (s = pending_write(m)) != PTR_OK)
        return s;
    if (len > SIZE_MAX - m->owners_used)
        return PTR_E_NOMEM;
    if ((s = ptr__bytebuf_reserve(&m->owners, m->owners_used + len)) != PTR_OK)
        return s;
    if (len)
        memcpy(m->owners.p + m->owners_used, owner, len);
    pending_owner *p = &m->pending[m->npending++];
    *p = (pending_owner){m->owners_used, len, 0, 0, 0};
    m->owners_used += len;
    *out = p;
    return PTR_OK;
}

/* ---- transactions ------------------------------------------------------------ */

/*
 * Another connection changed the schema since it was last checked (its
 * cookie moved): check it again before this transaction uses it, so that a
 * trigger added while the store was open never runs in it.
 */
static ptr_status schema_still_ours(sqlstore *m)
{
    sqlite3_stmt *st = m->stmt[PTR__S_SCHEMA_COOKIE];
    int rc = sqlite3_step(st);
    const int64_t cookie = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    stmt_done(st);
    if (rc != SQLITE_ROW)
        return ptr__sqlite_diag_rc(m, rc);
    if (cookie == m->schema_cookie)
        return PTR_OK;
    char msg[PTR_ERROR_MESSAGE_SIZE];
    if (ptr__sqlite_schema_verify(m->db, m->version, msg, sizeof msg) != PTR_OK)
        /* An old file read as it was may have been migrated since: a new open reads it. */
        return ptr__sqlite_diag_fail(m, PTR_E_STORE, "%s%s", msg,
                                     m->version < PTR__SQLITE_SCHEMA_VERSION
                                         ? " (or migrated since it was opened: open it again)"
                                         : "");
    m->schema_cookie = cookie;
    return PTR_OK;
}

static ptr_status sq_begin(void *user, unsigned flags, ptr_store_txn **txn)
{
    sqlstore *m = user;
    const int write = (flags & PTR_TXN_WRITE) != 0;
    if (flags & ~PTR_TXN_WRITE)
        return PTR_E_INVAL;
    ptr__sqlite_diag_begin(m);
    if (write && m->readonly)
        return ptr__sqlite_diag_fail(m, PTR_E_STORE, "the database is open read-only");
    /* An error-checking mutex: a second begin on the same thread is misuse, not a deadlock. */
    if (pthread_mutex_lock(&m->lock) != 0)
        return PTR_E_INVAL;
    int rc = run(m->stmt[write ? PTR__S_BEGIN_WRITE : PTR__S_BEGIN]);
    ptr_status s = rc == SQLITE_OK ? schema_still_ours(m) : ptr__sqlite_diag_rc(m, rc);
    if (s != PTR_OK) {
        if (!sqlite3_get_autocommit(m->db))
            (void)run(m->stmt[PTR__S_ROLLBACK]);
        pthread_mutex_unlock(&m->lock);
        return s;
    }
    m->in_txn = 1;
    m->in_write = write;
    *txn = (ptr_store_txn *)m;
    return PTR_OK;
}

/* Make sure no transaction is left open on the connection, then let the next thread in. */
static void end_txn(sqlstore *m)
{
    if (!sqlite3_get_autocommit(m->db))
        (void)run(m->stmt[PTR__S_ROLLBACK]);
    m->in_txn = 0;
    m->in_write = 0;
    m->npending = 0;
    m->owners_used = 0;
    m->nscopes = 0;
    m->scope_used = 0;
    pthread_mutex_unlock(&m->lock);
}

static ptr_status sq_commit(void *user, ptr_store_txn *txn)
{
    sqlstore *m = txn_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    /* The counts go in with the records they count, or neither does. */
    ptr_status s = m->npending ? pending_write(m) : PTR_OK;
    if (s == PTR_OK && m->nscopes)
        s = ptr__sqlite_scope_write(m);
    const int rc = s == PTR_OK ? run(m->stmt[PTR__S_COMMIT]) : SQLITE_OK;
    if (s == PTR_OK && rc != SQLITE_OK)
        s = ptr__sqlite_diag_rc(m, rc);
    /* A failed COMMIT may leave the transaction open: end_txn rolls it back, as commit promises. */
    end_txn(m);
    return s;
}

static void sq_rollback(void *user, ptr_store_txn *txn)
{
    sqlstore *m = txn_store(user, txn);
    if (m)
        end_txn(m);
}

/* ---- reads ------------------------------------------------------------------ */

static ptr_status sq_get(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                         const ptr_addr *addr, ptr_record *out)
{
    sqlstore *m = txn_store(user, txn);
    if (!m || !addr_ok(addr))
        return PTR_E_INVAL;
    sqlite3_stmt *st = m->stmt[PTR__S_GET];
    unsigned char key[PTR__SQLITE_ADDR_LEN];
    int rc = bind_key(st, region, region_len, addr, key);
    ptr_status s = PTR_E_NOT_FOUND;
    char why[160] = ""; /* a column of the wrong type leaves it so */
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ptr__sqlite_row row;
        s = ptr__sqlite_row_read(st, 0, &row);
        if (s == PTR_OK)
            s = ptr__sqlite_row_decode(&row, &m->lim, out, why, sizeof why);
        else
            ptr_record_reset(out);
        if (s == PTR_E_STORE)
            s = ptr__sqlite_corrupt(m, region, region_len, key, sizeof key,
                                    why[0] ? why : "a column of the wrong type");
    } else if ((rc & 0xff) == SQLITE_TOOBIG) {
        /* SQLite refused to load a value over the limit: the row is damage, not a failure. */
        s = ptr__sqlite_corrupt(m, region, region_len, key, sizeof key, sqlite3_errmsg(m->db));
    } else if (rc != SQLITE_DONE) {
        s = ptr__sqlite_diag_rc(m, rc);
    }
    stmt_done(st);
    return s;
}

/* The owner's count as ptr_owner holds it (no row: 0). */
static ptr_status stored_count(sqlstore *m, const char *owner, size_t owner_len, int64_t *out)
{
    sqlite3_stmt *st = m->stmt[PTR__S_COUNT_OWNER];
    int rc = bind_text(st, 1, owner, owner_len);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    ptr_status s = PTR_OK;
    *out = 0;
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_INTEGER)
            *out = sqlite3_column_int64(st, 0);
        else
            s = ptr__sqlite_diag_fail(m, PTR_E_STORE, "a count of ptr_owner that is not a number");
    } else if (rc != SQLITE_DONE) {
        s = ptr__sqlite_diag_rc(m, rc);
    }
    stmt_done(st);
    return s;
}

/*
 * The stored count plus the transaction's own inserts. The stored count may
 * be below zero inside a transaction that removed some of its own inserts
 * (a remove is counted at once, an insert at commit); the sum may not.
 */
static ptr_status owner_total(int64_t stored, const pending_owner *p, uint64_t *count)
{
    int64_t n = stored;
    if (p) {
        if (n > 0 && p->inserted > INT64_MAX - n)
            return PTR_E_STORE;
        n += p->inserted;
    }
    if (n < 0)
        return PTR_E_STORE;
    *count = (uint64_t)n;
    return PTR_OK;
}

static ptr_status sq_count_owner(void *user, ptr_store_txn *txn, const char *owner,
                                 size_t owner_len, uint64_t *count)
{
    sqlstore *m = txn_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    return ptr__sqlite_owner_count(m, owner, owner_len, count);
}

ptr_status ptr__sqlite_owner_count(sqlstore *m, const char *owner, size_t owner_len,
                                   uint64_t *count)
{
    int64_t stored;
    ptr_status s = stored_count(m, owner, owner_len, &stored);
    if (s == PTR_OK)
        s = owner_total(stored, pending_find(m, owner, owner_len), count);
    return s;
}

/* ---- writes ------------------------------------------------------------------ */

sqlstore *ptr__sqlite_write_store(void *user, ptr_store_txn *txn)
{
    sqlstore *m = txn_store(user, txn);
    return m && m->in_write ? m : NULL;
}

#define write_store ptr__sqlite_write_store

/* Bind rec for an INSERT or UPDATE; a record beyond the limits is refused with its reason. */
static ptr_status bind_record(sqlstore *m, sqlite3_stmt *st, const ptr_record *rec)
{
    char why[160];
    ptr_status s = ptr__sqlite_row_bind(st, rec, &m->buf, &m->lim, why, sizeof why);
    if (s == PTR_E_INVAL)
        return ptr__sqlite_diag_fail(m, s, "cannot store the record: %s", why);
    return s;
}

/* Insert rec and count it for its owner (p) and scope; PTR_E_EXISTS for a taken key. */
static ptr_status insert_row(sqlstore *m, const ptr_record *rec, pending_owner *p)
{
    sqlite3_stmt *st = m->stmt[PTR__S_INSERT];
    ptr__sqlite_scope *sc;
    ptr_status s = ptr__sqlite_scope_entry(m, rec, &sc);
    if (s != PTR_OK)
        return s;
    s = bind_record(m, st, rec);
    if (s == PTR_OK) {
        /* A failed statement undoes only itself (ON CONFLICT ABORT): the transaction goes on. */
        const int rc = sqlite3_step(st);
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
            s = PTR_E_EXISTS;
        else if (rc != SQLITE_DONE)
            s = ptr__sqlite_diag_rc(m, rc);
        else {
            p->inserted++;
            sc->inserted++;
        }
    }
    stmt_done(st);
    return s;
}

static ptr_status sq_insert(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    sqlstore *m = write_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    size_t owner_len;
    const char *owner = ptr_record_owner(rec, &owner_len);
    pending_owner *p;
    ptr_status s = pending_entry(m, owner, owner_len, &p);
    return s == PTR_OK ? insert_row(m, rec, p) : s;
}

/* PTR_E_EXISTS when rec's key is taken, PTR_E_NOT_FOUND when it is free. */
static ptr_status key_taken(sqlstore *m, const ptr_record *rec)
{
    size_t region_len;
    const char *region = ptr_record_region(rec, &region_len);
    sqlite3_stmt *st = m->stmt[PTR__S_GET];
    unsigned char key[PTR__SQLITE_ADDR_LEN];
    int rc = bind_key(st, region, region_len, ptr_record_address(rec), key);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    stmt_done(st);
    /* A row SQLite refuses to load (too big) still takes the key. */
    if (rc == SQLITE_ROW || (rc & 0xff) == SQLITE_TOOBIG)
        return PTR_E_EXISTS;
    return rc == SQLITE_DONE ? PTR_E_NOT_FOUND : ptr__sqlite_diag_rc(m, rc);
}

/*
 * The unique index is the key check: under the limit, the INSERT alone
 * answers PTR_E_EXISTS or stores the record. At the limit the key is looked
 * up, because a taken key is the answer before the quota.
 */
static ptr_status sq_insert_checked(void *user, ptr_store_txn *txn, const ptr_record *rec,
                                    uint64_t limit)
{
    sqlstore *m = write_store(user, txn);
    if (!m || !addr_ok(ptr_record_address(rec)))
        return PTR_E_INVAL;
    size_t owner_len;
    const char *owner = ptr_record_owner(rec, &owner_len);
    pending_owner *p;
    ptr_status s = pending_entry(m, owner, owner_len, &p);
    if (s == PTR_OK && !p->stored_known) {
        s = stored_count(m, owner, owner_len, &p->stored);
        p->stored_known = s == PTR_OK;
    }
    uint64_t used;
    if (s != PTR_OK || (s = owner_total(p->stored, p, &used)) != PTR_OK)
        return s;
    if (used >= limit) {
        s = key_taken(m, rec);
        return s == PTR_E_NOT_FOUND ? PTR_E_QUOTA : s;
    }
    return insert_row(m, rec, p);
}

/* A remove or an owner change moves stored counts (the triggers): read them again. */
static void stored_counts_changed(sqlstore *m)
{
    for (unsigned i = 0; i < m->npending; i++)
        m->pending[i].stored_known = 0;
}

static ptr_status sq_replace(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    sqlstore *m = write_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    sqlite3_stmt *st = m->stmt[PTR__S_REPLACE];
    ptr_status s = bind_record(m, st, rec);
    if (s != PTR_OK) {
        stmt_done(st);
        return s;
    }
    stored_counts_changed(m);
    return ptr__sqlite_step_change(m, st, SQLITE_OK);
}

static ptr_status sq_remove(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                            const ptr_addr *addr)
{
    sqlstore *m = write_store(user, txn);
    if (!m || !addr_ok(addr))
        return PTR_E_INVAL;
    sqlite3_stmt *st = m->stmt[PTR__S_REMOVE];
    unsigned char key[PTR__SQLITE_ADDR_LEN];
    const int rc = bind_key(st, region, region_len, addr, key);
    stored_counts_changed(m);
    return ptr__sqlite_step_change(m, st, rc);
}

/* ---- life cycle --------------------------------------------------------------- */

/* Frees whatever part of the store was made; used by a failing open too. */
static void sq_destroy(void *user)
{
    sqlstore *m = user;
    ptr__sqlite_diag_forget(m);
    for (int i = 0; i < PTR__S_NSTMT; i++)
        sqlite3_finalize(m->stmt[i]); /* NULL is a no-op */
    sqlite3_close_v2(m->db);
    ptr__bytebuf_free(&m->buf);
    ptr__bytebuf_free(&m->key);
    ptr__bytebuf_free(&m->owners);
    ptr__bytebuf_free(&m->scope_text);
    ptr_record_free(m->scratch);
    pthread_mutex_destroy(&m->lock);
    m->alloc.free(m->alloc.ctx, m);
}

/*
 * begin_keys stays NULL: BEGIN IMMEDIATE locks the whole database, which is
 * more than any key set, and SQLite has no finer write lock to take.
 */
const ptr_store_methods ptr__sqlite_methods = {
    .version = PTR_STORE_METHODS_VERSION,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .get = sq_get,
    .insert = sq_insert,
    .replace = sq_replace,
    .remove = sq_remove,
    .count_owner = sq_count_owner,
    .scan = ptr__sqlite_scan,
    .destroy = sq_destroy,
    .insert_checked = sq_insert_checked,
    .count = ptr__sqlite_count,
    .begin_keys = NULL,
    .owner_limit_get = ptr__sqlite_limit_get,
    .owner_limit_set = ptr__sqlite_limit_set,
    .owner_limit_remove = ptr__sqlite_limit_remove,
    .owner_limit_scan = ptr__sqlite_limit_scan,
};

ptr_status ptr__sqlite_prepare(sqlstore *m, ptr_error *err)
{
    for (int i = 0; i < PTR__S_NSTMT; i++) {
        const char *text = sql_of_version(i, m->version);
        if (!text)
            continue;
        /* Kept for the connection's life: SQLITE_PREPARE_PERSISTENT tells SQLite so. */
        int rc =
            sqlite3_prepare_v3(m->db, text, -1, SQLITE_PREPARE_PERSISTENT, &m->stmt[i], NULL);
        if (rc != SQLITE_OK)
            return ptr__sqlite_fail(err, ptr__sqlite_status(rc), "preparing statements", m->db);
    }
    /* The schema open checked is the one this cookie names. */
    sqlite3_stmt *cookie = m->stmt[PTR__S_SCHEMA_COOKIE];
    int rc = sqlite3_step(cookie);
    m->schema_cookie = rc == SQLITE_ROW ? sqlite3_column_int64(cookie, 0) : -1;
    stmt_done(cookie);
    if (rc != SQLITE_ROW)
        return ptr__sqlite_fail(err, ptr__sqlite_status(rc), "reading the schema version", m->db);
    return PTR_OK;
}
