/*
 * The PostgreSQL store's transactions and their lock keys: begin,
 * begin_keys, commit, rollback, and the keys a transaction holds.
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
 * The BEGIN and the lock statements of a write transaction go to the server
 * in one pipeline: one round trip. A connection found broken is reset at the
 * next begin (and a BEGIN that finds it broken retries once on a new one,
 * since nothing was done yet).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

/* Retries of a BEGIN whose locks deadlocked or hit a serialization failure. */
#define BEGIN_RETRIES 3

/* ---- keys ---------------------------------------------------------------------- */

static uint64_t key_start(const pgstore *m, const char *tag)
{
    uint64_t h = ptr__pg_hash(PTR__PG_HASH_INIT, m->schema, strlen(m->schema) + 1);
    return ptr__pg_hash(h, tag, 2);
}

/* Lengths go in too, so that no two (region, address) pairs hash the same bytes. */
int64_t ptr__pg_owner_key(const pgstore *m, const char *owner, size_t len)
{
    uint64_t h = key_start(m, "o:");
    const uint64_t l = len;
    h = ptr__pg_hash(h, &l, sizeof l);
    return ptr__pg_hash_key(ptr__pg_hash(h, owner, len));
}

int64_t ptr__pg_addr_key(const pgstore *m, const char *region, size_t len, const ptr_addr *a)
{
    unsigned char k[PTR__PG_ADDR_LEN];
    ptr__pg_addr_encode(a, k);
    uint64_t h = key_start(m, "a:");
    const uint64_t l = len;
    h = ptr__pg_hash(h, &l, sizeof l);
    h = ptr__pg_hash(h, region, len);
    return ptr__pg_hash_key(ptr__pg_hash(h, k, sizeof k));
}

int ptr__pg_held(const pgstore *m, int64_t key)
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
    ptr_status st = ptr__bytebuf_reserve(&m->buf, n * 21 + 3);
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
            st = ptr__pg_fail_res(m, "taking the transaction's locks", r);
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
        if ((st = ptr__pg_connection_ready(m)) != PTR_OK)
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

ptr_status ptr__pg_begin(void *user, unsigned flags, ptr_store_txn **txn)
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
        m->held[n++] = ptr__pg_owner_key(m, k->owners[i].s, k->owners[i].len);
    }
    for (size_t i = 0; i < k->addr_count; i++) {
        const ptr_addr *a = &k->addrs[i];
        if ((a->family != 4 && a->family != 6) || (!k->region.s && k->region.len))
            return PTR_E_INVAL;
        m->held[n++] = ptr__pg_addr_key(m, k->region.s, k->region.len, a);
    }
    qsort(m->held, n, sizeof *m->held, key_cmp);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || m->held[u - 1] != m->held[i])
            m->held[u++] = m->held[i];
    m->nheld = u;
    return PTR_OK;
}

ptr_status ptr__pg_begin_keys(void *user, unsigned flags, const ptr_txn_keys *keys,
                              ptr_store_txn **txn)
{
    pgstore *m = user;
    if (!(flags & PTR_TXN_WRITE))
        return ptr__pg_begin(user, flags, txn);
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

pgstore *ptr__pg_txn_store(void *user, ptr_store_txn *txn)
{
    pgstore *m = user;
    return (ptr_store_txn *)m == txn && m->in_txn ? m : NULL;
}

pgstore *ptr__pg_write_store(void *user, ptr_store_txn *txn)
{
    pgstore *m = ptr__pg_txn_store(user, txn);
    return m && m->in_write ? m : NULL;
}

ptr_status ptr__pg_commit(void *user, ptr_store_txn *txn)
{
    pgstore *m = ptr__pg_txn_store(user, txn);
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
            st = ptr__pg_fail_res(m, "committing", r);
        PQclear(r);
        /* A COMMIT that failed may leave the transaction open: it must end here. */
        if (st != PTR_OK)
            rollback_quietly(m);
    }
    end_txn(m);
    return st;
}

void ptr__pg_rollback(void *user, ptr_store_txn *txn)
{
    pgstore *m = ptr__pg_txn_store(user, txn);
    if (!m)
        return;
    rollback_quietly(m);
    end_txn(m);
}

/*
 * A key the transaction did not name, locked now: out of the global order,
 * so it may deadlock, which the server detects and we report as busy.
 */
ptr_status ptr__pg_ensure_key(pgstore *m, int64_t key)
{
    if (ptr__pg_held(m, key))
        return PTR_OK;
    ptr_status st = held_reserve(m, m->nheld + 1);
    if (st != PTR_OK)
        return st;
    unsigned char slot[8];
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_int8(&p, key, slot);
    PGresult *r = ptr__pg_run(m, S_LOCK_ALL, &p);
    st = PQresultStatus(r) == PGRES_TUPLES_OK ? PTR_OK : ptr__pg_fail_res(m, "taking a lock", r);
    PQclear(r);
    if (st == PTR_OK)
        m->held[m->nheld++] = key;
    return st;
}
