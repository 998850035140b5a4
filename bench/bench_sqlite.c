/*
 * The SQLite store against raw SQLite doing the same work, on real database files:
 *   (a) raw SQLite, one transaction per record, the statements ptr_ctx_create makes the
 *       store run (its insert_checked slot): BEGIN IMMEDIATE; the owner's count (its row
 *       of ptr_owner); the INSERT of the same 15 columns with the same encoding, whose
 *       unique index answers for a taken key (a lookup of the key only at the quota); the
 *       addition of the transaction's inserts to the owner's count; COMMIT. Prepared once,
 *       the encoded address key and lists computed before timing;
 *   (b) ptr_ctx_create over ptr_sqlite_store_open, the same records, one each;
 *   (c) ptr_ctx_create_many, batches of BATCH records, per-record time;
 *   and, as information, raw SQLite running each batch of BATCH in one transaction as
 *   (c) does, and the CPU time of each case: what the adapter costs when a sync per
 *   commit does not hide it.
 * Every run gets a fresh database file, created (schema, WAL) and opened before the
 * clock starts. The store sets no synchronous level, so both sides run with SQLite's
 * default, which the suite prints (FULL on Debian: every commit syncs the WAL), and with
 * WAL, which the store sets on open and the raw side inherits from the same file.
 * Raw SQLite and libptr take turns (run_pair) because the disk's sync latency drifts.
 */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <libptr/libptr.h>
#include <libptr/sqlite.h>

/*
 * Records for the one-transaction-per-record cases (each commit waits for a sync), and
 * for the batched cases; smaller ones may be given at build time to profile a short run.
 */
#ifndef TXN_N
#define TXN_N 1000u
#endif
#ifndef BULK_N
#define BULK_N 100000u
#endif
#define BATCH 500u
#define REPS  3u
/* Fresh databases a case needs: the warm-up run and every repetition. */
#define NDB (REPS + 1u)
/* One owner per batch, so that the batch and one-by-one cases store the same records. */
#define PER_OWNER BATCH
#define NOWNERS   ((BULK_N + PER_OWNER - 1) / PER_OWNER)
#define NVAR      1024u
#define CREATED   1700000000

static const char region[] = "eu-de";

typedef struct variant {
    bench_variant f; /* the request's fields */
    /* The names and tags as the store encodes them (sqlite_row.c), for the raw side. */
    unsigned char names_blob[256], tags_blob[128];
    int names_len, tags_len;
} variant;

/* What the raw side binds for one record, all of it computed before timing. */
typedef struct raw_row {
    unsigned char key[17];
    int64_t ttl;
} raw_row;

/* A database file of one repetition, with what opened it. */
typedef struct slot {
    char path[512];
    sqlite3 *db;
    sqlite3_stmt *begin, *count, *exists, *insert, *add, *commit;
    ptr_store *store;
    ptr_ctx *ctx;
} slot;

typedef struct sql_set {
    char dir[256];
    variant *var;
    char (*addr_text)[16];
    uint8_t *addr_len;
    raw_row *raw;
    ptr_request *req;
    char (*owner)[16];
    char (*project)[16];
    ptr_status *results;
    ptr_policy policy;
    unsigned nfiles;
} sql_set;

/* One case's databases, one per run: the warm-up's, then each repetition's. */
typedef struct dbset {
    slot slot[NDB];
} dbset;

/* Stores records from .. to-1 in s; returns how many it stored. */
typedef uint64_t (*put_fn)(sql_set *b, slot *s, uint32_t from, uint32_t to);

/* This process's CPU time (user and system), in ns: the code's cost apart from waiting. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static ptr_text text_of(const char *s)
{
    return (ptr_text){s, strlen(s)};
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench sqlite: %s: %s\n", what, why);
    exit(1);
}

/* ---- inputs ------------------------------------------------------------------------- */

