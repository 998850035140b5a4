/*
 * The PostgreSQL store against raw libpq running the same statements, and its
 * writers in parallel over a path with a network's round trip. Run by
 * bench/run_pg.sh, which starts a throw-away cluster and the delaying
 * forwarder (bench/pg_delay_proxy.py); one run, ratios:
 *
 *   create   ptr_ctx_create, one transaction per record, against raw libpq
 *            doing what the store does for it: BEGIN and the lock statements
 *            in one pipeline (the store-wide key shared, the owner's and the
 *            address's keys), the owner's limit, the one-statement
 *            count-lookup-insert, COMMIT; all prepared, parameters encoded
 *            before the clock starts;
 *   get      ptr_ctx_get against BEGIN READ ONLY, the same SELECT, COMMIT;
 *   import   ptr_ctx_create_many in batches of 500 against raw libpq doing
 *            the store's statements for a batch (one pipeline of locks, the
 *            limit, the first record counted, the rest plain INSERTs, COMMIT);
 *            and per record, batched against one transaction per record;
 *   writers  creates for distinct owners from 1, 2, 4 and 8 threads, each
 *            with its own connection, through the forwarder that delays each
 *            direction (PTR_BENCH_PG_DELAYED), and without it, for reference.
 *
 * libptr and raw libpq take turns, REPS times, and the median counts. The
 * encoding and the lock keys of the raw side come from the store's own
 * functions (pg_row.c), so both send the same bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include <libptr/libptr.h>
#include <libptr/pg.h>

#include "pg/pg_internal.h"

#define TXN_N      1000u
#define GET_N      2000u
#define BULK_N     20000u
#define BATCH      500u
#define PER_OWNER  40u
#define REPS       5u
#define WRITER_SEC 3.0

static const char *conninfo, *delayed;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_pg: %s: %s\n", what, why);
    exit(1);
}

static PGconn *raw_connect(const char *schema)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK)
        die("connect", PQerrorMessage(c));
    char sql[128];
    snprintf(sql, sizeof sql, "SET search_path = %s, pg_catalog, pg_temp", schema);
    PQclear(PQexec(c, sql));
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    return c;
}

static void raw_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        die(sql, PQresultErrorMessage(r));
    PQclear(r);
}

/* A store on a fresh schema, and a service over it whose quota fits a batch. */
static ptr_store *open_store(const char *ci, const char *schema, ptr_ctx **ctx)
{
    ptr_pg_options o;
    ptr_pg_options_init(&o);
    o.schema = schema;
    o.lock_timeout_ms = 60000;
    ptr_store *s;
    ptr_error e;
    if (ptr_pg_store_open_ex(ci, strlen(ci), &o, &s, &e) != PTR_OK)
        die("open", e.message);
    static ptr_policy pol;
    ptr_policy_init(&pol);
    pol.max_records_per_owner = 1000;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s;
    cfg.policy = &pol;
    cfg.busy_retries = 100;
    if (ptr_ctx_new(&cfg, ctx, &e) != PTR_OK)
        die("ctx", e.message);
    return s;
}

static void empty_schema(const char *schema)
{
    PGconn *c = raw_connect(schema);
    raw_exec(c, "TRUNCATE ptr_record, ptr_owner_limit");
    PQfinish(c);
}

/* ---- the records --------------------------------------------------------------------- */

typedef struct input {
    char addr[32];
    char owner[16];
    ptr_request req;
    ptr_text names[2];
    ptr_tag tags[2];
    /* The raw side's parameters, encoded by the store's own code. */
    ptr_record *rec;
    ptr__bytebuf buf;
    ptr__pg_row_ints ints;
    ptr__pg_params p;
    int64_t addr_key, owner_key;
} input;

static input *inputs;
static const ptr_scope base = {{"eu-de", 5}, {"project-1", 9}, {"", 0}};
static const char desc[] = "outbound mail relay for the billing team";

