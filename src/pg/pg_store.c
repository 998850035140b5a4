/*
 * The PostgreSQL store: the ptr_store_methods slots over one libpq
 * connection, and ptr_pg_store_open.
 *
 * Isolation (store.h's contracts), with locks that are transaction-scoped
 * advisory locks, released by COMMIT or ROLLBACK whatever happens to the
 * client:
 *   - begin_keys(WRITE, keys): READ COMMITTED; pg_advisory_xact_lock_shared
 *     on the store-wide key G, then pg_advisory_xact_lock on the key of each
 *     owner ("o:" + owner) and each address ("a:" + region + address), in
 *     ascending order of the 64-bit keys. Every keyed writer takes its keys
 *     in one global order, so two of them never wait for each other in a
 *     cycle. A key the transaction did not name but then writes (or reads
 *     the count of) is locked when first touched; that can deadlock, which
 *     the server detects (40P01) and the service retries as PTR_E_BUSY.
 *   - begin(WRITE): G exclusively: it waits for every keyed writer to end,
 *     and every keyed writer waits for it. Meant for writes that cannot name
 *     their keys (a bulk job through the plain slots).
 *   - begin(READ): REPEATABLE READ, READ ONLY: one snapshot for the whole
 *     transaction (a list's total and its page agree), no locks.
 * The keys are hashes, so two keys may collide: that only makes two
 * unrelated writers take turns. All keys are hashed with the schema's name,
 * so two stores in one database do not share keys. docs/store.md has the
 * argument why a quota cannot be exceeded.
 *
 * The owner's count (the quota) is a count on the owner index. A write
 * transaction that holds the owner's key (named, locked on first touch, or
 * G exclusively) keeps the count it read, plus its own inserts: while it
 * holds the key nobody else can raise the count, so a batch of 500 records
 * counts once. Others' deletes may lower it meanwhile; the kept count then
 * errs on the safe side. A remove or replace in the transaction forgets the
 * kept counts.
 *
 * The BEGIN and the lock statements of a write transaction go to the server
 * in one pipeline: one round trip. Every statement is a prepared statement
 * with bound parameters; results are binary (pg_row.c).
 *
 * A failure is reported with the server's message kept in errmsg. A
 * connection found broken is reset at the next begin (and a BEGIN that finds
 * it broken retries once on a new one, since nothing was done yet).
 */
#define _POSIX_C_SOURCE 200809L /* pthread_mutexattr_settype */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libptr/pg.h"
#include "pg_internal.h"

enum {
    S_GET,
    S_INSERT,
    S_INSERT_CHECKED,
    S_EXISTS,
    S_REPLACE_SAME_OWNER,
    S_REPLACE,
    S_REMOVE,
    S_COUNT_OWNER,
    S_SCAN,
    S_COUNT,
    S_COUNT_ROWS,
    S_LIMIT_GET,
    S_LIMIT_SET,
    S_LIMIT_REMOVE,
    S_LIMIT_SCAN,
    S_LOCK_KEYS,
    S_LOCK_SHARED,
    S_LOCK_ALL,
    S_NSTMT
};

/* The parameters of $1..$11 of a record, then a limit. */
#define RECORD_TYPES                                                                               \
    PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_INT8, PTR__PG_BYTEA,       \
        PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_INT8, PTR__PG_INT8, PTR__PG_INT8
#define RECORD_PARAMS "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11"
#define UPDATE_SET                                                                                 \
    "UPDATE ptr_record SET project = $3, owner = $4, ttl = $5, description = $6, names = $7,"      \
    " tags = $8, created = $9, updated = $10, revision = $11 WHERE region = $1 AND address = $2"
/* Rows per round trip of a scan; small first, since a page of a list is often short. */
#define SCAN_FIRST 32
#define SCAN_MAX   512

typedef struct stmt_def {
    const char *sql;
    int n;
    Oid types[12];
} stmt_def;

