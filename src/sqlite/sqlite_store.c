/*
 * The SQLite store: the ptr_store_methods slots over one SQLite connection,
 * and ptr_sqlite_store_open.
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
 */
#define _POSIX_C_SOURCE 200809L /* pthread_mutexattr_settype */
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "libptr/sqlite.h"
#include "sqlite_internal.h"
#include "sqlite_row.h"

enum {
    S_BEGIN,
    S_BEGIN_WRITE,
    S_COMMIT,
    S_ROLLBACK,
    S_GET,
    S_INSERT,
    S_REPLACE,
    S_REMOVE,
    S_COUNT_OWNER,
    S_ADD_OWNER,
    S_SCAN,
    S_NSTMT
};

static const char *const sql[S_NSTMT] = {
    [S_BEGIN] = "BEGIN",
    [S_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_GET] = PTR__SQLITE_SQL_GET,
    [S_INSERT] = "INSERT INTO ptr_record (" PTR__SQLITE_COLUMNS
                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [S_REPLACE] = "UPDATE ptr_record SET project = ?3, owner = ?4, ttl = ?5, description = ?6,"
                  " names = ?7, tags = ?8, created = ?9, updated = ?10, revision = ?11"
                  " WHERE region = ?1 AND address = ?2",
    [S_REMOVE] = "DELETE FROM ptr_record WHERE region = ?1 AND address = ?2",
    [S_COUNT_OWNER] = PTR__SQLITE_SQL_COUNT_OWNER,
    [S_ADD_OWNER] = PTR__SQLITE_SQL_ADD_OWNER,
    /* The rest of the filter (names, tags) is ptr_store_filter_match's. */
    [S_SCAN] = PTR__SQLITE_SQL_SCAN,
};

/*
 * Owners a write transaction may have inserts for before they are written
 * to ptr_owner; one more writes them all first. A batch has one owner.
 */
#define PENDING_OWNERS 16

/* One owner's inserts in the open write transaction, not yet in ptr_owner. */
typedef struct pending_owner {
    size_t off, len; /* the owner's text in sqlstore.owners */
    int64_t inserted;
    int64_t stored;   /* the owner's row of ptr_owner, when stored_known */
    int stored_known; /* read by insert_checked; forgotten when a remove or replace may change it */
} pending_owner;

typedef struct sqlstore {
    ptr_allocator alloc;
    pthread_mutex_t lock; /* held from begin to commit/rollback */
    sqlite3 *db;
    sqlite3_stmt *stmt[S_NSTMT];
    int readonly;
    int in_txn, in_write; /* guarded by lock */
    ptr__sqlite_buf buf;  /* encoded keys and lists being bound */
    ptr_record *scratch;  /* what scan hands to its visitor */
    /* The open write transaction's inserts per owner (guarded by lock). */
    pending_owner pending[PENDING_OWNERS];
    unsigned npending;
    ptr__sqlite_buf owners; /* their owners' text, one after another */
    size_t owners_used;
} sqlstore;

/* ---- statements ------------------------------------------------------------- */

/* Leave a statement ready for its next use, releasing the buffers bound to it. */
static void stmt_done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