/* The lock keys as the store makes them (pg_txn.c: schema, tag, length, text). */
static int64_t key_of(const char *schema, const char *tag, const char *a, size_t alen,
                      const void *b, size_t blen)
{
    uint64_t h = ptr__pg_hash(PTR__PG_HASH_INIT, schema, strlen(schema) + 1);
    h = ptr__pg_hash(h, tag, 2);
    const uint64_t l = alen;
    h = ptr__pg_hash(h, &l, sizeof l);
    h = ptr__pg_hash(h, a, alen);
    if (b)
        h = ptr__pg_hash(h, b, blen);
    return ptr__pg_hash_key(h);
}

static void make_inputs(unsigned n, unsigned per_owner)
{
    static const ptr_allocator *al;
    al = ptr_allocator_libc();
    inputs = calloc(n, sizeof *inputs);
    for (unsigned i = 0; i < n; i++) {
        input *in = &inputs[i];
        snprintf(in->addr, sizeof in->addr, "10.%u.%u.%u", i >> 16 & 255, i >> 8 & 255, i & 255);
        snprintf(in->owner, sizeof in->owner, "o%u", i / per_owner);
        in->names[0] = (ptr_text){"mail.example.com.", 17};
        in->names[1] = (ptr_text){"smtp.example.com.", 17};
        in->tags[0] = (ptr_tag){"env", 3, "prod", 4};
        in->tags[1] = (ptr_tag){"team", 4, "billing", 7};
        ptr_request_init(&in->req);
        in->req.address = (ptr_text){in->addr, strlen(in->addr)};
        in->req.names = in->names;
        in->req.name_count = 2;
        in->req.tags = in->tags;
        in->req.tag_count = 2;
        in->req.description = (ptr_text){desc, sizeof desc - 1};
        ptr_addr a;
        ptr_host_parse(in->addr, strlen(in->addr), &a);
        ptr_record_new(NULL, &in->rec);
        ptr_record_set_region(in->rec, base.region.s, base.region.len);
        ptr_record_set_project(in->rec, base.project.s, base.project.len);
        ptr_record_set_owner(in->rec, in->owner, strlen(in->owner));
        ptr_record_set_address(in->rec, &a);
        for (int k = 0; k < 2; k++)
            ptr_record_add_name(in->rec, in->names[k].s, in->names[k].len);
        for (int k = 0; k < 2; k++)
            ptr_record_add_tag(in->rec, in->tags[k].key, in->tags[k].key_len, in->tags[k].value,
                               in->tags[k].value_len);
        ptr_record_set_description(in->rec, desc, sizeof desc - 1);
        ptr_record_set_ttl(in->rec, 300);
        ptr_record_set_revision(in->rec, 1);
        ptr_record_set_created(in->rec, 1700000000);
        ptr_record_set_updated(in->rec, 1700000000);
        /* As ptr_ctx_create leaves it: waiting for its first push. */
        ptr_record_set_dns_status(in->rec, PTR_DNS_PENDING_CREATE);
        ptr_record_set_dns_action(in->rec, PTR_ACTION_CREATE);
        in->buf.alloc = al;
        ptr__pg_row_params(in->rec, &in->buf, &in->ints, &in->p);
        unsigned char k17[PTR__PG_ADDR_LEN];
        ptr__pg_addr_encode(&a, k17);
        in->addr_key = key_of("bench_raw", "a:", base.region.s, base.region.len, k17, sizeof k17);
        in->owner_key = key_of("bench_raw", "o:", in->owner, strlen(in->owner), NULL, 0);
    }
}

/* ---- raw libpq: the store's statements ---------------------------------------------------- */