static const stmt_def stmts[S_NSTMT] = {
    [S_GET] = {"SELECT " PTR__PG_COLUMNS " FROM ptr_record WHERE region = $1 AND address = $2",
               2,
               {PTR__PG_BYTEA, PTR__PG_BYTEA}},
    /* The primary key answers "exists": no row inserted means the key is taken. */
    [S_INSERT] = {"INSERT INTO ptr_record (" PTR__PG_COLUMNS ") VALUES (" RECORD_PARAMS
                  ") ON CONFLICT DO NOTHING",
                  11,
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
                          " WHERE NOT (SELECT taken FROM t) AND (SELECT n FROM c) < $12"
                          " ON CONFLICT DO NOTHING RETURNING 1)"
                          " SELECT (SELECT n FROM c), (SELECT taken FROM t),"
                          " (SELECT count(*) FROM i)",
                          12,
                          {RECORD_TYPES, PTR__PG_INT8}},
    [S_EXISTS] = {"SELECT 1 FROM ptr_record WHERE region = $1 AND address = $2",
                  2,
                  {PTR__PG_BYTEA, PTR__PG_BYTEA}},
    [S_REPLACE_SAME_OWNER] = {UPDATE_SET " AND owner = $4", 11, {RECORD_TYPES}},
    [S_REPLACE] = {UPDATE_SET, 11, {RECORD_TYPES}},
    [S_REMOVE] = {"DELETE FROM ptr_record WHERE region = $1 AND address = $2",
                  2,
                  {PTR__PG_BYTEA, PTR__PG_BYTEA}},
    [S_COUNT_OWNER] = {"SELECT count(*) FROM ptr_record WHERE owner = $1", 1, {PTR__PG_BYTEA}},
    /* A page: a range of the primary key, already in address order. */
    [S_SCAN] = {"SELECT " PTR__PG_COLUMNS " FROM ptr_record WHERE region = $1 AND address > $2"
                " AND ($3::bytea IS NULL OR project = $3) AND ($4::bytea IS NULL OR owner = $4)"
                " ORDER BY address LIMIT $5",
                5,
                {PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_INT8}},
    [S_COUNT] = {"SELECT count(*) FROM ptr_record WHERE ($1::bytea IS NULL OR region = $1)"
                 " AND ($2::bytea IS NULL OR project = $2) AND ($3::bytea IS NULL OR owner = $3)",
                 3,
                 {PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA}},
    /* For a count with name or tag filters: the rows in key order, a page at a time. */
    [S_COUNT_ROWS] =
        {"SELECT " PTR__PG_COLUMNS " FROM ptr_record"
         " WHERE ($1::bytea IS NULL OR region = $1) AND (region, address) > ($5, $6)"
         " AND ($2::bytea IS NULL OR project = $2) AND ($3::bytea IS NULL OR owner = $3)"
         " ORDER BY region, address LIMIT $4",
         6,
         {PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_BYTEA, PTR__PG_INT8, PTR__PG_BYTEA, PTR__PG_BYTEA}},
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

/* Retries of a BEGIN whose locks deadlocked or hit a serialization failure. */
#define BEGIN_RETRIES 3
/* Owners whose count a write transaction keeps. */
#define KEPT_OWNERS 8

/* Identifies ptr_pg_store_errmsg's question to owner_limit_get (see there). */
static const char errmsg_cookie = 0;

typedef struct kept_count {
    int64_t key;    /* the owner's lock key */
    uint64_t count; /* the count read, plus the transaction's inserts */
} kept_count;

typedef struct pgstore {
    ptr_allocator alloc;
    pthread_mutex_t lock; /* held from begin to commit/rollback */
    PGconn *conn;
    char *conninfo;
    char schema[64];
    unsigned lock_timeout_ms;
    int session_ready; /* search_path set and statements prepared on this connection */
    int in_txn, in_write;
    int all_keys; /* G held exclusively: every key is ours */
    int failed;   /* a statement failed: the server has aborted the transaction */
    int64_t global_key;
    char sqlstate[6]; /* of the last failed statement, "" when none */
    int64_t *held;    /* keys held in a keyed write transaction */
    size_t nheld, held_cap;
    kept_count kept[KEPT_OWNERS];
    unsigned nkept;
    ptr__pg_buf buf;
    char errmsg[PTR_ERROR_MESSAGE_SIZE * 2];
} pgstore;

/* ---- errors ------------------------------------------------------------------ */

/* Note a failed statement: the message, and the status it means. */
static ptr_status fail_res(pgstore *m, const char *what, PGresult *res)
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

/* ---- keys ---------------------------------------------------------------------- */

static uint64_t key_start(const pgstore *m, const char *tag)
{
    uint64_t h = ptr__pg_hash(PTR__PG_HASH_INIT, m->schema, strlen(m->schema) + 1);
    return ptr__pg_hash(h, tag, 2);
}

/* Lengths go in too, so that no two (region, address) pairs hash the same bytes. */
static int64_t owner_key(const pgstore *m, const char *owner, size_t len)
{
    uint64_t h = key_start(m, "o:");
    const uint64_t l = len;
    h = ptr__pg_hash(h, &l, sizeof l);
    return ptr__pg_hash_key(ptr__pg_hash(h, owner, len));
}

static int64_t addr_key(const pgstore *m, const char *region, size_t len, const ptr_addr *a)
{
    unsigned char k[PTR__PG_ADDR_LEN];
    ptr__pg_addr_encode(a, k);
    uint64_t h = key_start(m, "a:");
    const uint64_t l = len;
    h = ptr__pg_hash(h, &l, sizeof l);
    h = ptr__pg_hash(h, region, len);
    return ptr__pg_hash_key(ptr__pg_hash(h, k, sizeof k));
}

static int held(const pgstore *m, int64_t key)
{
    if (m->all_keys)
        return 1;
    for (size_t i = 0; i < m->nheld; i++)
        if (m->held[i] == key)
            return 1;
    return 0;
}

static ptr_status held_reserve(pgstore *m, size_t n)
{
    if (n <= m->held_cap)
        return PTR_OK;
    if (n > SIZE_MAX / sizeof *m->held)
        return PTR_E_NOMEM;
    int64_t *p = m->alloc.realloc(m->alloc.ctx, m->held, n * sizeof *p);
    if (!p)
        return PTR_E_NOMEM;
    m->held = p;
    m->held_cap = n;
    return PTR_OK;
}

static int key_cmp(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The keys as a bigint[] literal ("{1,-2}"): numbers of our own, never data. */
static ptr_status keys_text(pgstore *m, const int64_t *keys, size_t n)
{
    if (n > (SIZE_MAX - 3) / 21)
        return PTR_E_NOMEM;
    ptr_status st = ptr__pg_buf_reserve(&m->buf, n * 21 + 3);
    if (st != PTR_OK)
        return st;
    char *o = (char *)m->buf.p;
    *o++ = '{';
    for (size_t i = 0; i < n; i++)
        o += snprintf(o, 22, i ? ",%lld" : "%lld", (long long)keys[i]);
    *o++ = '}';
    *o = '\0';
    return PTR_OK;
}

/* ---- the session ----------------------------------------------------------------- */

static ptr_status exec_text(pgstore *m, const char *sql, int n, const char *const *params,
                            const char *what)
{
    PGresult *r = PQexecParams(m->conn, sql, n, NULL, params, NULL, NULL, 0);
    ptr_status st = PTR_OK;
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        st = fail_res(m, what, r);
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
        ptr_status st =
            PQresultStatus(r) == PGRES_COMMAND_OK ? PTR_OK : fail_res(m, "preparing statements", r);
        PQclear(r);
        if (st != PTR_OK)
            return st;
    }
    m->session_ready = 1;
    return PTR_OK;
}

/* A connection that broke is replaced; a new one gets its session set up. */
static ptr_status connection_ready(pgstore *m)
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
static PGresult *run(pgstore *m, int i, const ptr__pg_params *p)
{
    char name[16];
    snprintf(name, sizeof name, "ptr_%d", i);
    return PQexecPrepared(m->conn, name, p->n, p->values, p->lengths, p->formats, 1);
}

/* ---- transactions ------------------------------------------------------------------ */

/* The pieces of a BEGIN pipeline: statement i with one text parameter, or none (-1). */
typedef struct begin_plan {
    const char *begin_sql;
    int stmt[2];
    const char *param[2];
} begin_plan;

/*
 * BEGIN and the lock statements in one pipeline: one round trip. Returns the
 * first failure, with the server's message. On any failure the caller rolls
 * back.
 */
static ptr_status run_begin(pgstore *m, const begin_plan *plan)
{
    if (!PQenterPipelineMode(m->conn)) {
        ptr__pg_message(m->errmsg, sizeof m->errmsg, "beginning", m->conn, NULL);
        return PTR_E_STORE;
    }
    int sent = PQsendQueryParams(m->conn, plan->begin_sql, 0, NULL, NULL, NULL, NULL, 0);
    int nq = 1;
    for (int i = 0; sent && i < 2 && plan->stmt[i] >= 0; i++, nq++) {
        char name[16];
        snprintf(name, sizeof name, "ptr_%d", plan->stmt[i]);
        sent = PQsendQueryPrepared(m->conn, name, 1, &plan->param[i], NULL, NULL, 0);
    }
    if (sent)
        sent = PQpipelineSync(m->conn);
    ptr_status st = PTR_OK;
    if (!sent) {
        ptr__pg_message(m->errmsg, sizeof m->errmsg, "beginning", m->conn, NULL);
        st = PTR_E_STORE;
    }
    /* Each query's results end with a NULL; the sync's result ends the pipeline. */
    for (int q = 0; sent && q <= nq; q++) {
        PGresult *r = PQgetResult(m->conn);
        if (!r) {
            if (st == PTR_OK)
                ptr__pg_message(m->errmsg, sizeof m->errmsg, "beginning", m->conn, NULL);
            st = PTR_E_STORE;
            break;
        }
        const ExecStatusType rs = PQresultStatus(r);
        if (rs == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            break;
        }
        if (st == PTR_OK && rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK &&
            rs != PGRES_PIPELINE_ABORTED)
            st = fail_res(m, "taking the transaction's locks", r);
        PQclear(r);
        /* Drain the rest of this query's results up to its NULL. */
        while ((r = PQgetResult(m->conn)) != NULL)
            PQclear(r);
    }
    if (!PQexitPipelineMode(m->conn) && st == PTR_OK) {
        ptr__pg_message(m->errmsg, sizeof m->errmsg, "beginning", m->conn, NULL);
        st = PTR_E_STORE;
    }
    return st;
}

/* End whatever transaction the connection has, without a word: ROLLBACK cannot fail us. */
static void rollback_quietly(pgstore *m)
{
    if (PQstatus(m->conn) == CONNECTION_OK && PQtransactionStatus(m->conn) != PQTRANS_IDLE)
        PQclear(PQexec(m->conn, "ROLLBACK"));
}

static void end_txn(pgstore *m)
{
    m->in_txn = m->in_write = m->all_keys = 0;
    m->failed = 0;
    m->nheld = 0;
    m->nkept = 0;
    pthread_mutex_unlock(&m->lock);
}

/*
 * Begin on a connection that may have broken since the last transaction:
 * BEGIN finding it broken is retried once on a new connection (nothing was
 * done yet); a deadlock or serialization failure while taking the locks a
 * few times. Called with the mutex held.
 */
static ptr_status begin_locked(pgstore *m, const begin_plan *plan)
{
    ptr_status st = PTR_OK;
    int reconnected = 0;
    for (int attempt = 0; attempt <= BEGIN_RETRIES; attempt++) {
        m->errmsg[0] = '\0';
        m->sqlstate[0] = '\0';
        m->failed = 0;
        if ((st = connection_ready(m)) != PTR_OK)
            return st;
        st = run_begin(m, plan);
        if (st == PTR_OK)
            return st;
        rollback_quietly(m);
        if (PQstatus(m->conn) != CONNECTION_OK && !reconnected) {
            reconnected = 1;
            attempt--; /* a restarted server is not a busy one */
            continue;
        }
        if (st != PTR_E_BUSY || PQstatus(m->conn) != CONNECTION_OK)
            return st;
        /* 55P03 (the lock timeout) already waited long enough. */
        if (strcmp(m->sqlstate, "55P03") == 0)
            return st;
    }
    return st;
}

static ptr_status lock_store(pgstore *m)
{
    /* An error-checking mutex: a second begin on the same thread is misuse, not a deadlock. */
    return pthread_mutex_lock(&m->lock) == 0 ? PTR_OK : PTR_E_INVAL;
}

static ptr_status pg_begin(void *user, unsigned flags, ptr_store_txn **txn)
{
    pgstore *m = user;
    if (flags & ~PTR_TXN_WRITE)
        return PTR_E_INVAL;
    const int write = (flags & PTR_TXN_WRITE) != 0;
    if (lock_store(m) != PTR_OK)
        return PTR_E_INVAL;
    char g[24];
    snprintf(g, sizeof g, "%lld", (long long)m->global_key);
    begin_plan plan = {"BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", {-1, -1}, {NULL, NULL}};
    if (write)
        plan = (begin_plan){"BEGIN ISOLATION LEVEL READ COMMITTED", {S_LOCK_ALL, -1}, {g, NULL}};
    ptr_status st = begin_locked(m, &plan);
    if (st != PTR_OK) {
        end_txn(m);
        return st;
    }
    m->in_txn = 1;
    m->in_write = write;
    m->all_keys = write;
    *txn = (ptr_store_txn *)m;
    return PTR_OK;
}

/* The keys of a key set, sorted and without repeats, into m->held. */
static ptr_status collect_keys(pgstore *m, const ptr_txn_keys *k)
{
    if (k->addr_count > SIZE_MAX - k->owner_count)
        return PTR_E_NOMEM;
    ptr_status st = held_reserve(m, k->addr_count + k->owner_count);
    if (st != PTR_OK)
        return st;
    size_t n = 0;
    for (size_t i = 0; i < k->owner_count; i++) {
        if (!k->owners[i].s && k->owners[i].len)
            return PTR_E_INVAL;
        m->held[n++] = owner_key(m, k->owners[i].s, k->owners[i].len);
    }
    for (size_t i = 0; i < k->addr_count; i++) {
        const ptr_addr *a = &k->addrs[i];
        if ((a->family != 4 && a->family != 6) || (!k->region.s && k->region.len))
            return PTR_E_INVAL;
        m->held[n++] = addr_key(m, k->region.s, k->region.len, a);
    }
    qsort(m->held, n, sizeof *m->held, key_cmp);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || m->held[u - 1] != m->held[i])
            m->held[u++] = m->held[i];
    m->nheld = u;
    return PTR_OK;
}