static unsigned char *varint_put(unsigned char *p, size_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

static unsigned char *text_put(unsigned char *p, const char *s, size_t len)
{
    p = varint_put(p, len);
    memcpy(p, s, len);
    return p + len;
}

static ptr_scope scope_of(const sql_set *b, uint32_t i)
{
    const uint32_t o = i / PER_OWNER;
    return (ptr_scope){text_of(region), text_of(b->project[o % 64u]), text_of(b->owner[o])};
}

static void make_set(sql_set *b)
{
    uint64_t seed = 0x5eed0005u;
    b->var = calloc(NVAR, sizeof *b->var);
    b->addr_text = calloc(BULK_N, sizeof *b->addr_text);
    b->addr_len = calloc(BULK_N, sizeof *b->addr_len);
    b->raw = calloc(BULK_N, sizeof *b->raw);
    b->req = calloc(BULK_N, sizeof *b->req);
    b->owner = calloc(NOWNERS, sizeof *b->owner);
    b->project = calloc(64, sizeof *b->project);
    b->results = calloc(BATCH, sizeof *b->results);
    if (!b->var || !b->addr_text || !b->addr_len || !b->raw || !b->req || !b->owner ||
        !b->project || !b->results)
        die("inputs", "out of memory");
    for (uint32_t i = 0; i < NVAR; i++) {
        variant *v = &b->var[i];
        bench_variant_make(&v->f, i, &seed);
        unsigned char *p = varint_put(v->names_blob, 3);
        for (unsigned k = 0; k < 3; k++)
            p = text_put(p, v->f.names[k].s, v->f.names[k].len);
        v->names_len = (int)(p - v->names_blob);
        p = varint_put(v->tags_blob, 2);
        for (unsigned k = 0; k < 2; k++) {
            p = text_put(p, v->f.key[k], v->f.tags[k].key_len);
            p = text_put(p, v->f.val[k], v->f.tags[k].value_len);
        }
        v->tags_len = (int)(p - v->tags_blob);
    }
    for (uint32_t i = 0; i < NOWNERS; i++)
        snprintf(b->owner[i], sizeof b->owner[i], "acct-%07u", i * 37u);
    for (uint32_t i = 0; i < 64u; i++)
        snprintf(b->project[i], sizeof b->project[i], "prj-%08x", i * 0x9e3779b9u);

    /*
     * Each owner's records are consecutive public IPv4 addresses from its own 512-address
     * blocks (an import covers a tenant's address blocks, in order); the blocks are spread
     * over the address space (an odd multiplier is a bijection on the 23 block bits).
     * Addresses the policy refuses are skipped. Scattering every record instead makes a
     * 500-record commit rewrite about 500 B-tree leaves: see docs/performance.md.
     */
    uint32_t cand = 0, block = 0, off = 512;
    for (uint32_t i = 0; i < BULK_N; i++) {
        ptr_request *r = &b->req[i];
        const variant *v = &b->var[i % NVAR];
        ptr_addr a;
        if (i % PER_OWNER == 0)
            off = 512; /* a new owner: a new block */
        do {
            if (off == 512) {
                block = (cand++ * 2654435761u + 0x0b0001u) & 0x7fffffu;
                off = 0;
            }
            const uint32_t y = block << 9 | off++;
            b->addr_len[i] =
                (uint8_t)snprintf(b->addr_text[i], sizeof b->addr_text[i], "%u.%u.%u.%u", y >> 24,
                                  (y >> 16) & 255u, (y >> 8) & 255u, y & 255u);
            ptr_request_init(r);
            r->address = (ptr_text){b->addr_text[i], b->addr_len[i]};
            r->names = v->f.names;
            r->name_count = 3;
            r->ttl = 300 + (int64_t)(i % 3600);
            r->description = (ptr_text){v->f.desc, 40};
            r->tags = v->f.tags;
            r->tag_count = 2;
        } while (ptr_request_check(r, &b->policy, &a, NULL) != PTR_OK);
        /* The store's key: the family byte, then the 4 bytes, then zeros (sqlite_row.h). */
        memset(b->raw[i].key, 0, sizeof b->raw[i].key);
        b->raw[i].key[0] = 4;
        memcpy(b->raw[i].key + 1, a.bytes, 4);
        b->raw[i].ttl = r->ttl;
    }
}

/* ---- database files ------------------------------------------------------------------ */

static void remove_db(const char *path)
{
    char p[600];
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (unsigned i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        (void)unlink(p);
    }
}

/* A new database with the store's schema and WAL: the store makes it, then closes it. */
static ptr_store *new_store(sql_set *b, slot *s)
{
    snprintf(s->path, sizeof s->path, "%s/db%u.sqlite", b->dir, b->nfiles++);
    remove_db(s->path);
    ptr_store *st = NULL;
    ptr_error err;
    if (ptr_sqlite_store_open(s->path, strlen(s->path), NULL, &st, &err) != PTR_OK)
        die(s->path, err.message);
    return st;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
        die(sql, sqlite3_errmsg(db));
    return st;
}

/* Open the file as the store does (no SQLite mutex, private cache) and prepare once. */
static void open_raw(sql_set *b, slot *s)
{
    ptr_store_free(new_store(b, s));
    if (sqlite3_open_v2(s->path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE,
                        NULL) != SQLITE_OK)
        die(s->path, sqlite3_errmsg(s->db));
    sqlite3_busy_timeout(s->db, 5000);
    s->begin = prepare(s->db, "BEGIN IMMEDIATE");
    s->count = prepare(s->db, "SELECT records FROM ptr_owner WHERE owner = ?1");
    s->exists = prepare(s->db, "SELECT 1 FROM ptr_record WHERE region = ?1 AND address = ?2");
    s->insert = prepare(s->db, "INSERT INTO ptr_record (region, address, project, owner, ttl,"
                               " description, names, tags, created, updated, revision,"
                               " dns_status, dns_action, dns_error, in_dns)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                               " ?14, ?15)");
    s->add =
        prepare(s->db, "INSERT INTO ptr_owner (owner, records) VALUES (?1, ?2)"
                       " ON CONFLICT (owner) DO UPDATE SET records = records + excluded.records");
    s->commit = prepare(s->db, "COMMIT");
}

static void open_ctx(sql_set *b, slot *s)
{
    s->store = new_store(b, s);
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s->store;
    cfg.policy = &b->policy;
    if (ptr_ctx_new(&cfg, &s->ctx, NULL) != PTR_OK)
        die("ptr_ctx_new", "failed");
}

static void close_all(dbset *d)
{
    for (unsigned i = 0; i < NDB; i++) {
        slot *s = &d->slot[i];
        sqlite3_stmt *st[] = {s->begin, s->count, s->exists, s->insert, s->add, s->commit};
        for (unsigned k = 0; k < 6; k++)
            sqlite3_finalize(st[k]);
        sqlite3_close(s->db);
        ptr_ctx_free(s->ctx);
        ptr_store_free(s->store);
        if (s->path[0])
            remove_db(s->path);
        memset(s, 0, sizeof *s);
    }
}

/* ---- raw SQLite ------------------------------------------------------------------------- */

static void step_done(sqlite3 *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        die("step", sqlite3_errmsg(db));
    sqlite3_reset(st);
}

static int bind_str(sqlite3_stmt *st, int i, ptr_text t)
{
    return sqlite3_bind_text(st, i, t.s, (int)t.len, SQLITE_STATIC);
}

/* The owner's count, as the quota check reads it (no row: none yet). */
static int64_t raw_count(const sql_set *b, slot *s, uint32_t i)
{
    const ptr_scope sc = scope_of(b, i);
    bind_str(s->count, 1, sc.owner);
    const int rc = sqlite3_step(s->count);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        die("count", sqlite3_errmsg(s->db));
    const int64_t n = rc == SQLITE_ROW ? sqlite3_column_int64(s->count, 0) : 0;
    sqlite3_reset(s->count);
    return n;
}

/* Adds a transaction's inserts to the owner's count before COMMIT, as the store does. */
static void raw_add(const sql_set *b, slot *s, uint32_t i, int64_t inserted)
{
    if (inserted == 0)
        return;
    const ptr_scope sc = scope_of(b, i);
    bind_str(s->add, 1, sc.owner);
    sqlite3_bind_int64(s->add, 2, inserted);
    step_done(s->db, s->add);
}

/*
 * As the store's insert_checked: under the quota the INSERT, whose unique index refuses a
 * taken key; at the quota the lookup that tells a taken key from a full owner. 1 when stored.
 */
static int raw_put(const sql_set *b, slot *s, uint32_t i, int64_t used)
{
    const ptr_scope sc = scope_of(b, i);
    const raw_row *r = &b->raw[i];
    const variant *v = &b->var[i % NVAR];
    if (used >= PER_OWNER) {
        bind_str(s->exists, 1, sc.region);
        sqlite3_bind_blob(s->exists, 2, r->key, sizeof r->key, SQLITE_STATIC);
        (void)sqlite3_step(s->exists);
        sqlite3_reset(s->exists);
        return 0;
    }
    sqlite3_stmt *st = s->insert;
    bind_str(st, 1, sc.region);
    sqlite3_bind_blob(st, 2, r->key, sizeof r->key, SQLITE_STATIC);
    bind_str(st, 3, sc.project);
    bind_str(st, 4, sc.owner);
    sqlite3_bind_int64(st, 5, r->ttl);
    sqlite3_bind_text(st, 6, v->f.desc, 40, SQLITE_STATIC);
    sqlite3_bind_blob(st, 7, v->names_blob, v->names_len, SQLITE_STATIC);
    sqlite3_bind_blob(st, 8, v->tags_blob, v->tags_len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, CREATED);
    sqlite3_bind_int64(st, 10, CREATED);
    sqlite3_bind_int64(st, 11, 1);
    /* As ptr_ctx_create leaves a record: PENDING_CREATE, CREATE, no error, not in DNS. */
    sqlite3_bind_int(st, 12, 1);
    sqlite3_bind_int(st, 13, 1);
    sqlite3_bind_text(st, 14, "", 0, SQLITE_STATIC);
    sqlite3_bind_int(st, 15, 0);
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_CONSTRAINT)
        die("insert", sqlite3_errmsg(s->db));
    return rc == SQLITE_DONE;
}