static const char *const raw_sql[] = {
    "SELECT pg_catalog.pg_advisory_xact_lock_shared($1)",
    "SELECT pg_catalog.pg_advisory_xact_lock(k) FROM pg_catalog.unnest($1::bigint[]) AS k",
    "SELECT max_records FROM ptr_owner_limit WHERE owner = $1",
    "WITH c AS (SELECT count(*) AS n FROM ptr_record WHERE owner = $4),"
    " t AS (SELECT EXISTS (SELECT 1 FROM ptr_record WHERE region = $1 AND address = $2) AS taken),"
    " i AS (INSERT INTO ptr_record (" PTR__PG_COLUMNS ") SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9,"
    " $10, $11, $12, $13, $14, $15 WHERE NOT (SELECT taken FROM t) AND (SELECT n FROM c) < $16"
    " ON CONFLICT DO NOTHING RETURNING 1)"
    " SELECT (SELECT n FROM c), (SELECT taken FROM t), (SELECT count(*) FROM i)",
    "INSERT INTO ptr_record (" PTR__PG_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
    " $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING",
    "SELECT " PTR__PG_COLUMNS " FROM ptr_record WHERE region = $1 AND address = $2",
};
enum { R_SHARED, R_KEYS, R_LIMIT, R_CHECKED, R_INSERT, R_GET, R_N };

static void raw_prepare(PGconn *c)
{
    static const Oid rec[16] = {17, 17, 17, 17, 20, 17, 17, 17, 20, 20, 20, 21, 21, 17, 21, 20};
    static const Oid i8[1] = {20}, by[2] = {17, 17};
    const Oid *types[R_N] = {i8, NULL, by, rec, rec, by};
    const int n[R_N] = {1, 1, 1, 16, 15, 2};
    for (int i = 0; i < R_N; i++) {
        char name[8];
        snprintf(name, sizeof name, "r%d", i);
        PGresult *r = PQprepare(c, name, raw_sql[i], n[i], types[i]);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            die("prepare", PQresultErrorMessage(r));
        PQclear(r);
    }
}

static PGresult *raw_run(PGconn *c, int i, int n, const char *const *v, const int *l, const int *f)
{
    char name[8];
    snprintf(name, sizeof name, "r%d", i);
    return PQexecPrepared(c, name, n, v, l, f, 1);
}

static int key_cmp(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* BEGIN and the locks in one pipeline, as the store sends them. */
static void raw_begin(PGconn *c, int64_t global, int64_t *keys, size_t n, char *text)
{
    qsort(keys, n, sizeof *keys, key_cmp);
    char *o = text;
    *o++ = '{';
    for (size_t i = 0; i < n; i++)
        o += sprintf(o, i ? ",%lld" : "%lld", (long long)keys[i]);
    strcpy(o, "}");
    char g[24];
    snprintf(g, sizeof g, "%lld", (long long)global);
    const char *gp = g, *kp = text;
    PQenterPipelineMode(c);
    PQsendQueryParams(c, "BEGIN ISOLATION LEVEL READ COMMITTED", 0, NULL, NULL, NULL, NULL, 0);
    PQsendQueryPrepared(c, "r0", 1, &gp, NULL, NULL, 0);
    PQsendQueryPrepared(c, "r1", 1, &kp, NULL, NULL, 0);
    PQpipelineSync(c);
    for (int q = 0; q < 4; q++) {
        PGresult *r = PQgetResult(c);
        const ExecStatusType s = PQresultStatus(r);
        if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_PIPELINE_SYNC)
            die("raw begin", PQresultErrorMessage(r));
        PQclear(r);
        if (s == PGRES_PIPELINE_SYNC)
            break;
        while ((r = PQgetResult(c)) != NULL)
            PQclear(r);
    }
    PQexitPipelineMode(c);
}

static int64_t raw_global(void)
{
    uint64_t g = ptr__pg_hash(PTR__PG_HASH_INIT, "bench_raw", 10);
    return ptr__pg_hash_key(ptr__pg_hash(g, "g:", 2));
}