static ptr_status pg_begin_keys(void *user, unsigned flags, const ptr_txn_keys *keys,
                                ptr_store_txn **txn)
{
    pgstore *m = user;
    if (!(flags & PTR_TXN_WRITE))
        return pg_begin(user, flags, txn);
    if ((flags & ~PTR_TXN_WRITE) || !keys)
        return PTR_E_INVAL;
    if (lock_store(m) != PTR_OK)
        return PTR_E_INVAL;
    ptr_status st = collect_keys(m, keys);
    if (st == PTR_OK)
        st = keys_text(m, m->held, m->nheld);
    if (st == PTR_OK) {
        char g[24];
        snprintf(g, sizeof g, "%lld", (long long)m->global_key);
        const begin_plan plan = {"BEGIN ISOLATION LEVEL READ COMMITTED",
                                 {S_LOCK_SHARED, m->nheld ? S_LOCK_KEYS : -1},
                                 {g, (const char *)m->buf.p}};
        st = begin_locked(m, &plan);
    }
    if (st != PTR_OK) {
        end_txn(m);
        return st;
    }
    m->in_txn = 1;
    m->in_write = 1;
    m->all_keys = 0;
    *txn = (ptr_store_txn *)m;
    return PTR_OK;
}

static pgstore *txn_store(void *user, ptr_store_txn *txn)
{
    pgstore *m = user;
    return (ptr_store_txn *)m == txn && m->in_txn ? m : NULL;
}

