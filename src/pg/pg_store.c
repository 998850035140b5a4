/*
 * The PostgreSQL store: the store object over one libpq connection, its
 * session (search path, lock timeout, prepared statements), its life cycle,
 * and ptr_pg_store_open. Transactions and their locks are in pg_txn.c, the
 * ptr_store_methods slots in pg_slots.c.
 *
 * Every statement is a prepared statement with bound parameters; results are
 * binary (pg_row.c).
 *
 * A failure is reported with the server's message kept in errmsg.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_mutexattr_settype */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libptr/pg.h"
#include "pg_internal.h"

/* The parameters of $1..$15 of a record, then a limit. */
#define RECORD_TYPES                                                                               \
    PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_INT8, PTR__PG_BYTEA,       \
        PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_INT8, PTR__PG_INT8, PTR__PG_INT8, PTR__PG_INT2,      \
        PTR__PG_INT2, PTR__PG_BYTEA, PTR__PG_INT2
#define RECORD_PARAMS "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15"
#define UPDATE_SET                                                                                 \
    "UPDATE ptr_record SET project = $3, owner = $4, ttl = $5, description = $6, names = $7,"      \
    " tags = $8, created = $9, updated = $10, revision = $11, dns_status = $12,"                   \
    " dns_action = $13, dns_error = $14, in_dns = $15 WHERE region = $1 AND address = $2"

/*
 * A page, and the rows a count by names or tags reads, with or without the
 * pending records' test: with it the planner walks ptr_record_pending.
 */
#define SCAN_SQL(pending)                                                                          \
    "SELECT " PTR__PG_COLUMNS " FROM ptr_record WHERE region = $1 AND address > $2" pending       \
    " AND ($3::bytea IS NULL OR project = $3) AND ($4::bytea IS NULL OR owner = $4)"               \
    " ORDER BY address LIMIT $5"
#define SCAN_TYPES {PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_INT8}
#define COUNT_SQL(pending)                                                                         \
    "SELECT count(*) FROM ptr_record WHERE ($1::bytea IS NULL OR region = $1)" pending             \
    " AND ($2::bytea IS NULL OR project = $2) AND ($3::bytea IS NULL OR owner = $3)"
#define COUNT_ROWS_SQL(pending)                                                                    \
    "SELECT " PTR__PG_COLUMNS " FROM ptr_record"                                                   \
    " WHERE ($1::bytea IS NULL OR region = $1) AND (region, address) > ($5, $6)" pending           \
    " AND ($2::bytea IS NULL OR project = $2) AND ($3::bytea IS NULL OR owner = $3)"               \
    " ORDER BY region, address LIMIT $4"
#define COUNT_ROWS_TYPES                                                                           \
    {PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_INT8, PTR__PG_BYTEA, PTR__PG_BYTEA}

typedef struct stmt_def {
    const char *sql;
    int n;
    Oid types[PTR__PG_NCOLUMNS + 1];
} stmt_def;