static void raw_limit(PGconn *c, const char *owner)
{
    const char *v[1] = {owner};
    const int l[1] = {(int)strlen(owner)}, f[1] = {1};
    PQclear(raw_run(c, R_LIMIT, 1, v, l, f));
}

static void raw_commit(PGconn *c)
{
    PGresult *r = PQexec(c, "COMMIT");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("raw commit", PQresultErrorMessage(r));
    PQclear(r);
}

static void raw_checked(PGconn *c, input *in)
{
    unsigned char lim[8] = {0, 0, 0, 0, 0, 0, 0x03, 0xe8}; /* 1000 */
    ptr__pg_params p = in->p;
    ptr__pg_param_bytes(&p, lim, 8);
    PGresult *r = raw_run(c, R_CHECKED, p.n, p.values, p.lengths, p.formats);
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        die("raw insert", PQresultErrorMessage(r));
    PQclear(r);
}

static void raw_create(PGconn *c, unsigned i)
{
    char text[64];
    input *in = &inputs[i];
    int64_t keys[2] = {in->owner_key, in->addr_key};
    raw_begin(c, raw_global(), keys, 2, text);
    raw_limit(c, in->owner);
    raw_checked(c, in);
    raw_commit(c);
}

static void raw_get(PGconn *c, unsigned i)
{
    input *in = &inputs[i % TXN_N];
    PQclear(PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
    PGresult *r = raw_run(c, R_GET, 2, in->p.values, in->p.lengths, in->p.formats);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        die("raw get", PQresultErrorMessage(r));
    PQclear(r);
    raw_commit(c);
}

/* Batch b (records b*BATCH ...): the store's statements for it. */
static void raw_batch(PGconn *c, unsigned b)
{
    static int64_t keys[BATCH + 1];
    static char text[(BATCH + 1) * 22 + 4];
    b *= BATCH;
    keys[0] = inputs[b].owner_key;
    for (unsigned i = 0; i < BATCH; i++)
        keys[i + 1] = inputs[b + i].addr_key;
    raw_begin(c, raw_global(), keys, BATCH + 1, text);
    raw_limit(c, inputs[b].owner);
    raw_checked(c, &inputs[b]);
    for (unsigned i = 1; i < BATCH; i++) {
        ptr__pg_params *p = &inputs[b + i].p;
        PGresult *r = raw_run(c, R_INSERT, p->n, p->values, p->lengths, p->formats);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            die("raw insert", PQresultErrorMessage(r));
        PQclear(r);
    }
    raw_commit(c);
}

/* ---- libptr ---------------------------------------------------------------------------- */

static ptr_scope scope_of(const input *in)
{
    ptr_scope s = base;
    s.owner = (ptr_text){in->owner, strlen(in->owner)};
    return s;
}

static void lib_create(ptr_ctx *ctx, unsigned i)
{
    ptr_error e;
    const ptr_scope s = scope_of(&inputs[i]);
    if (ptr_ctx_create(ctx, &s, &inputs[i].req, NULL, &e) != PTR_OK)
        die("create", e.message);
}

static void lib_get(ptr_ctx *ctx, unsigned i)
{
    static ptr_record *r;
    if (!r)
        ptr_record_new(NULL, &r);
    ptr_error e;
    const input *in = &inputs[i % TXN_N];
    const ptr_scope s = scope_of(in);
    if (ptr_ctx_get(ctx, &s, in->addr, strlen(in->addr), r, &e) != PTR_OK)
        die("get", e.message);
}

static void lib_batch(ptr_ctx *ctx, unsigned b)
{
    static ptr_request reqs[BATCH];
    static ptr_status results[BATCH];
    b *= BATCH;
    for (unsigned i = 0; i < BATCH; i++)
        reqs[i] = inputs[b + i].req;
    const ptr_scope s = scope_of(&inputs[b]);
    size_t made = 0;
    if (ptr_ctx_create_many(ctx, &s, reqs, BATCH, 0, results, NULL, &made) != PTR_OK ||
        made != BATCH)
        die("create_many", ptr_status_name(results[0]));
}

/* ---- pairs ------------------------------------------------------------------------------ */

static int dbl_cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
    qsort(v, n, sizeof *v, dbl_cmp);
    return v[n / 2];
}