static pgstore *write_store(void *user, ptr_store_txn *txn)
{
    pgstore *m = txn_store(user, txn);
    return m && m->in_write ? m : NULL;
}

static ptr_status pg_commit(void *user, ptr_store_txn *txn)
{
    pgstore *m = txn_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    ptr_status st = PTR_OK;
    if (m->failed) {
        /* The server aborted it already: COMMIT would only roll back. */
        rollback_quietly(m);
        st = PTR_E_STORE;
    } else {
        PGresult *r = PQexec(m->conn, "COMMIT");
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            st = fail_res(m, "committing", r);
        PQclear(r);
        /* A COMMIT that failed may leave the transaction open: it must end here. */
        if (st != PTR_OK)
            rollback_quietly(m);
    }
    end_txn(m);
    return st;
}

static void pg_rollback(void *user, ptr_store_txn *txn)
{
    pgstore *m = txn_store(user, txn);
    if (!m)
        return;
    rollback_quietly(m);
    end_txn(m);
}

/*
 * A key the transaction did not name, locked now: out of the global order,
 * so it may deadlock, which the server detects and we report as busy.
 */
static ptr_status ensure_key(pgstore *m, int64_t key)
{
    if (held(m, key))
        return PTR_OK;
    ptr_status st = held_reserve(m, m->nheld + 1);
    if (st != PTR_OK)
        return st;
    unsigned char slot[8];
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_int8(&p, key, slot);
    PGresult *r = run(m, S_LOCK_ALL, &p);
    st = PQresultStatus(r) == PGRES_TUPLES_OK ? PTR_OK : fail_res(m, "taking a lock", r);
    PQclear(r);
    if (st == PTR_OK)
        m->held[m->nheld++] = key;
    return st;
}