static const stmt_def stmts[S_NSTMT] = {
    [S_GET] = {"SELECT " PTR__PG_COLUMNS " FROM ptr_record WHERE region = $1 AND address = $2",
               2,
               {PTR__PG_BYTEA, PTR__PG_BYTEA}},
    /* The primary key answers "exists": no row inserted means the key is taken. */
    [S_INSERT] = {"INSERT INTO ptr_record (" PTR__PG_COLUMNS ") VALUES (" RECORD_PARAMS
                  ") ON CONFLICT DO NOTHING",
                  15,
                  {RECORD_TYPES}},
    /*
     * A create's checks and insert in one round trip: the owner's count, whether
     * the key is taken, and the insert when neither refuses. The parts share one
     * snapshot; the insert's ON CONFLICT still guards the key.
     */
    [S_INSERT_CHECKED] = {"WITH c AS (SELECT count(*) AS n FROM ptr_record WHERE owner = $4),"
                          " t AS (SELECT EXISTS (SELECT 1 FROM ptr_record"
                          " WHERE region = $1 AND address = $2) AS taken),"
                          " i AS (INSERT INTO ptr_record (" PTR__PG_COLUMNS
                          ") SELECT " RECORD_PARAMS
                          " WHERE NOT (SELECT taken FROM t) AND (SELECT n FROM c) < $16"
                          " ON CONFLICT DO NOTHING RETURNING 1)"
                          " SELECT (SELECT n FROM c), (SELECT taken FROM t),"
                          " (SELECT count(*) FROM i)",
                          16,
                          {RECORD_TYPES, PTR__PG_INT8}},
    [S_EXISTS] = {"SELECT 1 FROM ptr_record WHERE region = $1 AND address = $2",
                  2,
                  {PTR__PG_BYTEA, PTR__PG_BYTEA}},
    [S_REPLACE_SAME_OWNER] = {UPDATE_SET " AND owner = $4", 15, {RECORD_TYPES}},
    [S_REPLACE] = {UPDATE_SET, 15, {RECORD_TYPES}},
    [S_REMOVE] = {"DELETE FROM ptr_record WHERE region = $1 AND address = $2",
                  2,
                  {PTR__PG_BYTEA, PTR__PG_BYTEA}},
    [S_COUNT_OWNER] = {"SELECT count(*) FROM ptr_record WHERE owner = $1", 1, {PTR__PG_BYTEA}},
    /* A page: a range of the primary key, already in address order. */
    [S_SCAN] = {SCAN_SQL(""), 5, SCAN_TYPES},
    [S_COUNT] = {COUNT_SQL(""), 3, {PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA}},
    /* For a count with name or tag filters: the rows in key order, a page at a time. */
    [S_COUNT_ROWS] = {COUNT_ROWS_SQL(""), 6, COUNT_ROWS_TYPES},
    [S_SCAN_PENDING] = {SCAN_SQL(" AND " PTR__PG_PENDING), 5, SCAN_TYPES},
    [S_COUNT_PENDING] = {COUNT_SQL(" AND " PTR__PG_PENDING),
                         3,
                         {PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA}},
    [S_COUNT_ROWS_PENDING] = {COUNT_ROWS_SQL(" AND " PTR__PG_PENDING), 6, COUNT_ROWS_TYPES},
    [S_LIMIT_GET] = {"SELECT max_records FROM ptr_owner_limit WHERE owner = $1",
                     1,
                     {PTR__PG_BYTEA}},
    [S_LIMIT_SET] = {"INSERT INTO ptr_owner_limit (owner, max_records) VALUES ($1, $2)"
                     " ON CONFLICT (owner) DO UPDATE SET max_records = excluded.max_records",
                     2,
                     {PTR__PG_BYTEA, PTR__PG_INT8}},
    [S_LIMIT_REMOVE] = {"DELETE FROM ptr_owner_limit WHERE owner = $1", 1, {PTR__PG_BYTEA}},
    [S_LIMIT_SCAN] = {"SELECT owner, max_records FROM ptr_owner_limit WHERE owner > $1"
                      " ORDER BY owner LIMIT $2",
                      2,
                      {PTR__PG_BYTEA, PTR__PG_INT8}},
    /* unnest keeps the array's order, which the caller sorted. */
    [S_LOCK_KEYS] = {"SELECT pg_catalog.pg_advisory_xact_lock(k)"
                     " FROM pg_catalog.unnest($1::bigint[]) AS k",
                     1,
                     {0}},
    [S_LOCK_SHARED] = {"SELECT pg_catalog.pg_advisory_xact_lock_shared($1)", 1, {PTR__PG_INT8}},
    [S_LOCK_ALL] = {"SELECT pg_catalog.pg_advisory_xact_lock($1)", 1, {PTR__PG_INT8}},
};

/* Identifies ptr_pg_store_errmsg's question to owner_limit_get (see there). */
const char ptr__pg_errmsg_cookie = 0;

/* ---- errors ------------------------------------------------------------------ */

/* Note a failed statement: the message, and the status it means. */
ptr_status ptr__pg_fail_res(pgstore *m, const char *what, PGresult *res)
{
    ptr__pg_message(m->errmsg, sizeof m->errmsg, what, m->conn, res);
    const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(m->sqlstate, sizeof m->sqlstate, "%s", code ? code : "");
    ptr_status st = ptr__pg_status_of(res);
    if (st == PTR_OK)
        st = PTR_E_STORE; /* a statement that gave an unexpected kind of result */
    m->failed = 1;
    return st;
}

/* ---- the session ----------------------------------------------------------------- */

static ptr_status exec_text(pgstore *m, const char *sql, int n, const char *const *params,
                            const char *what)
{
    PGresult *r = PQexecParams(m->conn, sql, n, NULL, params, NULL, NULL, 0);
    ptr_status st = PTR_OK;
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        st = ptr__pg_fail_res(m, what, r);
    PQclear(r);
    return st;
}

/*
 * What every new connection needs: the search path (our schema first, where
 * the migrations create their tables, then the catalog, and temporary
 * objects last so that none can shadow our tables), the lock timeout, and
 * the prepared statements.
 */
