/*
 * Allocation failure where libptr uses the C library's allocator, with no
 * hook to fail through: ptr_store_new (the store handle) and ptr_zone_export
 * (its text and zone buffers). The test is linked with
 * -Wl,--wrap=malloc,--wrap=realloc,--wrap=calloc,--wrap=free, so every call
 * to those in libptr's static objects and in this file comes here; the Nth
 * one while armed fails. Each operation, for every N until nothing fails,
 * gives PTR_E_NOMEM, leaves no block of its own alive, and (for the export)
 * calls the sink not at all: zone.h says only the sink can fail once the
 * first begin is called.
 */
#include <stdlib.h>

#include "ptr_test.h"

void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_calloc(size_t k, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_calloc(size_t k, size_t n);
void __wrap_free(void *p);

static long calls, fail_at;
static int armed;

/* Blocks handed out while armed, so that frees of other blocks are not counted. */
#define TRACK 4096
static void *tracked[TRACK];
static long live;

static int fail_now(void)
{
    return armed && fail_at && ++calls == fail_at;
}

static void track(void *p)
{
    if (!armed || !p)
        return;
    for (size_t i = 0; i < TRACK; i++)
        if (!tracked[i]) {
            tracked[i] = p;
            live++;
            return;
        }
    abort(); /* more live blocks than the table holds: make TRACK larger */
}

static int untrack(void *p)
{
    if (!p)
        return 0;
    for (size_t i = 0; i < TRACK; i++)
        if (tracked[i] == p) {
            tracked[i] = NULL;
            live--;
            return 1;
        }
    return 0;
}

void *__wrap_malloc(size_t n)
{
    if (fail_now())
        return NULL;
    void *p = __real_malloc(n);
    track(p);
    return p;
}

void *__wrap_calloc(size_t k, size_t n)
{
    if (fail_now())
        return NULL;
    void *p = __real_calloc(k, n);
    track(p);
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (fail_now())
        return NULL;
    const int was = untrack(p);
    void *q = __real_realloc(p, n);
    if (q)
        track(q);
    else if (was)
        track(p); /* realloc failed: the old block is still the caller's */
    return q;
}

void __wrap_free(void *p)
{
    untrack(p);
    __real_free(p);
}

/* Run op with its 1st, 2nd, ... allocation failing until one run needs no more. */
typedef ptr_status (*op_fn)(void *arg);

static long each_allocation_fails(op_fn op, void *arg)
{
    for (long n = 1;; n++) {
        assert_true(n < 1000);
        calls = 0;
        fail_at = n;
        live = 0;
        armed = 1;
        ptr_status st = op(arg);
        armed = 0;
        const int fired = calls >= n;
        fail_at = 0;
        if (!fired) {
            assert_status(st, PTR_OK);
            return n;
        }
        assert_status(st, PTR_E_NOMEM);
        assert_int_equal(live, 0);
    }
}

/* ---- ptr_store_new ------------------------------------------------------------------------- */

static ptr_status st_begin(void *u, unsigned f, ptr_store_txn **t)
{
    (void)u, (void)f, (void)t;
    return PTR_E_STORE;
}
static ptr_status st_commit(void *u, ptr_store_txn *t)
{
    (void)u, (void)t;
    return PTR_E_STORE;
}
static void st_rollback(void *u, ptr_store_txn *t)
{
    (void)u, (void)t;
}
static ptr_status st_get(void *u, ptr_store_txn *t, const char *r, size_t rl, const ptr_addr *a,
                         ptr_record *o)
{
    (void)u, (void)t, (void)r, (void)rl, (void)a, (void)o;
    return PTR_E_STORE;
}
static ptr_status st_put(void *u, ptr_store_txn *t, const ptr_record *r)
{
    (void)u, (void)t, (void)r;
    return PTR_E_STORE;
}
static ptr_status st_remove(void *u, ptr_store_txn *t, const char *r, size_t rl, const ptr_addr *a)
{
    (void)u, (void)t, (void)r, (void)rl, (void)a;
    return PTR_E_STORE;
}
static ptr_status st_count(void *u, ptr_store_txn *t, const char *o, size_t ol, uint64_t *c)
{
    (void)u, (void)t, (void)o, (void)ol, (void)c;
    return PTR_E_STORE;
}
static ptr_status st_scan(void *u, ptr_store_txn *t, const ptr_store_filter *f, const ptr_addr *a,
                          ptr_store_visit_fn v, void *vc)
{
    (void)u, (void)t, (void)f, (void)a, (void)v, (void)vc;
    return PTR_E_STORE;
}
static int destroyed;
static void st_destroy(void *u)
{
    (void)u;
    destroyed++;
}

static ptr_status op_store_new(void *arg)
{
    (void)arg;
    /* A version 1 table: still accepted. */
    static const ptr_store_methods m = {.version = 1,
                                        .begin = st_begin,
                                        .commit = st_commit,
                                        .rollback = st_rollback,
                                        .get = st_get,
                                        .insert = st_put,
                                        .replace = st_put,
                                        .remove = st_remove,
                                        .count_owner = st_count,
                                        .scan = st_scan,
                                        .destroy = st_destroy};
    ptr_store *s = NULL;
    ptr_status st = ptr_store_new(&m, NULL, &s);
    if (st == PTR_OK)
        ptr_store_free(s);
    return st;
}

static void store_new(void **state)
{
    (void)state;
    destroyed = 0;
    const long n = each_allocation_fails(op_store_new, NULL);
    assert_true(n >= 2); /* it allocates: the failure path ran */
    /* A failed ptr_store_new does not take the user pointer: destroy only for the one made. */
    assert_int_equal(destroyed, 1);
}

/* ---- ptr_zone_export ------------------------------------------------------------------------ */

typedef struct sink_state {
    int begins, writes, ends;
} sink_state;

static ptr_status sk_begin(void *u, const char *z, size_t n)
{
    (void)z, (void)n;
    ((sink_state *)u)->begins++;
    return PTR_OK;
}
static ptr_status sk_write(void *u, const char *t, size_t n)
{
    (void)t, (void)n;
    ((sink_state *)u)->writes++;
    return PTR_OK;
}
static ptr_status sk_end(void *u)
{
    ((sink_state *)u)->ends++;
    return PTR_OK;
}

static ptr_status op_export(void *arg)
{
    ptr_store *store = arg;
    sink_state ss = {0, 0, 0};
    const ptr_zone_sink sink = {sk_begin, sk_write, sk_end, &ss};
    size_t zones = 99;
    ptr_error err;
    ptr_status st = ptr_zone_export(store, PTR_LIT("r1"), NULL, &sink, &zones, &err);
    if (st == PTR_E_NOMEM) {
        assert_int_equal(err.status, PTR_E_NOMEM);
        assert_int_equal(ss.begins + ss.writes + ss.ends, 0);
        assert_int_equal(zones, 0);
    } else if (st == PTR_OK) {
        assert_true(zones >= 3);
        assert_int_equal(ss.begins, (int)zones);
        assert_int_equal(ss.ends, (int)zones);
    }
    return st;
}

static void zone_export(void **state)
{
    (void)state;
    ptr_store *store;
    ptr_ctx *ctx;
    assert_status(ptr_memstore_new(NULL, &store), PTR_OK);
    ptr_policy p;
    ptr_policy_init(&p);
    p.options = PTR_POLICY_IPV6;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = store;
    cfg.policy = &p;
    assert_status(ptr_ctx_new(&cfg, &ctx, NULL), PTR_OK);
    /* Records in three IPv4 /24s and one IPv6 zone, so the zone table grows too. */
    static const char *const addrs[] = {"203.0.113.1", "203.0.113.2", "198.51.100.7",
                                        "192.0.2.9",   "2001:db8::1", "2001:db8::2"};
    const ptr_scope sc = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};
    const ptr_text names[] = {{PTR_LIT("a.example.com")}, {PTR_LIT("b.example.com")}};
    for (size_t i = 0; i < sizeof addrs / sizeof addrs[0]; i++) {
        ptr_request r;
        ptr_request_init(&r);
        r.address = (ptr_text){addrs[i], strlen(addrs[i])};
        r.names = names;
        r.name_count = 2;
        assert_status(ptr_ctx_create(ctx, &sc, &r, NULL, NULL), PTR_OK);
    }
    /*
     * Once unarmed first: the memory store keeps the capacity its scan
     * record grew to for the next scan (freed with the store), which is not
     * a block the export failed to free.
     */
    assert_status(op_export(store), PTR_OK);
    const long n = each_allocation_fails(op_export, store);
    assert_true(n >= 2);
    ptr_ctx_free(ctx);
    ptr_store_free(store);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(store_new),
        cmocka_unit_test(zone_export),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
