/*
 * Validation and the memory store at a million records, against the bare hash map a
 * programmer would otherwise write (baseline_hashmap.c):
 *   - ptr_request_check on a full create request;
 *   - building a store of STORE_N records through ptr_ctx_create (validation,
 *     uniqueness, quota, insert, each in its own write transaction) against inserting
 *     the same records into the bare map, in random and in ascending address order (the
 *     two extremes for the store's ordered index);
 *   - ptr_store_get (one read transaction each) against a bare lookup, their repetitions
 *     alternating (bench_run_pair) so that a change of load falls on both, and ptr_ctx_get;
 *     each copies the record's text out;
 *   - the store's memory per record beyond the text, from a counting allocator.
 * Keys are looked up in a shuffled order so that neither side profits from insertion
 * order.
 */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"
#include "baseline_hashmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libptr/libptr.h>

#define STORE_N    1000000u
#define STORE_REPS 3u
#define PER_OWNER  50u
#define NOWNERS    (STORE_N / PER_OWNER)
#define NPROJECTS  64u
/* Stores and maps each timed repetition built; freed after their case, untimed. */
#define KEEP_MAX 8u

/*
 * One lookup: the key in both forms, laid out in lookup order so that reading the key is
 * not itself a cache miss (a request's key arrives in cache); otherwise whichever side
 * runs more instructions per lookup would also pay for the benchmark's input array.
 */
typedef struct lookup {
    ptr_addr addr;
    uint8_t len;
    char text[16];
    uint32_t idx;
} lookup;

/* The text of one create request, with the views a ptr_request points at. */
typedef bench_variant variant;

typedef struct store_set {
    variant *var;          /* BENCH_SET of them, cycled */
    char (*addr_text)[16]; /* STORE_N distinct IPv4 addresses */
    uint8_t *addr_len;
    ptr_addr *addr;        /* the same, parsed (the bare map's key) */
    uint32_t *perm;        /* a shuffled order of 0..STORE_N-1 for lookups */
    uint32_t *asc;         /* 0..STORE_N-1 ordered by address, for ascending creates */
    lookup *look;          /* the keys in that order */
    char (*owner)[16];     /* NOWNERS */
    char (*project)[16];   /* NPROJECTS */
    ptr_request *checkreq; /* BENCH_SET full requests for the validation case */
    ptr_store *store[KEEP_MAX];
    ptr_ctx *ctx[KEEP_MAX];
    bh_map *map[KEEP_MAX];
    size_t nstore, nmap;
} store_set;

static const char *const regions[2] = {"eu-de", "eu-nl"};

static ptr_text text_of(const char *s)
{
    return (ptr_text){s, strlen(s)};
}

/* Record i's scope: two regions, NPROJECTS projects, owners round-robin (50 records each). */
static ptr_scope scope_of(const store_set *b, uint32_t i)
{
    const uint32_t o = i % NOWNERS;
    return (ptr_scope){text_of(regions[(i & 7) == 0]), text_of(b->project[o % NPROJECTS]),
                       text_of(b->owner[o])};
}

static void make_request(const store_set *b, uint32_t i, ptr_request *r)
{
    const variant *v = &b->var[i & (BENCH_SET - 1)];
    ptr_request_init(r);
    r->address = (ptr_text){b->addr_text[i], b->addr_len[i]};
    r->names = v->names;
    r->name_count = 3;
    r->ttl = 300 + (int64_t)(i % 3600);
    r->description = (ptr_text){v->desc, 40};
    r->tags = v->tags;
    r->tag_count = 2;
}

/* Record i's address as a number (see make_set). */
static uint32_t addr_number(uint32_t i)
{
    return i * 2654435761u + 0x0b000001u;
}

static int by_address(const void *pa, const void *pb)
{
    const uint32_t a = addr_number(*(const uint32_t *)pa), b = addr_number(*(const uint32_t *)pb);
    return (a > b) - (a < b);
}

