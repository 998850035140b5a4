/*
 * A list page of the SQLite store at 10k, 100k and 1M records (issue 10): the
 * first page against the last (by marker), and a list's total through the
 * store's count slot against raw SQLite's `SELECT count(*)`.
 *
 * Every record is in one region and project, the scope `ptrctl list` pages
 * through. A page is what the service asks of the store: a read transaction,
 * a scan of the scope from the marker stopped after PAGE records. The marker
 * of the last page is the address PAGE records before the end.
 *
 * Through the public API only: ptr_store_scan and ptr_store_count on the
 * store, then what a user feels: the service's ptr_ctx_list, first page and
 * last page (by marker), each with its total (PTR_LIST_TOTAL).
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


#define PAGE      100u
#define REPS      31u
#define SVC_REPS  3u
#define PER_TXN   10000u
#define PER_OWNER 500u

static const char region[] = "eu-de", project[] = "prj-list";

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *t, unsigned n)
{
    qsort(t, n, sizeof t[0], cmp_double);
    return t[n / 2];
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench list: %s: %s\n", what, why);
    exit(1);
}

/* Record i's address: public IPv4 from 11.0.0.0 on, in order. */
static ptr_addr addr_of(uint32_t i)
{
    ptr_addr a;
    memset(&a, 0, sizeof a);
    const uint32_t y = (11u << 24) + i;
    a.family = 4;
    a.bytes[0] = (uint8_t)(y >> 24);
    a.bytes[1] = (uint8_t)(y >> 16);
    a.bytes[2] = (uint8_t)(y >> 8);
    a.bytes[3] = (uint8_t)y;
    return a;
}

/* n records through the store's insert slot, PER_TXN a transaction. */
static void fill(ptr_store *m, uint32_t n)
{
    uint64_t seed = 0x115700u;
    bench_variant v;
    ptr_record *r;
    if (ptr_record_new(NULL, &r) != PTR_OK)
        die("fill", "out of memory");
    ptr_store_txn *txn = NULL;
    char owner[24];
    for (uint32_t i = 0; i < n; i++) {
        if (i % PER_TXN == 0 && ptr_store_begin(m, PTR_TXN_WRITE, &txn) != PTR_OK)
            die("fill", "begin");
        if (i % 1024 == 0)
            bench_variant_make(&v, i, &seed);
        const ptr_addr a = addr_of(i);
        snprintf(owner, sizeof owner, "acct-%07u", i / PER_OWNER);
        ptr_record_reset(r);
        ptr_record_set_region(r, region, sizeof region - 1);
        ptr_record_set_project(r, project, sizeof project - 1);
        ptr_record_set_owner(r, owner, strlen(owner));
        ptr_record_set_address(r, &a);
        ptr_record_set_ttl(r, 300);
        ptr_record_set_description(r, v.desc, 40);
        for (unsigned k = 0; k < 3; k++)
            ptr_record_add_name(r, v.names[k].s, v.names[k].len);
        for (unsigned k = 0; k < 2; k++)
            ptr_record_add_tag(r, v.tags[k].key, v.tags[k].key_len, v.tags[k].value,
                               v.tags[k].value_len);
        ptr_record_set_revision(r, 1);
        if (ptr_store_insert(m, txn, r) != PTR_OK)
            die("fill", "insert");
        if ((i + 1) % PER_TXN == 0 || i + 1 == n) {
            if (ptr_store_commit(m, txn) != PTR_OK)
                die("fill", "commit");
        }
    }
    ptr_record_free(r);
}

typedef struct page_ctx {
    uint32_t left;
} page_ctx;

static int page_visit(void *ctx, const ptr_record *rec)
{
    page_ctx *p = ctx;
    bench_sink += ptr_record_address(rec)->bytes[3];
    return --p->left == 0;
}

static ptr_store_filter scope_filter(void)
{
    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = (ptr_text){region, sizeof region - 1};
    f.project = (ptr_text){project, sizeof project - 1};
    return f;
}

/* One page as the service reads it: a read transaction, a scan from the marker. */
static double page_ns(ptr_store *m, const ptr_addr *after)
{
    const ptr_store_filter f = scope_filter();
    double t[REPS];
    for (unsigned r = 0; r < REPS; r++) {
        ptr_store_txn *txn;
        page_ctx p = {PAGE};
        const double t0 = now_ns();
        if (ptr_store_begin(m, PTR_TXN_READ, &txn) != PTR_OK ||
            ptr_store_scan(m, txn, &f, after, page_visit, &p) != PTR_OK || ptr_store_commit(m, txn) != PTR_OK ||
            p.left != 0)
            die("page", "scan");
        t[r] = now_ns() - t0;
    }
    return median(t, REPS);
}