static ptr_status session_setup(pgstore *m)
{
    char path[96], timeout[24];
    snprintf(path, sizeof path, "\"%s\", pg_catalog, pg_temp", m->schema);
    snprintf(timeout, sizeof timeout, "%ums", m->lock_timeout_ms);
    const char *p1[2] = {"search_path", path}, *p2[2] = {"lock_timeout", timeout};
    ptr_status st = exec_text(m, "SELECT pg_catalog.set_config($1, $2, false)", 2, p1,
                              "setting the search path");
    if (st == PTR_OK)
        st = exec_text(m, "SELECT pg_catalog.set_config($1, $2, false)", 2, p2,
                       "setting the lock timeout");
    return st;
}

static ptr_status prepare_all(pgstore *m)
{
    for (int i = 0; i < S_NSTMT; i++) {
        char name[16];
        snprintf(name, sizeof name, "ptr_%d", i);
        PGresult *r = PQprepare(m->conn, name, stmts[i].sql, stmts[i].n, stmts[i].types);
        ptr_status st = PQresultStatus(r) == PGRES_COMMAND_OK
                            ? PTR_OK
                            : ptr__pg_fail_res(m, "preparing statements", r);
        PQclear(r);
        if (st != PTR_OK)
            return st;
    }
    m->session_ready = 1;
    return PTR_OK;
}

/* A connection that broke is replaced; a new one gets its session set up. */
ptr_status ptr__pg_connection_ready(pgstore *m)
{
    if (PQstatus(m->conn) != CONNECTION_OK) {
        m->session_ready = 0;
        /* A pipeline the lost server left unfinished must not outlive the connection. */
        if (PQpipelineStatus(m->conn) != PQ_PIPELINE_OFF)
            (void)PQexitPipelineMode(m->conn);
        PQreset(m->conn);
        if (PQpipelineStatus(m->conn) != PQ_PIPELINE_OFF)
            (void)PQexitPipelineMode(m->conn);
        if (PQstatus(m->conn) != CONNECTION_OK) {
            ptr__pg_message(m->errmsg, sizeof m->errmsg, "reconnecting", m->conn, NULL);
            return PTR_E_STORE;
        }
    }
    if (m->session_ready)
        return PTR_OK;
    m->failed = 0;
    ptr_status st = session_setup(m);
    if (st == PTR_OK)
        st = prepare_all(m);
    return st;
}

/* Run prepared statement i with binary parameters; binary results. */
PGresult *ptr__pg_run(pgstore *m, int i, const ptr__pg_params *p)
{
    char name[16];
    snprintf(name, sizeof name, "ptr_%d", i);
    return PQexecPrepared(m->conn, name, p->n, p->values, p->lengths, p->formats, 1);
}

/* ---- life cycle -------------------------------------------------------------------- */

void ptr__pg_destroy(void *user)
{
    pgstore *m = user;
    if (m->conn)
        PQfinish(m->conn);
    if (m->conninfo)
        m->alloc.free(m->alloc.ctx, m->conninfo);
    if (m->held)
        m->alloc.free(m->alloc.ctx, m->held);
    ptr__bytebuf_free(&m->buf);
    pthread_mutex_destroy(&m->lock);
    m->alloc.free(m->alloc.ctx, m);
}

void ptr_pg_options_init(ptr_pg_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->struct_size = (uint32_t)sizeof *o;
    o->lock_timeout_ms = 5000;
}

uint32_t ptr_pg_schema_version(void)
{
    return PTR__PG_SCHEMA_VERSION;
}