/* ---- reads ------------------------------------------------------------------------ */

static int addr_ok(const ptr_addr *a)
{
    return a && (a->family == 4 || a->family == 6);
}

static ptr_status pg_get(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                         const ptr_addr *addr, ptr_record *out)
{
    pgstore *m = txn_store(user, txn);
    if (!m || !addr_ok(addr))
        return PTR_E_INVAL;
    if (m->in_write) {
        ptr_status st = ensure_key(m, addr_key(m, region, region_len, addr));
        if (st != PTR_OK)
            return st;
    }
    unsigned char key[PTR__PG_ADDR_LEN];
    ptr__pg_addr_encode(addr, key);
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, region, region_len);
    ptr__pg_param_bytes(&p, key, sizeof key);
    PGresult *r = run(m, S_GET, &p);
    ptr_status st;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        st = fail_res(m, "reading a record", r);
    else if (PQntuples(r) == 0)
        st = PTR_E_NOT_FOUND;
    else if ((st = ptr__pg_row_decode(r, 0, 0, out)) == PTR_E_STORE)
        snprintf(m->errmsg, sizeof m->errmsg, "a damaged row in ptr_record");
    PQclear(r);
    return st;
}

static kept_count *kept_find(pgstore *m, int64_t key)
{
    for (unsigned i = 0; i < m->nkept; i++)
        if (m->kept[i].key == key)
            return &m->kept[i];
    return NULL;
}

/* Keep an owner's count while its key is held (never in a read transaction). */
static void kept_set(pgstore *m, int64_t key, uint64_t count)
{
    if (!m->in_write || !held(m, key))
        return;
    kept_count *k = kept_find(m, key);
    if (!k && m->nkept < KEPT_OWNERS)
        k = &m->kept[m->nkept++];
    if (k)
        *k = (kept_count){key, count};
}

static ptr_status count_query(pgstore *m, int i, const ptr__pg_params *p, uint64_t *count)
{
    PGresult *r = run(m, i, p);
    int64_t n = -1;
    ptr_status st = PTR_OK;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        st = fail_res(m, "counting records", r);
    else if (PQntuples(r) != 1 || ptr__pg_int8(r, 0, 0, &n) != PTR_OK || n < 0)
        st = fail_res(m, "counting records", r);
    PQclear(r);
    if (st == PTR_OK)
        *count = (uint64_t)n;
    return st;
}

static ptr_status pg_count_owner(void *user, ptr_store_txn *txn, const char *owner,
                                 size_t owner_len, uint64_t *count)
{
    pgstore *m = txn_store(user, txn);
    if (!m || !count)
        return PTR_E_INVAL;
    const int64_t key = owner_key(m, owner, owner_len);
    if (m->in_write) {
        /* What a write transaction reads of an owner's count must stay true: hold the key. */
        ptr_status st = ensure_key(m, key);
        if (st != PTR_OK)
            return st;
        const kept_count *k = kept_find(m, key);
        if (k) {
            *count = k->count;
            return PTR_OK;
        }
    }
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, owner, owner_len);
    ptr_status st = count_query(m, S_COUNT_OWNER, &p, count);
    if (st == PTR_OK)
        kept_set(m, key, *count);
    return st;
}

static void param_filter_text(ptr__pg_params *p, ptr_text t)
{
    if (t.len) {
        ptr__pg_param_bytes(p, t.s, t.len);
    } else {
        p->values[p->n] = NULL; /* SQL NULL: no condition */
        p->lengths[p->n] = 0;
        p->formats[p->n] = 1;
        p->n++;
    }
}