/* The list's total through the count slot (in its own read transaction). */
static double count_ns(ptr_store *m, uint32_t n)
{
    const ptr_store_filter f = scope_filter();
    double t[REPS];
    for (unsigned r = 0; r < REPS; r++) {
        ptr_store_txn *txn;
        uint64_t c = 0;
        const double t0 = now_ns();
        if (ptr_store_begin(m, PTR_TXN_READ, &txn) != PTR_OK || ptr_store_count(m, txn, &f, &c) != PTR_OK ||
            ptr_store_commit(m, txn) != PTR_OK || c != n)
            die("count", "count slot");
        t[r] = now_ns() - t0;
    }
    return median(t, REPS);
}

/* Raw SQLite on its own connection: `SELECT count(*) FROM ptr_record`, prepared once. */
static double raw_count_ns(const char *path, uint32_t n)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT count(*) FROM ptr_record", -1, &st, NULL) != SQLITE_OK)
        die(path, sqlite3_errmsg(db));
    double t[REPS];
    for (unsigned r = 0; r < REPS; r++) {
        const double t0 = now_ns();
        if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) != n)
            die("raw count", sqlite3_errmsg(db));
        sqlite3_reset(st);
        t[r] = now_ns() - t0;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return median(t, REPS);
}

/* What a user feels: the service's page after marker (the first when empty) with its total. */
static double service_ns(ptr_store *s, const char *marker)
{
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s;
    ptr_ctx *c;
    if (ptr_ctx_new(&cfg, &c, NULL) != PTR_OK)
        die("service", "ptr_ctx_new");
    const ptr_scope scope = {{region, sizeof region - 1}, {project, sizeof project - 1}, {NULL, 0}};
    ptr_list_query q;
    ptr_list_query_init(&q);
    q.flags = PTR_LIST_TOTAL;
    q.limit = PAGE;
    q.marker = (ptr_text){marker, strlen(marker)};
    double t[SVC_REPS];
    for (unsigned r = 0; r < SVC_REPS; r++) {
        ptr_record_list *l = NULL;
        const double t0 = now_ns();
        if (ptr_ctx_list(c, &scope, &q, &l, NULL) != PTR_OK)
            die("service", "ptr_ctx_list");
        t[r] = now_ns() - t0;
        bench_sink += (uint64_t)ptr_record_list_total(l);
        ptr_record_list_free(l);
    }
    ptr_ctx_free(c);
    return median(t, SVC_REPS);
}

static void one_size(const char *dir, uint32_t n, const char *label)
{
    char path[512], group[64];
    snprintf(path, sizeof path, "%s/list-%u.sqlite", dir, n);
    snprintf(group, sizeof group, "SQLite list, %s records", label);
    ptr_sqlite_options o;
    ptr_sqlite_options_init(&o);
    ptr_store *m = NULL;
    ptr_error err;
    if (ptr_sqlite_store_open(path, strlen(path), &o, &m, &err) != PTR_OK)
        die(path, err.message);
    fill(m, n);
    const ptr_addr marker = addr_of(n - PAGE - 1);
    char mtext[PTR_ADDR_STRLEN];
    ptr_addr_format(&marker, mtext, sizeof mtext, NULL);
    /* Warm the cache as a server's would be: one page, one count. */
    (void)page_ns(m, NULL);
    const double first = page_ns(m, NULL), last = page_ns(m, &marker);
    const double total = count_ns(m, n), raw = raw_count_ns(path, n);
    bench_note(group, "first page (100), store scan", first / 1e3, "us");
    bench_note(group, "last page (100) by marker", last / 1e3, "us");
    bench_note(group, "total: count slot", total / 1e3, "us");
    bench_note(group, "total: raw SELECT count(*)", raw / 1e3, "us");
    const double sfirst = service_ns(m, ""), slast = service_ns(m, mtext);
    bench_note(group, "ptr_ctx_list first page + TOTAL", sfirst / 1e3, "us");
    bench_note(group, "ptr_ctx_list last page + TOTAL", slast / 1e3, "us");
    ptr_store_free(m);

    char what[96];
    snprintf(what, sizeof what, "SQLite list %s: last page / first page", label);
    bench_target(what, last / first, 2.0, 1);
    snprintf(what, sizeof what, "SQLite list %s: count slot / raw count(*)", label);
    bench_target(what, total / raw, 1.5, 1);
    snprintf(what, sizeof what, "SQLite list %s: ptr_ctx_list last page / first page", label);
    bench_target(what, slast / sfirst, 2.0, 1);
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (unsigned i = 0; i < 3; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        (void)unlink(p);
    }
}

void bench_list(void)
{
    char dir[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/ptr_bench_list_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        die(dir, "cannot make the directory");
    one_size(dir, 10000u, "10k");
    one_size(dir, 100000u, "100k");
    one_size(dir, 1000000u, "1M");
    (void)rmdir(dir);
}