static void make_set(store_set *b)
{
    memset(b, 0, sizeof *b);
    uint64_t seed = 0x5eed0003u;
    b->var = calloc(BENCH_SET, sizeof *b->var);
    b->addr_text = calloc(STORE_N, sizeof *b->addr_text);
    b->addr_len = calloc(STORE_N, sizeof *b->addr_len);
    b->addr = calloc(STORE_N, sizeof *b->addr);
    b->perm = calloc(STORE_N, sizeof *b->perm);
    b->asc = calloc(STORE_N, sizeof *b->asc);
    b->look = calloc(STORE_N, sizeof *b->look);
    b->owner = calloc(NOWNERS, sizeof *b->owner);
    b->project = calloc(NPROJECTS, sizeof *b->project);
    b->checkreq = calloc(BENCH_SET, sizeof *b->checkreq);
    if (!b->var || !b->addr_text || !b->addr_len || !b->addr || !b->perm || !b->asc || !b->look ||
        !b->owner || !b->project || !b->checkreq)
        abort();
    for (uint32_t i = 0; i < BENCH_SET; i++)
        bench_variant_make(&b->var[i], i, &seed);
    for (uint32_t i = 0; i < STORE_N; i++) {
        /* An odd multiplier is a bijection on 32 bits: every address differs. */
        const uint32_t x = addr_number(i);
        b->addr_len[i] = (uint8_t)snprintf(b->addr_text[i], sizeof b->addr_text[i], "%u.%u.%u.%u",
                                           x >> 24, (x >> 16) & 255u, (x >> 8) & 255u, x & 255u);
        if (ptr_addr_parse(b->addr_text[i], b->addr_len[i], &b->addr[i]) != PTR_OK)
            abort();
        b->perm[i] = i;
        b->asc[i] = i;
    }
    qsort(b->asc, STORE_N, sizeof *b->asc, by_address);
    for (uint32_t i = STORE_N - 1; i > 0; i--) {
        const uint32_t j = (uint32_t)(bench_rand(&seed) % (i + 1));
        const uint32_t t = b->perm[i];
        b->perm[i] = b->perm[j];
        b->perm[j] = t;
    }
    for (uint32_t i = 0; i < STORE_N; i++) {
        const uint32_t k = b->perm[i];
        lookup *l = &b->look[i];
        l->addr = b->addr[k];
        l->len = b->addr_len[k];
        memcpy(l->text, b->addr_text[k], sizeof l->text);
        l->idx = k;
    }
    for (uint32_t i = 0; i < NOWNERS; i++)
        snprintf(b->owner[i], sizeof b->owner[i], "acct-%07u", i * 37u);
    for (uint32_t i = 0; i < NPROJECTS; i++)
        snprintf(b->project[i], sizeof b->project[i], "prj-%08x", i * 0x9e3779b9u);
    for (uint32_t i = 0; i < BENCH_SET; i++)
        make_request(b, i, &b->checkreq[i]);
}

/* ---- validation ------------------------------------------------------------------- */

static uint64_t req_check(void *arg, uint32_t ops)
{
    const store_set *b = arg;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        ptr_addr a;
        if (ptr_request_check(&b->checkreq[i & (BENCH_SET - 1)], NULL, &a, NULL) == PTR_OK)
            acc += a.bytes[3];
    }
    return acc;
}

/* ---- the bare map ------------------------------------------------------------------- */

static uint64_t bare_insert(void *arg, uint32_t ops)
{
    store_set *b = arg;
    bh_map *m = bh_new();
    if (!m || b->nmap == KEEP_MAX)
        abort();
    b->map[b->nmap++] = m;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        const variant *v = &b->var[i & (BENCH_SET - 1)];
        const ptr_scope sc = scope_of(b, i);
        const bh_input in = {sc.region,      sc.project,    sc.owner, b->addr[i], v->names,  3,
                             300 + i % 3600, {v->desc, 40}, v->tags,  2,          1700000000};
        acc += (uint64_t)bh_insert(m, &in) == 0;
    }
    return acc;
}

static bh_out bare_out;

static uint64_t bare_get(void *arg, uint32_t ops)
{
    const store_set *b = arg;
    const bh_map *m = b->map[b->nmap - 1];
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        const lookup *l = &b->look[i % STORE_N];
        const char *region = regions[(l->idx & 7) == 0];
        if (bh_get(m, region, strlen(region), &l->addr, &bare_out) == 0)
            acc += bare_out.text_len;
    }
    return acc;
}

/* ---- the memory store --------------------------------------------------------------- */

static ptr_ctx *make_ctx(ptr_store *s)
{
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s;
    ptr_ctx *c = NULL;
    if (ptr_ctx_new(&cfg, &c, NULL) != PTR_OK)
        abort();
    return c;
}