static ptr_status pg_scan(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                          const ptr_addr *after, ptr_store_visit_fn visit, void *visit_ctx)
{
    pgstore *m = txn_store(user, txn);
    if (!m || !f || !visit || (after && !addr_ok(after)))
        return PTR_E_INVAL;
    ptr_record *rec;
    ptr_status st = ptr_record_new(&m->alloc, &rec);
    if (st != PTR_OK)
        return st;
    unsigned char cursor[PTR__PG_ADDR_LEN], limit[8];
    size_t cursor_len = 0; /* the empty key sorts before every address */
    if (after) {
        ptr__pg_addr_encode(after, cursor);
        cursor_len = sizeof cursor;
    }
    int64_t page = SCAN_FIRST;
    for (int done = 0; !done && st == PTR_OK;) {
        ptr__pg_params p;
        ptr__pg_params_init(&p);
        ptr__pg_param_bytes(&p, f->region.s, f->region.len);
        ptr__pg_param_bytes(&p, cursor, cursor_len);
        param_filter_text(&p, f->project);
        param_filter_text(&p, f->owner);
        ptr__pg_param_int8(&p, page, limit);
        PGresult *r = run(m, S_SCAN, &p);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            st = fail_res(m, "scanning records", r);
            PQclear(r);
            break;
        }
        const int n = PQntuples(r);
        int stop = 0;
        for (int i = 0; i < n && st == PTR_OK && !stop; i++) {
            if ((st = ptr__pg_row_decode(r, i, 0, rec)) != PTR_OK)
                snprintf(m->errmsg, sizeof m->errmsg, "a damaged row in ptr_record");
            else
                stop = ptr_store_filter_match(f, rec) && visit(visit_ctx, rec);
        }
        done = stop || n < page;
        if (st == PTR_OK && !done) {
            memcpy(cursor, PQgetvalue(r, n - 1, 1), PTR__PG_ADDR_LEN);
            cursor_len = PTR__PG_ADDR_LEN;
        }
        PQclear(r);
        if (page < SCAN_MAX)
            page *= 2;
    }
    ptr_record_free(rec);
    return st;
}

/* A count with name or tag filters: the matching rows, decoded and filtered, in key order. */
static ptr_status count_rows(pgstore *m, const ptr_store_filter *f, uint64_t *count)
{
    ptr_record *rec;
    ptr_status st = ptr_record_new(&m->alloc, &rec);
    if (st != PTR_OK)
        return st;
    ptr__pg_buf region = {&m->alloc, NULL, 0};
    size_t region_len = 0;
    unsigned char cursor[PTR__PG_ADDR_LEN], limit[8];
    size_t cursor_len = 0;
    for (int done = 0; !done && st == PTR_OK;) {
        ptr__pg_params p;
        ptr__pg_params_init(&p);
        param_filter_text(&p, f->region);
        param_filter_text(&p, f->project);
        param_filter_text(&p, f->owner);
        ptr__pg_param_int8(&p, SCAN_MAX, limit);
        ptr__pg_param_bytes(&p, region.p, region_len);
        ptr__pg_param_bytes(&p, cursor, cursor_len);
        PGresult *r = run(m, S_COUNT_ROWS, &p);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            st = fail_res(m, "counting records", r);
            PQclear(r);
            break;
        }
        const int n = PQntuples(r);
        done = n < SCAN_MAX;
        for (int i = 0; i < n && st == PTR_OK; i++)
            if ((st = ptr__pg_row_decode(r, i, 0, rec)) == PTR_OK)
                *count += (uint64_t)ptr_store_filter_match(f, rec);
        if (st == PTR_OK && n > 0 && !done) {
            region_len = (size_t)PQgetlength(r, n - 1, 0);
            if ((st = ptr__pg_buf_reserve(&region, region_len + 1)) == PTR_OK) {
                memcpy(region.p, PQgetvalue(r, n - 1, 0), region_len);
                memcpy(cursor, PQgetvalue(r, n - 1, 1), PTR__PG_ADDR_LEN);
                cursor_len = PTR__PG_ADDR_LEN;
            }
        }
        PQclear(r);
    }
    ptr__pg_buf_free(&region);
    ptr_record_free(rec);
    return st;
}

static ptr_status pg_count(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                           uint64_t *count)
{
    pgstore *m = txn_store(user, txn);
    if (!m || !f || !count)
        return PTR_E_INVAL;
    *count = 0;
    if (f->tag_count || f->name.len)
        return count_rows(m, f, count);
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    param_filter_text(&p, f->region);
    param_filter_text(&p, f->project);
    param_filter_text(&p, f->owner);
    return count_query(m, S_COUNT, &p, count);
}

/* ---- writes ------------------------------------------------------------------------ */

/* The keys a write of rec needs: its address, and its owner when its count can rise. */
static ptr_status ensure_record_keys(pgstore *m, const ptr_record *rec, int owner_too,
                                     int64_t *okey)
{
    size_t rl, ol;
    const char *region = ptr_record_region(rec, &rl);
    const char *owner = ptr_record_owner(rec, &ol);
    if (!addr_ok(ptr_record_address(rec)))
        return PTR_E_INVAL;
    ptr_status st = ensure_key(m, addr_key(m, region, rl, ptr_record_address(rec)));
    *okey = owner_key(m, owner, ol);
    if (st == PTR_OK && owner_too)
        st = ensure_key(m, *okey);
    return st;
}

static ptr_status insert_row(pgstore *m, const ptr_record *rec, int64_t okey)
{
    ptr__pg_row_ints ints;
    ptr__pg_params p;
    ptr_status st = ptr__pg_row_params(rec, &m->buf, &ints, &p);
    if (st != PTR_OK)
        return st;
    PGresult *r = run(m, S_INSERT, &p);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        st = fail_res(m, "inserting a record", r);
    else if (strcmp(PQcmdTuples(r), "1") != 0)
        st = PTR_E_EXISTS;
    PQclear(r);
    kept_count *k = st == PTR_OK ? kept_find(m, okey) : NULL;
    if (k)
        k->count++;
    return st;
}

static ptr_status pg_insert(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    pgstore *m = write_store(user, txn);
    if (!m || !rec)
        return PTR_E_INVAL;
    int64_t okey;
    ptr_status st = ensure_record_keys(m, rec, 1, &okey);
    return st == PTR_OK ? insert_row(m, rec, okey) : st;
}