/* Run a statement that returns no row. */
static int run(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    stmt_done(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int bind_text(sqlite3_stmt *st, int i, const char *s, size_t len)
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

/* The store of a transaction handle, when it is the open one (it is the store itself). */
static sqlstore *txn_store(void *user, ptr_store_txn *txn)
{
    sqlstore *m = user;
    return (ptr_store_txn *)m == txn && m->in_txn ? m : NULL;
}

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
        return PTR_E_STORE;
    sqlite3_stmt *st = m->stmt[S_ADD_OWNER];
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
            return ptr__sqlite_status(rc);
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
    if ((s = ptr__sqlite_buf_reserve(&m->owners, m->owners_used + len)) != PTR_OK)
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

static ptr_status sq_begin(void *user, unsigned flags, ptr_store_txn **txn)
{
    sqlstore *m = user;
    const int write = (flags & PTR_TXN_WRITE) != 0;
    if (flags & ~PTR_TXN_WRITE)
        return PTR_E_INVAL;
    if (write && m->readonly)
        return PTR_E_STORE;
    /* An error-checking mutex: a second begin on the same thread is misuse, not a deadlock. */
    if (pthread_mutex_lock(&m->lock) != 0)
        return PTR_E_INVAL;
    int rc = run(m->stmt[write ? S_BEGIN_WRITE : S_BEGIN]);
    if (rc != SQLITE_OK) {
        pthread_mutex_unlock(&m->lock);
        return ptr__sqlite_status(rc);
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
        (void)run(m->stmt[S_ROLLBACK]);
    m->in_txn = 0;
    m->in_write = 0;
    m->npending = 0;
    m->owners_used = 0;
    pthread_mutex_unlock(&m->lock);
}

static ptr_status sq_commit(void *user, ptr_store_txn *txn)
{
    sqlstore *m = txn_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    /* The counts go in with the records they count, or neither does. */
    const ptr_status s = m->npending ? pending_write(m) : PTR_OK;
    const int rc = s == PTR_OK ? run(m->stmt[S_COMMIT]) : SQLITE_OK;
    /* A failed COMMIT may leave the transaction open: end_txn rolls it back, as commit promises. */
    end_txn(m);
    return s != PTR_OK ? s : ptr__sqlite_status(rc);
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
    sqlite3_stmt *st = m->stmt[S_GET];
    unsigned char key[PTR__SQLITE_ADDR_LEN];
    int rc = bind_key(st, region, region_len, addr, key);
    ptr_status s = PTR_E_NOT_FOUND;
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        ptr__sqlite_row row;
        s = ptr__sqlite_row_read(st, 0, &row);
        if (s == PTR_OK)
            s = ptr__sqlite_row_decode(&row, out);
        else
            ptr_record_reset(out);
    } else if (rc != SQLITE_DONE) {
        s = ptr__sqlite_status(rc);
    }
    stmt_done(st);
    return s;
}

/* The owner's count as ptr_owner holds it (no row: 0). */
static ptr_status stored_count(sqlstore *m, const char *owner, size_t owner_len, int64_t *out)
{
    sqlite3_stmt *st = m->stmt[S_COUNT_OWNER];
    int rc = bind_text(st, 1, owner, owner_len);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    ptr_status s = PTR_OK;
    *out = 0;
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_INTEGER)
            *out = sqlite3_column_int64(st, 0);
        else
            s = PTR_E_STORE;
    } else if (rc != SQLITE_DONE) {
        s = ptr__sqlite_status(rc);
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
    int64_t stored;
    ptr_status s = stored_count(m, owner, owner_len, &stored);
    if (s == PTR_OK)
        s = owner_total(stored, pending_find(m, owner, owner_len), count);
    return s;
}

static int bind_filter_text(sqlite3_stmt *st, int i, ptr_text t)
{
    return t.len ? bind_text(st, i, t.s, t.len) : sqlite3_bind_null(st, i);
}

static ptr_status sq_scan(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                          const ptr_addr *after, ptr_store_visit_fn visit, void *visit_ctx)
{
    sqlstore *m = txn_store(user, txn);
    if (!m || (after && !addr_ok(after)))
        return PTR_E_INVAL;
    sqlite3_stmt *st = m->stmt[S_SCAN];
    /* A visitor that scans again would reset the scan it is called from. */
    if (sqlite3_stmt_busy(st))
        return PTR_E_INVAL;
    unsigned char key[PTR__SQLITE_ADDR_LEN];
    int rc = bind_text(st, 1, f->region.s, f->region.len);
    if (rc == SQLITE_OK) {
        if (after) {
            ptr__sqlite_addr_encode(after, key);
            rc = sqlite3_bind_blob(st, 2, key, PTR__SQLITE_ADDR_LEN, SQLITE_STATIC);
        } else {
            /* The empty blob sorts before every key. */
            rc = sqlite3_bind_zeroblob(st, 2, 0);
        }
    }
    if (rc == SQLITE_OK)
        rc = bind_filter_text(st, 3, f->project);
    if (rc == SQLITE_OK)
        rc = bind_filter_text(st, 4, f->owner);
    ptr_status s = PTR_OK;
    while (rc == SQLITE_OK || rc == SQLITE_ROW) {
        if ((rc = sqlite3_step(st)) != SQLITE_ROW)
            break;
        ptr__sqlite_row row;
        if ((s = ptr__sqlite_row_read(st, 0, &row)) != PTR_OK ||
            (s = ptr__sqlite_row_decode(&row, m->scratch)) != PTR_OK)
            break;
        if (ptr_store_filter_match(f, m->scratch) && visit(visit_ctx, m->scratch))
            break;
    }
    if (s == PTR_OK && rc != SQLITE_ROW && rc != SQLITE_DONE && rc != SQLITE_OK)
        s = ptr__sqlite_status(rc);
    stmt_done(st);
    ptr_record_reset(m->scratch);
    return s;
}

/* ---- writes ------------------------------------------------------------------ */

static sqlstore *write_store(void *user, ptr_store_txn *txn)
{
    sqlstore *m = txn_store(user, txn);
    return m && m->in_write ? m : NULL;
}

/* Insert rec and count it for its owner (p); PTR_E_EXISTS for a taken key. */
static ptr_status insert_row(sqlstore *m, const ptr_record *rec, pending_owner *p)
{
    sqlite3_stmt *st = m->stmt[S_INSERT];
    ptr_status s = ptr__sqlite_row_bind(st, rec, &m->buf);
    if (s == PTR_OK) {
        /* A failed statement undoes only itself (ON CONFLICT ABORT): the transaction goes on. */
        const int rc = sqlite3_step(st);
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
            s = PTR_E_EXISTS;
        else if (rc != SQLITE_DONE)
            s = ptr__sqlite_status(rc);
        else
            p->inserted++;
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
    sqlite3_stmt *st = m->stmt[S_GET];
    unsigned char key[PTR__SQLITE_ADDR_LEN];
    int rc = bind_key(st, region, region_len, ptr_record_address(rec), key);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    stmt_done(st);
    if (rc == SQLITE_ROW)
        return PTR_E_EXISTS;
    return rc == SQLITE_DONE ? PTR_E_NOT_FOUND : ptr__sqlite_status(rc);
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
    sqlite3_stmt *st = m->stmt[S_REPLACE];
    ptr_status s = ptr__sqlite_row_bind(st, rec, &m->buf);
    if (s == PTR_OK) {
        stored_counts_changed(m);
        const int rc = sqlite3_step(st);
        if (rc != SQLITE_DONE)
            s = ptr__sqlite_status(rc);
        else if (sqlite3_changes(m->db) == 0)
            s = PTR_E_NOT_FOUND;
    }
    stmt_done(st);
    return s;
}

static ptr_status sq_remove(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                            const ptr_addr *addr)
{
    sqlstore *m = write_store(user, txn);
    if (!m || !addr_ok(addr))
        return PTR_E_INVAL;
    sqlite3_stmt *st = m->stmt[S_REMOVE];
    unsigned char key[PTR__SQLITE_ADDR_LEN];
    int rc = bind_key(st, region, region_len, addr, key);
    stored_counts_changed(m);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    ptr_status s = PTR_OK;
    if (rc != SQLITE_DONE)
        s = ptr__sqlite_status(rc);
    else if (sqlite3_changes(m->db) == 0)
        s = PTR_E_NOT_FOUND;
    stmt_done(st);
    return s;
}

/* ---- life cycle --------------------------------------------------------------- */

/* Frees whatever part of the store was made; used by a failing open too. */
static void sq_destroy(void *user)
{
    sqlstore *m = user;
    for (int i = 0; i < S_NSTMT; i++)
        sqlite3_finalize(m->stmt[i]); /* NULL is a no-op */
    sqlite3_close_v2(m->db);
    ptr__sqlite_buf_free(&m->buf);
    ptr__sqlite_buf_free(&m->owners);
    ptr_record_free(m->scratch);
    pthread_mutex_destroy(&m->lock);
    m->alloc.free(m->alloc.ctx, m);
}

static const ptr_store_methods sqlstore_methods = {
    .version = 2, /* no count slot yet */
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .get = sq_get,
    .insert = sq_insert,
    .replace = sq_replace,
    .remove = sq_remove,
    .count_owner = sq_count_owner,
    .scan = sq_scan,
    .destroy = sq_destroy,
    .insert_checked = sq_insert_checked,
};

void ptr_sqlite_options_init(ptr_sqlite_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->struct_size = (uint32_t)sizeof *o;
    o->flags = PTR_SQLITE_CREATE;
    o->busy_timeout_ms = 5000;
}

uint32_t ptr_sqlite_schema_version(void)
{
    return PTR__SQLITE_SCHEMA_VERSION;
}

static ptr_status check_args(const char *path, size_t path_len, const ptr_sqlite_options *o,
                             ptr_store **out, ptr_error *err)
{
    if (!out || !path)
        return ptr__sqlite_fail(err, PTR_E_INVAL, "NULL path or out", NULL);
    if (path_len == 0 || memchr(path, '\0', path_len))
        return ptr__sqlite_fail(err, PTR_E_INVAL, "the path is empty or contains a NUL byte", NULL);
    if (o->struct_size < sizeof *o)
        return ptr__sqlite_fail(err, PTR_E_INVAL, "ptr_sqlite_options.struct_size too small", NULL);
    if (o->flags & ~(PTR_SQLITE_CREATE | PTR_SQLITE_READONLY))
        return ptr__sqlite_fail(err, PTR_E_INVAL, "unknown ptr_sqlite_options.flags", NULL);
    const ptr_allocator *a = o->allocator;
    if (a && (!a->malloc || !a->realloc || !a->free))
        return ptr__sqlite_fail(err, PTR_E_INVAL, "an allocator with a NULL function", NULL);
    if (!sqlite3_threadsafe())
        return ptr__sqlite_fail(err, PTR_E_STORE, "SQLite was built without thread safety", NULL);
    return PTR_OK;
}

/* Connect and make the schema current; m->db is set (maybe to a failed handle) in any case. */
static ptr_status db_connect(sqlstore *m, const char *path, size_t path_len,
                             const ptr_sqlite_options *o, ptr_error *err)
{
    char *name = m->alloc.malloc(m->alloc.ctx, path_len + 1);
    if (!name)
        return ptr__sqlite_fail(err, PTR_E_NOMEM, "out of memory", NULL);
    memcpy(name, path, path_len);
    name[path_len] = '\0';
    const int is_memory = strcmp(name, ":memory:") == 0;
    /*
     * No SQLITE_OPEN_URI: the path is a file name, never options. A private
     * cache: the application enabling shared cache must not turn our file
     * locks into table locks.
     */
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
    if (m->readonly)
        flags |= SQLITE_OPEN_READONLY;
    else
        flags |= SQLITE_OPEN_READWRITE | (o->flags & PTR_SQLITE_CREATE ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(name, &m->db, flags, NULL);
    m->alloc.free(m->alloc.ctx, name);
    if (rc != SQLITE_OK)
        return ptr__sqlite_fail(err, rc == SQLITE_NOMEM ? PTR_E_NOMEM : PTR_E_STORE,
                                "cannot open the database", m->db);
    sqlite3_extended_result_codes(m->db, 1);
    sqlite3_busy_timeout(m->db, o->busy_timeout_ms > INT_MAX ? INT_MAX : (int)o->busy_timeout_ms);
    ptr_status st =
        ptr__sqlite_schema_prepare(m->db, m->readonly, is_memory, o->busy_timeout_ms, err);
    if (st != PTR_OK)
        return st;
    for (int i = 0; i < S_NSTMT; i++) {
        /* Kept for the connection's life: SQLITE_PREPARE_PERSISTENT tells SQLite so. */
        rc = sqlite3_prepare_v3(m->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &m->stmt[i], NULL);
        if (rc != SQLITE_OK)
            return ptr__sqlite_fail(err, ptr__sqlite_status(rc), "preparing statements", m->db);
    }
    return PTR_OK;
}

ptr_status ptr_sqlite_store_open(const char *path, size_t path_len, const ptr_sqlite_options *opts,
                                 ptr_store **out, ptr_error *err)
{
    ptr_sqlite_options defaults;
    if (out)
        *out = NULL;
    if (!opts) {
        ptr_sqlite_options_init(&defaults);
        opts = &defaults;
    }
    ptr_status st = check_args(path, path_len, opts, out, err);
    if (st != PTR_OK)
        return st;
    const ptr_allocator a = opts->allocator
                                ? *opts->allocator
                                : *ptr_allocator_libc();
    sqlstore *m = a.malloc(a.ctx, sizeof *m);
    if (!m)
        return ptr__sqlite_fail(err, PTR_E_NOMEM, "out of memory", NULL);
    memset(m, 0, sizeof *m);
    m->alloc = a;
    m->buf.alloc = &m->alloc;
    m->owners.alloc = &m->alloc;
    m->readonly = (opts->flags & PTR_SQLITE_READONLY) != 0;

    pthread_mutexattr_t attr;
    int merr = pthread_mutexattr_init(&attr);
    if (merr == 0) {
        merr = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
        if (merr == 0)
            merr = pthread_mutex_init(&m->lock, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    if (merr != 0) {
        a.free(a.ctx, m);
        return ptr__sqlite_fail(err, PTR_E_NOMEM, "cannot make a mutex", NULL);
    }
    st = ptr_record_new(&m->alloc, &m->scratch);
    if (st != PTR_OK) {
        ptr__sqlite_fail(err, st, "out of memory", NULL);
    } else if ((st = db_connect(m, path, path_len, opts, err)) == PTR_OK) {
        st = ptr_store_new(&sqlstore_methods, m, out);
        if (st != PTR_OK)
            ptr__sqlite_fail(err, st, "cannot make the store handle", NULL);
    }
    if (st != PTR_OK)
        sq_destroy(m);
    return st;
}