/* Creates records 0..ops-1, in the order of order[] when not NULL. */
static uint64_t insert_all(const store_set *b, ptr_ctx *c, uint32_t ops, const uint32_t *order)
{
    uint64_t acc = 0;
    for (uint32_t k = 0; k < ops; k++) {
        const uint32_t i = order ? order[k] : k;
        ptr_request r;
        make_request(b, i, &r);
        const ptr_scope sc = scope_of(b, i);
        acc += ptr_ctx_create(c, &sc, &r, NULL, NULL) == PTR_OK;
    }
    return acc;
}

static uint64_t create_in(store_set *b, uint32_t ops, const uint32_t *order)
{
    ptr_store *s = NULL;
    if (b->nstore == KEEP_MAX || ptr_memstore_new(NULL, &s) != PTR_OK)
        abort();
    ptr_ctx *c = make_ctx(s);
    b->store[b->nstore] = s;
    b->ctx[b->nstore++] = c;
    return insert_all(b, c, ops, order);
}

/* Addresses in the order make_set numbers them: random as far as the address order goes. */
static uint64_t store_create(void *arg, uint32_t ops)
{
    return create_in(arg, ops, NULL);
}

/* The same records in ascending address order, the other extreme for the ordered index. */
static uint64_t store_create_asc(void *arg, uint32_t ops)
{
    store_set *b = arg;
    return create_in(b, ops, ops == STORE_N ? b->asc : NULL);
}

static ptr_record *get_out;

static uint64_t store_get(void *arg, uint32_t ops)
{
    const store_set *b = arg;
    ptr_store *s = b->store[b->nstore - 1];
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        const lookup *l = &b->look[i % STORE_N];
        const char *region = regions[(l->idx & 7) == 0];
        ptr_store_txn *txn;
        if (ptr_store_begin(s, PTR_TXN_READ, &txn) != PTR_OK)
            abort();
        if (ptr_store_get(s, txn, region, strlen(region), &l->addr, get_out) == PTR_OK)
            acc += ptr_record_ttl(get_out);
        ptr_store_commit(s, txn);
    }
    return acc;
}

static uint64_t ctx_get(void *arg, uint32_t ops)
{
    const store_set *b = arg;
    ptr_ctx *c = b->ctx[b->nstore - 1];
    uint64_t acc = 0;
    for (uint32_t i = 0; i < ops; i++) {
        const lookup *l = &b->look[i % STORE_N];
        const ptr_scope sc = scope_of(b, l->idx);
        if (ptr_ctx_get(c, &sc, l->text, l->len, get_out, NULL) == PTR_OK)
            acc += ptr_record_ttl(get_out);
    }
    return acc;
}

/* An allocator that counts the bytes asked for and still held (single-threaded use). */
typedef struct counter {
    size_t live;
} counter;

typedef union hdr {
    size_t size;
    max_align_t align;
} hdr;

static void *count_malloc(void *ctx, size_t n)
{
    hdr *h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    ((counter *)ctx)->live += n;
    return h + 1;
}