static ptr_status key_taken(pgstore *m, const ptr_record *rec)
{
    size_t rl;
    const char *region = ptr_record_region(rec, &rl);
    unsigned char key[PTR__PG_ADDR_LEN];
    ptr__pg_addr_encode(ptr_record_address(rec), key);
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, region, rl);
    ptr__pg_param_bytes(&p, key, sizeof key);
    PGresult *r = run(m, S_EXISTS, &p);
    ptr_status st;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        st = fail_res(m, "looking up a record", r);
    else
        st = PQntuples(r) ? PTR_E_EXISTS : PTR_E_NOT_FOUND;
    PQclear(r);
    return st;
}

/*
 * One round trip: with the owner's count kept, the INSERT alone (its key
 * answers "exists"), or at the limit a lookup of the key; without, one
 * statement that counts, looks up and inserts.
 */
static ptr_status pg_insert_checked(void *user, ptr_store_txn *txn, const ptr_record *rec,
                                    uint64_t limit)
{
    pgstore *m = write_store(user, txn);
    if (!m || !rec)
        return PTR_E_INVAL;
    int64_t okey;
    ptr_status st = ensure_record_keys(m, rec, 1, &okey);
    if (st != PTR_OK)
        return st;
    const kept_count *k = kept_find(m, okey);
    if (k && k->count < limit)
        return insert_row(m, rec, okey);
    if (k) {
        st = key_taken(m, rec);
        return st == PTR_E_NOT_FOUND ? PTR_E_QUOTA : st;
    }
    ptr__pg_row_ints ints;
    ptr__pg_params p;
    if ((st = ptr__pg_row_params(rec, &m->buf, &ints, &p)) != PTR_OK)
        return st;
    unsigned char lim[8];
    ptr__pg_param_int8(&p, limit > INT64_MAX ? INT64_MAX : (int64_t)limit, lim);
    PGresult *r = run(m, S_INSERT_CHECKED, &p);
    int64_t n = -1, inserted = -1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
        ptr__pg_int8(r, 0, 0, &n) != PTR_OK || n < 0 || PQgetlength(r, 0, 1) != 1 ||
        ptr__pg_int8(r, 0, 2, &inserted) != PTR_OK) {
        st = fail_res(m, "inserting a record", r);
        PQclear(r);
        return st;
    }
    const int taken = PQgetvalue(r, 0, 1)[0] != 0;
    PQclear(r);
    if (inserted == 1) {
        kept_set(m, okey, (uint64_t)n + 1);
        return PTR_OK;
    }
    kept_set(m, okey, (uint64_t)n);
    /* Not taken and under the limit, yet not inserted: another writer took the key. */
    return taken || (uint64_t)n < limit ? PTR_E_EXISTS : PTR_E_QUOTA;
}

static ptr_status changed_rows(pgstore *m, PGresult *r, const char *what)
{
    ptr_status st;
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        st = fail_res(m, what, r);
    else
        st = strcmp(PQcmdTuples(r), "0") == 0 ? PTR_E_NOT_FOUND : PTR_OK;
    PQclear(r);
    return st;
}

static ptr_status pg_replace(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    pgstore *m = write_store(user, txn);
    if (!m || !rec)
        return PTR_E_INVAL;
    int64_t okey;
    ptr_status st = ensure_record_keys(m, rec, 0, &okey);
    ptr__pg_row_ints ints;
    ptr__pg_params p;
    if (st == PTR_OK)
        st = ptr__pg_row_params(rec, &m->buf, &ints, &p);
    if (st != PTR_OK)
        return st;
    m->nkept = 0; /* a replace may move a record between owners */
    /* The owner's key only when the record changes owner, which raises the new owner's count. */
    st = changed_rows(m, run(m, held(m, okey) ? S_REPLACE : S_REPLACE_SAME_OWNER, &p),
                      "replacing a record");
    if (st != PTR_E_NOT_FOUND || held(m, okey))
        return st;
    if ((st = ensure_key(m, okey)) != PTR_OK)
        return st;
    return changed_rows(m, run(m, S_REPLACE, &p), "replacing a record");
}

static ptr_status pg_remove(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                            const ptr_addr *addr)
{
    pgstore *m = write_store(user, txn);
    if (!m || !addr_ok(addr))
        return PTR_E_INVAL;
    ptr_status st = ensure_key(m, addr_key(m, region, region_len, addr));
    if (st != PTR_OK)
        return st;
    m->nkept = 0;
    unsigned char key[PTR__PG_ADDR_LEN];
    ptr__pg_addr_encode(addr, key);
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, region, region_len);
    ptr__pg_param_bytes(&p, key, sizeof key);
    return changed_rows(m, run(m, S_REMOVE, &p), "removing a record");
}

/* ---- owners' limits ------------------------------------------------------------------ */