/* Records from .. to-1, one transaction each. */
static uint64_t raw_each(sql_set *b, slot *s, uint32_t from, uint32_t to)
{
    uint64_t acc = 0;
    for (uint32_t i = from; i < to; i++) {
        step_done(s->db, s->begin);
        const int put = raw_put(b, s, i, raw_count(b, s, i));
        raw_add(b, s, i, put);
        acc += (uint64_t)put;
        step_done(s->db, s->commit);
    }
    return acc;
}

/* As ptr_ctx_create_many runs a batch: one count, an insert per record, one count update. */
static uint64_t raw_batched(sql_set *b, slot *s, uint32_t from, uint32_t to)
{
    uint64_t acc = 0;
    for (uint32_t i = from; i < to; i += BATCH) {
        const uint32_t end = to - i < BATCH ? to : i + BATCH;
        step_done(s->db, s->begin);
        int64_t used = raw_count(b, s, i), put = 0;
        for (uint32_t k = i; k < end; k++)
            if (raw_put(b, s, k, used))
                used++, put++;
        raw_add(b, s, i, put);
        acc += (uint64_t)put;
        step_done(s->db, s->commit);
    }
    return acc;
}

/* ---- libptr ------------------------------------------------------------------------------ */

static uint64_t ptr_each(sql_set *b, slot *s, uint32_t from, uint32_t to)
{
    uint64_t acc = 0;
    for (uint32_t i = from; i < to; i++) {
        const ptr_scope sc = scope_of(b, i);
        acc += ptr_ctx_create(s->ctx, &sc, &b->req[i], NULL, NULL) == PTR_OK;
    }
    return acc;
}