/* A name that needs no quoting and is not reserved for the system. */
static int schema_name_ok(const char *s)
{
    const size_t n = strlen(s);
    if (n == 0 || n > 63 || (s[0] >= '0' && s[0] <= '9') || strncmp(s, "pg_", 3) == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

static ptr_status check_args(const char *conninfo, size_t len, const ptr_pg_options *o,
                             ptr_store **out, ptr_error *err)
{
    if (!out || !conninfo)
        return ptr__pg_fail(err, PTR_E_INVAL, "NULL conninfo or out");
    if (memchr(conninfo, '\0', len))
        return ptr__pg_fail(err, PTR_E_INVAL, "the connection string contains a NUL byte");
    if (o->struct_size < sizeof *o)
        return ptr__pg_fail(err, PTR_E_INVAL, "ptr_pg_options.struct_size too small");
    if (o->flags & ~PTR_PG_NO_MIGRATE)
        return ptr__pg_fail(err, PTR_E_INVAL, "unknown ptr_pg_options.flags");
    if (o->schema && !schema_name_ok(o->schema))
        return ptr__pg_fail(err, PTR_E_INVAL,
                            "ptr_pg_options.schema: 1 to 63 of a-z, 0-9 and '_', not starting "
                            "with a digit or \"pg_\"");
    const ptr_allocator *a = o->allocator;
    if (a && (!a->malloc || !a->realloc || !a->free))
        return ptr__pg_fail(err, PTR_E_INVAL, "an allocator with a NULL function");
    return PTR_OK;
}

static ptr_status make_mutex(pthread_mutex_t *mu)
{
    pthread_mutexattr_t attr;
    int e = pthread_mutexattr_init(&attr);
    if (e == 0) {
        e = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
        if (e == 0)
            e = pthread_mutex_init(mu, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    return e == 0 ? PTR_OK : PTR_E_NOMEM;
}

static ptr_status connect_db(pgstore *m, const ptr_pg_options *o, ptr_error *err)
{
    m->conn = PQconnectdb(m->conninfo);
    if (!m->conn)
        return ptr__pg_fail(err, PTR_E_NOMEM, "out of memory");
    if (PQstatus(m->conn) != CONNECTION_OK) {
        ptr__pg_message(m->errmsg, sizeof m->errmsg, "cannot connect", m->conn, NULL);
        return ptr__pg_fail(err, PTR_E_STORE, m->errmsg);
    }
    ptr_status st = session_setup(m);
    if (st == PTR_OK) {
        st = ptr__pg_schema_prepare(m->conn, m->schema, (o->flags & PTR_PG_NO_MIGRATE) != 0,
                                    m->errmsg, sizeof m->errmsg);
    }
    if (st == PTR_OK)
        st = prepare_all(m);
    if (st != PTR_OK)
        return ptr__pg_fail(err, st, m->errmsg);
    m->errmsg[0] = '\0';
    return PTR_OK;
}

ptr_status ptr_pg_store_open_ex(const char *conninfo, size_t len, const ptr_pg_options *opts,
                                ptr_store **out, ptr_error *err)
{
    ptr_pg_options defaults;
    if (out)
        *out = NULL;
    if (!opts) {
        ptr_pg_options_init(&defaults);
        opts = &defaults;
    }
    ptr_status st = check_args(conninfo, len, opts, out, err);
    if (st != PTR_OK)
        return st;
    const ptr_allocator a = opts->allocator ? *opts->allocator : *ptr_allocator_libc();
    pgstore *m = a.malloc(a.ctx, sizeof *m);
    if (!m)
        return ptr__pg_fail(err, PTR_E_NOMEM, "out of memory");
    memset(m, 0, sizeof *m);
    m->alloc = a;
    m->buf.alloc = &m->alloc;
    m->lock_timeout_ms = opts->lock_timeout_ms;
    snprintf(m->schema, sizeof m->schema, "%s",
             opts->schema ? opts->schema : PTR_PG_DEFAULT_SCHEMA);
    uint64_t g = ptr__pg_hash(PTR__PG_HASH_INIT, m->schema, strlen(m->schema) + 1);
    m->global_key = ptr__pg_hash_key(ptr__pg_hash(g, "g:", 2));
    if (make_mutex(&m->lock) != PTR_OK) {
        a.free(a.ctx, m);
        return ptr__pg_fail(err, PTR_E_NOMEM, "cannot make a mutex");
    }
    m->conninfo = a.malloc(a.ctx, len + 1);
    if (!m->conninfo) {
        st = ptr__pg_fail(err, PTR_E_NOMEM, "out of memory");
    } else {
        memcpy(m->conninfo, conninfo, len);
        m->conninfo[len] = '\0';
        st = connect_db(m, opts, err);
    }
    if (st == PTR_OK && (st = ptr_store_new(&ptr__pg_store_methods, m, out)) != PTR_OK)
        ptr__pg_fail(err, st, "cannot make the store handle");
    if (st != PTR_OK)
        ptr__pg_destroy(m);
    return st;
}

ptr_status ptr_pg_store_open(const char *conninfo, size_t len, unsigned flags, ptr_store **out,
                             ptr_error *err)
{
    ptr_pg_options o;
    ptr_pg_options_init(&o);
    o.flags = flags;
    return ptr_pg_store_open_ex(conninfo, len, &o, out, err);
}

/*
 * The core gives no way back from a ptr_store to its user pointer, so the
 * store answers a question only this library can ask: owner_limit_get with
 * a transaction handle and an owner that are both the address of a private
 * object. Any other store answers it with an error (or
 * PTR_E_UNSUPPORTED when it keeps no limits), and we return "".
 */
const char *ptr_pg_store_errmsg(ptr_store *s)
{
    uint64_t v = 0;
    if (!s || ptr_store_owner_limit_get(s, (ptr_store_txn *)(uintptr_t)&ptr__pg_errmsg_cookie,
                                        &ptr__pg_errmsg_cookie, 0, &v) != PTR_OK)
        return "";
    const pgstore *m = (const pgstore *)(uintptr_t)v;
    return m ? m->errmsg : "";
}