typedef void (*lib_fn)(ptr_ctx *, unsigned);
typedef void (*raw_fn)(PGconn *, unsigned);

/*
 * Both sides, operation by operation in turn (libptr's i, raw's i, ...), so
 * that a machine whose load drifts slows both alike; REPS repetitions on
 * fresh tables (writes), the median. per: records per operation.
 */
static void pair(const char *name, lib_fn lf, raw_fn rf, unsigned n, unsigned per, int writes,
                 ptr_ctx *ctx, PGconn *raw, double *lib_med, double *raw_med)
{
    double l[REPS], r[REPS];
    for (unsigned k = 0; k < REPS; k++) {
        if (writes) {
            empty_schema("bench_lib");
            empty_schema("bench_raw");
        }
        l[k] = r[k] = 0;
        for (unsigned i = 0; i < n; i++) {
            double t0 = now();
            lf(ctx, i);
            const double t1 = now();
            rf(raw, i);
            r[k] += now() - t1;
            l[k] += t1 - t0;
        }
        l[k] /= (double)n * per;
        r[k] /= (double)n * per;
    }
    *lib_med = median(l, REPS);
    *raw_med = median(r, REPS);
    printf("%-36s libptr %8.1f us   raw libpq %8.1f us   ratio %.2f\n", name, *lib_med * 1e6,
           *raw_med * 1e6, *lib_med / *raw_med);
}

/* ---- parallel writers ------------------------------------------------------------------------ */

typedef struct writer {
    const char *ci;
    int id;
    volatile int *stop;
    unsigned done;
    ptr_store *s;
    ptr_ctx *ctx;
} writer;

static void *write_loop(void *p)
{
    writer *w = p;
    unsigned i = 0;
    while (!*w->stop) {
        char addr[32], owner[24];
        snprintf(addr, sizeof addr, "10.%d.%u.%u", 100 + w->id, i >> 8 & 255, i & 255);
        snprintf(owner, sizeof owner, "w%d-%u", w->id, i / PER_OWNER);
        ptr_request r = inputs[0].req;
        r.address = (ptr_text){addr, strlen(addr)};
        ptr_scope s = base;
        s.owner = (ptr_text){owner, strlen(owner)};
        ptr_error e;
        if (ptr_ctx_create(w->ctx, &s, &r, NULL, &e) != PTR_OK)
            die("writer create", e.message);
        i++;
    }
    w->done = i;
    return NULL;
}

static double writers(const char *ci, int n)
{
    empty_schema("bench_lib");
    writer w[8];
    volatile int stop = 0;
    for (int i = 0; i < n; i++) {
        w[i] = (writer){ci, i, &stop, 0, NULL, NULL};
        w[i].s = open_store(ci, "bench_lib", &w[i].ctx);
    }
    pthread_t th[8];
    for (int i = 0; i < n; i++)
        pthread_create(&th[i], NULL, write_loop, &w[i]);
    const struct timespec d = {(time_t)WRITER_SEC,
                               (long)((WRITER_SEC - (double)(time_t)WRITER_SEC) * 1e9)};
    nanosleep(&d, NULL);
    stop = 1;
    unsigned total = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        total += w[i].done;
        ptr_ctx_free(w[i].ctx);
        ptr_store_free(w[i].s);
    }
    return total / WRITER_SEC;
}

/* The round trip a client meets: the median of 200 empty statements. */
static double round_trip(const char *ci)
{
    PGconn *c = PQconnectdb(ci);
    if (PQstatus(c) != CONNECTION_OK)
        die("connect", PQerrorMessage(c));
    double t[200];
    for (int i = 0; i < 200; i++) {
        const double t0 = now();
        PQclear(PQexec(c, "SELECT 1"));
        t[i] = now() - t0;
    }
    PQfinish(c);
    return median(t, 200);
}