static void *count_realloc(void *ctx, void *p, size_t n)
{
    hdr *h = (hdr *)p - 1;
    const size_t old = h->size;
    h = realloc(h, sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    ((counter *)ctx)->live += n - old;
    return h + 1;
}

static void count_free(void *ctx, void *p)
{
    hdr *h = (hdr *)p - 1;
    ((counter *)ctx)->live -= h->size;
    free(h);
}

/* Text a record holds: scope, names, description, tag keys and values (no NULs). */
static double text_per_record(const store_set *b)
{
    double total = 0;
    for (uint32_t i = 0; i < STORE_N; i++) {
        const variant *v = &b->var[i & (BENCH_SET - 1)];
        const ptr_scope sc = scope_of(b, i);
        size_t t = sc.region.len + sc.project.len + sc.owner.len + 40;
        for (unsigned k = 0; k < 3; k++)
            t += v->names[k].len;
        for (unsigned k = 0; k < 2; k++)
            t += v->tags[k].key_len + v->tags[k].value_len;
        total += (double)t;
    }
    return total / STORE_N;
}

static void free_stores(store_set *b)
{
    for (size_t i = 0; i < b->nstore; i++) {
        ptr_ctx_free(b->ctx[i]);
        ptr_store_free(b->store[i]);
    }
    b->nstore = 0;
}

/* Frees every bare map but the last, which bare_get reads, and keeps that one as map[0]. */
static void keep_last_map(store_set *b)
{
    for (size_t i = 0; i + 1 < b->nmap; i++)
        bh_free(b->map[i]);
    b->map[0] = b->map[b->nmap - 1];
    b->nmap = 1;
}

/* Frees every store but the last, which the gets read, and keeps it as store[0]: the get
 * pair runs with one structure of each side alive, so neither pays for the other's
 * leftovers in page tables and caches. */
static void keep_last_store(store_set *b)
{
    for (size_t i = 0; i + 1 < b->nstore; i++) {
        ptr_ctx_free(b->ctx[i]);
        ptr_store_free(b->store[i]);
    }
    b->store[0] = b->store[b->nstore - 1];
    b->ctx[0] = b->ctx[b->nstore - 1];
    b->nstore = 1;
}

void bench_store(void)
{
    static store_set b;
    make_set(&b);
    if (ptr_record_new(NULL, &get_out) != PTR_OK)
        abort();
    const double text = text_per_record(&b);

    uint64_t ok = 0;
    for (uint32_t i = 0; i < BENCH_SET; i++)
        ok += ptr_request_check(&b.checkreq[i], NULL, NULL, NULL) == PTR_OK;
    if (ok != BENCH_SET) /* every request must be valid, or the figures mean nothing */
        abort();

    const char *gv = "create-request validation";
    double check = bench_run(gv, "libptr ptr_request_check", req_check, &b);

    const char *gc = "store create, 1M records";
    double bi = bench_run_n(gc, "bare hash map insert", bare_insert, &b, STORE_N, STORE_REPS);
    const double bare_bytes = (double)bh_bytes(b.map[b.nmap - 1]) / STORE_N - text;
    keep_last_map(&b);

    double pc = bench_run_n(gc, "libptr ptr_ctx_create (memory store)", store_create, &b, STORE_N,
                            STORE_REPS);
    free_stores(&b);
    double pca = bench_run_n(gc, "libptr ptr_ctx_create, ascending addresses", store_create_asc,
                             &b, STORE_N, STORE_REPS);
    keep_last_store(&b);
    /* The lookups whose ratio is a target alternate, so that the load falls on both. */
    const char *gg = "store get, 1M records";
    double bg, pg;
    bench_run_pair(gg, "bare hash map lookup + copy", bare_get, &b,
                   "libptr ptr_store_get (read txn each)", store_get, &b, STORE_N, STORE_REPS, &bg,
                   &pg);
    bench_run_n(gg, "libptr ptr_ctx_get (parse + txn + get)", ctx_get, &b, STORE_N, STORE_REPS);
    free_stores(&b);
    keep_last_map(&b);
    bh_free(b.map[0]);
    b.nmap = 0;

    /* Memory, untimed: one more store built through a counting allocator. */
    counter cnt = {0};
    const ptr_allocator ca = {count_malloc, count_realloc, count_free, &cnt};
    ptr_store *s = NULL;
    if (ptr_memstore_new(&ca, &s) != PTR_OK)
        abort();
    ptr_ctx *c = make_ctx(s);
    if (insert_all(&b, c, STORE_N, NULL) != STORE_N)
        abort();
    const double bytes = (double)cnt.live / STORE_N - text;
    ptr_ctx_free(c);
    ptr_store_free(s);

    const char *gm = "memory per record at 1M";
    bench_note(gm, "text itself (scope, names, descr., tags)", text, "bytes");
    bench_note(gm, "libptr memory store, beyond the text", bytes, "bytes");
    bench_note(gm, "bare hash map, beyond the text", bare_bytes, "bytes");

    bench_target("create-request validation: libptr ns per request", check, 300.0, 1);
    /* Issue 10's targets for a memory store built on the public API alone. */
    bench_target("store create at 1M: ptr_ctx_create / bare map insert", pc / bi, 3.0, 1);
    bench_target("store create at 1M, ascending: ptr_ctx_create / bare map insert", pca / bi, 3.0,
                 1);
    bench_target("store get at 1M: ptr_store_get / bare map lookup", pg / bg, 1.5, 1);
    bench_target("memory store: bytes beyond the text / bare map's", bytes / bare_bytes, 2.0, 1);

    ptr_record_free(get_out);
    free(b.var);
    free(b.addr_text);
    free(b.addr_len);
    free(b.addr);
    free(b.perm);
    free(b.asc);
    free(b.look);
    free(b.owner);
    free(b.project);
    free(b.checkreq);
}