static uint64_t ptr_batched(sql_set *b, slot *s, uint32_t from, uint32_t to)
{
    uint64_t acc = 0;
    for (uint32_t i = from; i < to; i += BATCH) {
        const uint32_t n = to - i < BATCH ? to - i : BATCH;
        const ptr_scope sc = scope_of(b, i);
        size_t created = 0;
        ptr_ctx_create_many(s->ctx, &sc, &b->req[i], n, 0, b->results, NULL, &created);
        acc += created;
    }
    return acc;
}

/* ---- the suite ------------------------------------------------------------------------------ */

/* Every record must have been stored in every timed run, or the figure times failures. */
static void check_stored(const dbset *d, const char *name, uint32_t ops)
{
    for (unsigned i = 1; i < NDB; i++) {
        sqlite3 *db = NULL;
        sqlite3_stmt *st = NULL;
        int64_t n = -1;
        if (sqlite3_open_v2(d->slot[i].path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(db, "SELECT count(*) FROM ptr_record", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
        if (n != (int64_t)ops) {
            fprintf(stderr, "bench sqlite: %s stored %lld records of %u\n", name, (long long)n,
                    (unsigned)ops);
            exit(1);
        }
    }
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *x, const void *y)
{
    const double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/*
 * Times raw SQLite (fn[0]) and libptr (fn[1]) storing the same `ops` records, each run on
 * a fresh database made and opened before the clock starts: an untimed warm-up run of
 * up to 1,000 records, then REPS runs. The two sides take turns every `chunk` records,
 * the one going first swapping each turn, because this disk's sync latency swings
 * between 0.03 and 4 ms within seconds: whole runs one after the other would compare two
 * different disks. Records each side's median wall ns per record (as bench_run_n does)
 * and returns them in ns[]; cpu[]: CPU ns (user + system) per record over the REPS runs.
 */
static void run_pair(sql_set *b, const char *group, const char *const name[2], const put_fn fn[2],
                     uint32_t ops, uint32_t chunk, double ns[2], double cpu[2])
{
    static dbset d[2];
    void (*const open[2])(sql_set *, slot *) = {open_raw, open_ctx};
    for (int k = 0; k < 2; k++)
        for (unsigned i = 0; i < NDB; i++)
            open[k](b, &d[k].slot[i]);
    const uint32_t warm = ops < 1000 ? ops : 1000;
    uint64_t stored = 0;
    for (int k = 0; k < 2; k++)
        stored += fn[k](b, &d[k].slot[0], 0, warm);
    double t[2][REPS], c[2] = {0, 0};
    for (unsigned r = 0; r < REPS; r++) {
        t[0][r] = t[1][r] = 0;
        for (uint32_t from = 0, turn = 0; from < ops; from += chunk, turn++) {
            const uint32_t to = ops - from < chunk ? ops : from + chunk;
            for (int j = 0; j < 2; j++) {
                const int k = (turn + r) & 1 ? 1 - j : j;
                const double w0 = wall_now(), c0 = cpu_now();
                stored += fn[k](b, &d[k].slot[r + 1], from, to);
                c[k] += cpu_now() - c0;
                t[k][r] += wall_now() - w0;
            }
        }
    }
    if (stored != 2 * ((uint64_t)warm + (uint64_t)ops * REPS))
        die(group, "a record was not stored");
    for (int k = 0; k < 2; k++) {
        check_stored(&d[k], name[k], ops);
        close_all(&d[k]);
        for (unsigned r = 0; r < REPS; r++)
            t[k][r] /= ops;
        qsort(t[k], REPS, sizeof t[k][0], cmp_double);
        ns[k] = t[k][REPS / 2];
        cpu[k] = c[k] / ((double)ops * REPS);
        bench_note(group, name[k], ns[k], "ns/op");
    }
}

/* What SQLite itself will do on these files: its version, journal mode and sync level. */
static void describe(sql_set *b)
{
    slot s;
    memset(&s, 0, sizeof s);
    ptr_store_free(new_store(b, &s));
    sqlite3 *db = NULL;
    char mode[16] = "?";
    int sync = -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(s.path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        if (sqlite3_prepare_v2(db, "PRAGMA synchronous", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            sync = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    remove_db(s.path);
    static const char *const level[] = {"OFF", "NORMAL", "FULL", "EXTRA"};
    printf("  (SQLite %s, journal_mode %s, synchronous %s (the default: the store sets none),"
           " files in %s)\n",
           sqlite3_libversion(), mode, sync >= 0 && sync <= 3 ? level[sync] : "?", b->dir);
}

void bench_sqlite(void)
{
    static sql_set b;
    memset(&b, 0, sizeof b);
    ptr_policy_init(&b.policy);
    /* A bulk import's owner holds a batch's worth; the default quota (50) would refuse it. */
    b.policy.max_records_per_owner = PER_OWNER;
    const char *tmp = getenv("TMPDIR");
    snprintf(b.dir, sizeof b.dir, "%s/ptr_bench_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(b.dir))
        die(b.dir, "cannot make the directory");
    make_set(&b);
    describe(&b);

    /* Wall time is what the targets compare; CPU time shows the code behind the waits. */
    double one[2], bulk[2], cpu1[2], cpub[2];
    const char *g1 = "SQLite create, 1 txn each";
    static const char *const n1[2] = {"raw SQLite (same statements)", "libptr ptr_ctx_create"};
    static const put_fn f1[2] = {raw_each, ptr_each};
    run_pair(&b, g1, n1, f1, TXN_N, 10, one, cpu1);
    const char *g2 = "SQLite create, 500 per txn";
    static const char *const n2[2] = {"raw SQLite (same statements)", "libptr ptr_ctx_create_many"};
    static const put_fn f2[2] = {raw_batched, ptr_batched};
    run_pair(&b, g2, n2, f2, BULK_N, 10 * BATCH, bulk, cpub);
    bench_note(g2, "libptr as % of raw SQLite, wall time", 100 * bulk[1] / bulk[0], "%");
    const char *g3 = "SQLite create, CPU time";
    bench_note(g3, "raw SQLite, 1 txn each", cpu1[0], "ns/rec");
    bench_note(g3, "libptr ptr_ctx_create, 1 txn each", cpu1[1], "ns/rec");
    bench_note(g3, "raw SQLite, 500 per txn", cpub[0], "ns/rec");
    bench_note(g3, "libptr ptr_ctx_create_many, 500/txn", cpub[1], "ns/rec");
    bench_note(g3, "libptr as % of raw SQLite, 1 txn each", 100 * cpu1[1] / cpu1[0], "%");
    bench_note(g3, "libptr as % of raw SQLite, 500 per txn", 100 * cpub[1] / cpub[0], "%");
    (void)rmdir(b.dir);

    bench_target("SQLite: ptr_ctx_create / raw SQLite, same transaction", one[1] / one[0], 1.2, 1);
    bench_target("SQLite: one transaction per record / batched import (per record)",
                 one[1] / bulk[1], 20.0, 0);

    free(b.var);
    free(b.addr_text);
    free(b.addr_len);
    free(b.raw);
    free(b.req);
    free(b.owner);
    free(b.project);
    free(b.results);
}