static void writer_table(const char *label, const char *ci, double *one, double *eight)
{
    printf("creates for distinct owners, %s (round trip %.2f ms):\n", label, round_trip(ci) * 1e3);
    const int ns[4] = {1, 2, 4, 8};
    for (int k = 0; k < 4; k++) {
        const double t = writers(ci, ns[k]);
        if (ns[k] == 1)
            *one = t;
        if (ns[k] == 8)
            *eight = t;
        printf("  %d connection%s %8.0f creates/s   %.2fx one\n", ns[k], ns[k] > 1 ? "s" : " ", t,
               t / *one);
    }
}

static int target(const char *what, double v, double limit, int at_most)
{
    const int ok = at_most ? v <= limit : v >= limit;
    printf("target %-44s %.2f %s %.2f  %s\n", what, v, at_most ? "<=" : ">=", limit,
           ok ? "PASS" : "MISS");
    return ok;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* lines as they come, also into a file */
    conninfo = getenv("PTR_BENCH_PG_CONNINFO");
    delayed = getenv("PTR_BENCH_PG_DELAYED");
    if (!conninfo)
        die("PTR_BENCH_PG_CONNINFO", "not set (run bench/run_pg.sh)");
    make_inputs(BULK_N, PER_OWNER);
    ptr_ctx *ctx;
    ptr_store *s = open_store(conninfo, "bench_lib", &ctx);
    ptr_ctx *rctx;
    ptr_store *rs = open_store(conninfo, "bench_raw", &rctx); /* makes the raw side's schema */
    ptr_ctx_free(rctx);
    ptr_store_free(rs);
    PGconn *raw = raw_connect("bench_raw");
    raw_prepare(raw);

    double lc, rc, lg, rg, li, ri;
    pair("create (one transaction each)", lib_create, raw_create, TXN_N, 1, 1, ctx, raw, &lc, &rc);
    pair("get", lib_get, raw_get, GET_N, 1, 0, ctx, raw, &lg, &rg);
    /* The import's owners hold a batch each. */
    for (unsigned i = 0; i < BULK_N; i++)
        snprintf(inputs[i].owner, sizeof inputs[i].owner, "b%u", i / BATCH);
    for (unsigned i = 0; i < BULK_N; i++) {
        ptr__bytebuf_free(&inputs[i].buf);
        ptr_record_set_owner(inputs[i].rec, inputs[i].owner, strlen(inputs[i].owner));
        ptr__pg_row_params(inputs[i].rec, &inputs[i].buf, &inputs[i].ints, &inputs[i].p);
        inputs[i].owner_key =
            key_of("bench_raw", "o:", inputs[i].owner, strlen(inputs[i].owner), NULL, 0);
    }
    pair("import (batches of 500), per record", lib_batch, raw_batch, BULK_N / BATCH, BATCH, 1, ctx,
         raw, &li, &ri);
    printf("%-34s %.1fx faster per record (%.1f us against %.1f us)\n",
           "batched against one txn per record", lc / li, li * 1e6, lc * 1e6);
    ptr_ctx_free(ctx);
    ptr_store_free(s);
    PQfinish(raw);

    int ok = target("create overhead vs raw libpq", lc / rc, 1.2, 1);
    ok &= target("get overhead vs raw libpq", lg / rg, 1.2, 1);
    ok &= target("import overhead vs raw libpq", li / ri, 1.2, 1);
    double one, eight;
    writer_table("no added delay (Unix socket)", conninfo, &one, &eight);
    if (delayed) {
        writer_table("through the forwarder (1 ms each way)", delayed, &one, &eight);
        ok &= target("8 connections vs 1, 2 ms round trip", eight / one, 2.0, 0);
    }
    return ok ? 0 : 1;
}