static ptr_status pg_limit_get(void *user, ptr_store_txn *txn, const char *owner, size_t owner_len,
                               uint64_t *limit)
{
    /* ptr_pg_store_errmsg asking which store this is: answered without a transaction. */
    if (txn == (const void *)&errmsg_cookie && owner == &errmsg_cookie && owner_len == 0) {
        *limit = (uint64_t)(uintptr_t)user;
        return PTR_OK;
    }
    pgstore *m = txn_store(user, txn);
    if (!m || !limit)
        return PTR_E_INVAL;
    if (m->in_write) {
        ptr_status st = ensure_key(m, owner_key(m, owner, owner_len));
        if (st != PTR_OK)
            return st;
    }
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, owner, owner_len);
    PGresult *r = run(m, S_LIMIT_GET, &p);
    int64_t v = 0;
    ptr_status st = PTR_OK;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        st = fail_res(m, "reading an owner's limit", r);
    else if (PQntuples(r) == 0)
        st = PTR_E_NOT_FOUND;
    else if (ptr__pg_int8(r, 0, 0, &v) != PTR_OK || v < 0)
        st = fail_res(m, "reading an owner's limit", r);
    PQclear(r);
    if (st == PTR_OK)
        *limit = (uint64_t)v;
    return st;
}

static ptr_status pg_limit_set(void *user, ptr_store_txn *txn, const char *owner, size_t owner_len,
                               uint64_t limit)
{
    pgstore *m = write_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    ptr_status st = ensure_key(m, owner_key(m, owner, owner_len));
    if (st != PTR_OK)
        return st;
    unsigned char v[8];
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, owner, owner_len);
    ptr__pg_param_int8(&p, limit > INT64_MAX ? INT64_MAX : (int64_t)limit, v);
    PGresult *r = run(m, S_LIMIT_SET, &p);
    st = PQresultStatus(r) == PGRES_COMMAND_OK ? PTR_OK : fail_res(m, "setting a limit", r);
    PQclear(r);
    return st;
}

static ptr_status pg_limit_remove(void *user, ptr_store_txn *txn, const char *owner,
                                  size_t owner_len)
{
    pgstore *m = write_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    ptr_status st = ensure_key(m, owner_key(m, owner, owner_len));
    if (st != PTR_OK)
        return st;
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, owner, owner_len);
    return changed_rows(m, run(m, S_LIMIT_REMOVE, &p), "removing a limit");
}

static ptr_status pg_limit_scan(void *user, ptr_store_txn *txn, ptr_store_limit_visit_fn visit,
                                void *visit_ctx)
{
    pgstore *m = txn_store(user, txn);
    if (!m || !visit)
        return PTR_E_INVAL;
    ptr__pg_buf after = {&m->alloc, NULL, 0};
    size_t after_len = 0;
    ptr_status st = PTR_OK;
    for (int done = 0; !done && st == PTR_OK;) {
        unsigned char lim[8];
        ptr__pg_params p;
        ptr__pg_params_init(&p);
        ptr__pg_param_bytes(&p, after.p, after_len);
        ptr__pg_param_int8(&p, SCAN_MAX, lim);
        PGresult *r = run(m, S_LIMIT_SCAN, &p);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            st = fail_res(m, "scanning limits", r);
            PQclear(r);
            break;
        }
        const int n = PQntuples(r);
        int stop = 0;
        for (int i = 0; i < n && !stop; i++) {
            int64_t v;
            if (ptr__pg_int8(r, i, 1, &v) != PTR_OK || v < 0) {
                st = fail_res(m, "scanning limits", r);
                break;
            }
            stop = visit(visit_ctx, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0),
                         (uint64_t)v) != 0;
        }
        done = stop || n < SCAN_MAX;
        if (st == PTR_OK && !done) {
            after_len = (size_t)PQgetlength(r, n - 1, 0);
            if ((st = ptr__pg_buf_reserve(&after, after_len + 1)) == PTR_OK)
                memcpy(after.p, PQgetvalue(r, n - 1, 0), after_len);
        }
        PQclear(r);
    }
    ptr__pg_buf_free(&after);
    return st;
}

/* ---- life cycle -------------------------------------------------------------------- */

static void pg_destroy(void *user)
{
    pgstore *m = user;
    if (m->conn)
        PQfinish(m->conn);
    if (m->conninfo)
        m->alloc.free(m->alloc.ctx, m->conninfo);
    if (m->held)
        m->alloc.free(m->alloc.ctx, m->held);
    ptr__pg_buf_free(&m->buf);
    pthread_mutex_destroy(&m->lock);
    m->alloc.free(m->alloc.ctx, m);
}

static const ptr_store_methods pgstore_methods = {
    .version = PTR_STORE_METHODS_VERSION,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .get = pg_get,
    .insert = pg_insert,
    .replace = pg_replace,
    .remove = pg_remove,
    .count_owner = pg_count_owner,
    .scan = pg_scan,
    .destroy = pg_destroy,
    .insert_checked = pg_insert_checked,
    .count = pg_count,
    .begin_keys = pg_begin_keys,
    .owner_limit_get = pg_limit_get,
    .owner_limit_set = pg_limit_set,
    .owner_limit_remove = pg_limit_remove,
    .owner_limit_scan = pg_limit_scan,
};

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
    if (st == PTR_OK && (st = ptr_store_new(&pgstore_methods, m, out)) != PTR_OK)
        ptr__pg_fail(err, st, "cannot make the store handle");
    if (st != PTR_OK)
        pg_destroy(m);
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
    if (!s || ptr_store_owner_limit_get(s, (ptr_store_txn *)(uintptr_t)&errmsg_cookie,
                                        &errmsg_cookie, 0, &v) != PTR_OK)
        return "";
    const pgstore *m = (const pgstore *)(uintptr_t)v;
    return m ? m->errmsg : "";
}
