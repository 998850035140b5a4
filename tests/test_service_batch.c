/*
 * ptr_ctx_create_many and the streamed import (ptr_ctx_import_begin): the
 * rules of ptr_ctx_create over a batch in one transaction — quota exact at the boundary inside a batch, duplicates within
 * and across batches, all-or-nothing, a store failure at every call leaving
 * the store as it was, allocation failures, and threads racing batches at the
 * quota boundary.
 */
#include <pthread.h>
#include <stdlib.h>

#include "fault_store.h"
#include "ptr_test.h"

static const ptr_scope P1 = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};
static const ptr_text NAMES[] = {{PTR_LIT("mail.example.com")}};

typedef struct fx {
    ptr_store *store;
    fault_state *fault;
    ptr_ctx *ctx;
} fx;

static void fx_init(fx *f, const ptr_allocator *alloc, uint32_t quota)
{
    ptr_store *inner;
    assert_status(ptr_memstore_new(alloc, &inner), PTR_OK);
    assert_status(fault_store_new(inner, &f->fault, &f->store), PTR_OK);
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = f->store;
    cfg.allocator = alloc;
    assert_status(ptr_ctx_new(&cfg, &f->ctx, NULL), PTR_OK);
    assert_status(ptr_ctx_set_owner_quota(f->ctx, PTR_LIT("o1"), quota, NULL), PTR_OK);
}

static void fx_done(fx *f)
{
    ptr_ctx_free(f->ctx);
    ptr_store_free(f->store);
}

/* Requests for addresses "203.0.113.<octet>"; text lives in bufs. */
typedef struct batch {
    char bufs[64][24];
    ptr_request reqs[64];
    ptr_status res[64];
    ptr_error errs[64];
    size_t n;
} batch;

static void batch_add(batch *b, const char *addr, int64_t ttl)
{
    snprintf(b->bufs[b->n], sizeof b->bufs[b->n], "%s", addr);
    ptr_request *r = &b->reqs[b->n];
    ptr_request_init(r);
    r->address = (ptr_text){b->bufs[b->n], strlen(b->bufs[b->n])};
    r->names = NAMES;
    r->name_count = 1;
    r->ttl = ttl;
    b->n++;
}

static void batch_range(batch *b, unsigned from, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        char a[24];
        snprintf(a, sizeof a, "203.0.113.%u", from + i);
        batch_add(b, a, -1);
    }
}

static ptr_status run(fx *f, batch *b, unsigned flags, size_t *created)
{
    return ptr_ctx_create_many(f->ctx, &P1, b->reqs, b->n, flags, b->res, b->errs, created);
}

static uint64_t used_of(fx *f)
{
    uint64_t used = 0, limit = 0;
    assert_status(ptr_ctx_quota(f->ctx, PTR_LIT("o1"), &used, &limit, NULL), PTR_OK);
    return used;
}

static int has(fx *f, const char *addr)
{
    ptr_record *r;
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    ptr_status st = ptr_ctx_get(f->ctx, &P1, addr, strlen(addr), r, NULL);
    ptr_record_free(r);
    return st == PTR_OK;
}

/* Every address of region r1, in order, as one string: "state unchanged" compares two. */
static int dump_visit(void *ctx, const ptr_record *rec)
{
    char *s = ctx, a[64];
    size_t n = 0;
    if (ptr_addr_format(ptr_record_address(rec), a, sizeof a, &n) != PTR_OK)
        return 1;
    strncat(s, a, 4095 - strlen(s));
    strncat(s, ",", 4095 - strlen(s));
    return 0;
}

static void dump(fx *f, char out[4096])
{
    out[0] = '\0';
    ptr_store_filter flt;
    ptr_store_filter_init(&flt);
    flt.region = P1.region;
    ptr_store_txn *txn = NULL;
    /* Through the fault store, disarmed, so the dump itself never fails. */
    fault_arm(f->fault, 0, PTR_E_STORE, 0);
    assert_status(ptr_store_begin(f->store, PTR_TXN_READ, &txn), PTR_OK);
    assert_status(ptr_store_scan(f->store, txn, &flt, NULL, dump_visit, out), PTR_OK);
    ptr_store_rollback(f->store, txn);
}

/* One streamed import: each request's own answer, owners of their own, all visible at commit. */
static void import_rules_and_commit(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, NULL, 3);
    char before[4096], after[4096];
    dump(&f, before);
    ptr_import *imp = NULL;
    ptr_error e;
    assert_status(ptr_ctx_import_begin(f.ctx, &imp, &e), PTR_OK);
    batch b = {.n = 0};
    batch_range(&b, 1, 5);
    batch_add(&b, "203.0.113.1", 300); /* a duplicate of the first */
    batch_add(&b, "203.0.113.0/24", 300);
    const ptr_status want[] = {PTR_OK, PTR_OK, PTR_OK, PTR_E_QUOTA, PTR_E_QUOTA, PTR_E_EXISTS,
                               PTR_E_NOT_HOST};
    for (size_t i = 0; i < b.n; i++) {
        fault_arm(f.fault, 0, PTR_E_STORE, 0);
        assert_status(ptr_import_create(imp, &P1, &b.reqs[i], &e), want[i]);
        if (want[i] == PTR_E_QUOTA)
            assert_error(&e, PTR_E_QUOTA, PTR_FIELD_OWNER, 0, 0);
    }
    /* Another owner has its own quota, and a request of another project its own scope. */
    const ptr_scope o2 = {{PTR_LIT("r1")}, {PTR_LIT("p2")}, {PTR_LIT("o2")}};
    batch c = {.n = 0};
    batch_range(&c, 10, 2);
    for (size_t i = 0; i < c.n; i++)
        assert_status(ptr_import_create(imp, &o2, &c.reqs[i], &e), PTR_OK);
    assert_int_equal(ptr_import_created(imp), 5);
    assert_status(ptr_import_commit(imp, &e), PTR_OK);
    dump(&f, after);
    assert_string_equal(after, "203.0.113.1,203.0.113.2,203.0.113.3,203.0.113.10,203.0.113.11,");
    assert_string_not_equal(before, after);
    uint64_t used, limit;
    assert_status(ptr_ctx_quota(f.ctx, PTR_LIT("o2"), &used, &limit, NULL), PTR_OK);
    assert_int_equal(used, 2);
    assert_status(ptr_import_commit(NULL, &e), PTR_E_INVAL);
    assert_status(ptr_ctx_import_begin(NULL, &imp, &e), PTR_E_INVAL);
    fx_done(&f);
}

/* Rolled back, or broken by the store: nothing of the import is left. */
static void import_rollback_and_store_failure(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, NULL, 50);
    char before[4096], after[4096];
    dump(&f, before);
    batch b = {.n = 0};
    batch_range(&b, 1, 4);
    ptr_import *imp = NULL;
    assert_status(ptr_ctx_import_begin(f.ctx, &imp, NULL), PTR_OK);
    for (size_t i = 0; i < b.n; i++)
        assert_status(ptr_import_create(imp, &P1, &b.reqs[i], NULL), PTR_OK);
    ptr_import_rollback(imp);
    dump(&f, after);
    assert_string_equal(before, after);

    /* A store failure mid-import: that request fails, the import only rolls back. */
    for (long n = 1; n <= 4; n++) {
        assert_status(ptr_ctx_import_begin(f.ctx, &imp, NULL), PTR_OK);
        assert_status(ptr_import_create(imp, &P1, &b.reqs[0], NULL), PTR_OK);
        fault_arm(f.fault, n, PTR_E_STORE, 0);
        ptr_error e;
        ptr_status st = ptr_import_create(imp, &P1, &b.reqs[1], &e);
        if (fault_fired(f.fault)) {
            assert_status(st, PTR_E_STORE);
            assert_int_equal(e.status, PTR_E_STORE);
            assert_status(ptr_import_create(imp, &P1, &b.reqs[2], NULL), PTR_E_INVAL);
            assert_status(ptr_import_commit(imp, NULL), PTR_E_STORE); /* ends it: rolled back */
        } else {
            assert_status(st, PTR_OK);
            ptr_import_rollback(imp);
        }
        fault_arm(f.fault, 0, PTR_E_STORE, 0);
        dump(&f, after);
        assert_string_equal(before, after);
    }
    fx_done(&f);
}

static void quota_exact_inside_one_batch(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, NULL, 5);
    batch b = {.n = 0};
    batch_range(&b, 1, 3);
    size_t created = 99;
    assert_status(run(&f, &b, 0, &created), PTR_OK);
    assert_int_equal(created, 3);

    batch c = {.n = 0};
    batch_range(&c, 10, 4); /* room for 2 of these 4 */
    assert_status(run(&f, &c, 0, &created), PTR_E_QUOTA);
    assert_int_equal(created, 2);
    assert_status(c.res[0], PTR_OK);
    assert_status(c.res[1], PTR_OK);
    assert_status(c.res[2], PTR_E_QUOTA);
    assert_error(&c.errs[2], PTR_E_QUOTA, PTR_FIELD_OWNER, 0, 0);
    assert_status(c.res[3], PTR_E_QUOTA);
    assert_int_equal(c.errs[0].status, PTR_OK); /* a success leaves its error clear */
    assert_int_equal(used_of(&f), 5);
    assert_true(has(&f, "203.0.113.11"));
    assert_false(has(&f, "203.0.113.12"));
    fx_done(&f);
}

static void duplicates_and_invalid_lines(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, NULL, 50);
    batch b = {.n = 0};
    batch_add(&b, "203.0.113.1", -1);
    batch_add(&b, "203.0.113.1", -1);    /* the same address again in the batch */
    batch_add(&b, "203.0.113.0/24", -1); /* a network, refused before the transaction */
    batch_add(&b, "203.0.113.2", 0);     /* TTL 0 */
    batch_add(&b, "203.0.113.3", 300);
    size_t created = 0;
    assert_status(run(&f, &b, 0, &created), PTR_E_EXISTS);
    assert_int_equal(created, 2);
    assert_status(b.res[0], PTR_OK);
    assert_error(&b.errs[1], PTR_E_EXISTS, PTR_FIELD_ADDRESS, 0, 0);
    assert_error(&b.errs[2], PTR_E_NOT_HOST, PTR_FIELD_ADDRESS, 0, 0);
    assert_status(b.res[3], PTR_E_TTL);
    assert_int_equal(b.errs[3].field, PTR_FIELD_TTL);
    assert_status(b.res[4], PTR_OK);
    assert_false(has(&f, "203.0.113.2"));

    /* Across batches: what an earlier batch created is taken. */
    batch c = {.n = 0};
    batch_add(&c, "203.0.113.3", -1);
    batch_add(&c, "203.0.113.4", -1);
    assert_status(run(&f, &c, 0, &created), PTR_E_EXISTS);
    assert_int_equal(created, 1);
    assert_status(c.res[0], PTR_E_EXISTS);
    assert_status(c.res[1], PTR_OK);
    assert_int_equal(used_of(&f), 3);
    fx_done(&f);
}

static void all_or_nothing(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, NULL, 4);
    char before[4096], after[4096];
    batch a = {.n = 0};
    batch_range(&a, 1, 2);
    size_t created = 0;
    assert_status(run(&f, &a, PTR_CREATE_ALL_OR_NOTHING, &created), PTR_OK);
    assert_int_equal(created, 2);

    dump(&f, before);
    /* One invalid line: nothing, and the others still report that they passed. */
    batch b = {.n = 0};
    batch_range(&b, 10, 2);
    batch_add(&b, "not-an-address", -1);
    assert_status(run(&f, &b, PTR_CREATE_ALL_OR_NOTHING, &created), PTR_E_ADDR);
    assert_int_equal(created, 0);
    assert_status(b.res[0], PTR_OK);
    assert_status(b.res[1], PTR_OK);
    assert_status(b.res[2], PTR_E_ADDR);
    dump(&f, after);
    assert_string_equal(before, after);

    /* One address already taken. */
    batch c = {.n = 0};
    batch_range(&c, 20, 1);
    batch_add(&c, "203.0.113.1", -1);
    assert_status(run(&f, &c, PTR_CREATE_ALL_OR_NOTHING, &created), PTR_E_EXISTS);
    assert_status(c.res[0], PTR_OK);
    assert_status(c.res[1], PTR_E_EXISTS);
    assert_int_equal(created, 0);

    /* Over the quota by one: 3 more with room for 2. */
    batch d = {.n = 0};
    batch_range(&d, 30, 3);
    assert_status(run(&f, &d, PTR_CREATE_ALL_OR_NOTHING, &created), PTR_E_QUOTA);
    assert_status(d.res[2], PTR_E_QUOTA);
    assert_int_equal(created, 0);
    dump(&f, after);
    assert_string_equal(before, after);

    /* Exactly the room left. */
    batch e = {.n = 0};
    batch_range(&e, 30, 2);
    assert_status(run(&f, &e, PTR_CREATE_ALL_OR_NOTHING, &created), PTR_OK);
    assert_int_equal(created, 2);
    assert_int_equal(used_of(&f), 4);
    fx_done(&f);
}

static void bad_arguments(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, NULL, 50);
    batch b = {.n = 0};
    batch_range(&b, 1, 2);
    size_t created = 7;
    assert_status(ptr_ctx_create_many(f.ctx, &P1, b.reqs, 0, 0, NULL, NULL, &created), PTR_OK);
    assert_int_equal(created, 0);
    assert_status(ptr_ctx_create_many(f.ctx, &P1, b.reqs, 2, 0, NULL, NULL, NULL), PTR_E_INVAL);
    assert_status(ptr_ctx_create_many(f.ctx, &P1, b.reqs, 2, 0x80, b.res, b.errs, NULL),
                  PTR_E_INVAL);
    assert_status(b.res[1], PTR_E_INVAL);
    const ptr_scope bad = {{PTR_LIT("r1")}, {PTR_LIT("p 1")}, {PTR_LIT("o1")}};
    assert_status(ptr_ctx_create_many(f.ctx, &bad, b.reqs, 2, 0, b.res, b.errs, NULL), PTR_E_INVAL);
    assert_int_equal(b.errs[0].field, PTR_FIELD_PROJECT);
    assert_int_equal(used_of(&f), 0);
    fx_done(&f);
}

/* A store failure at each call in turn: the batch fails whole and nothing changes. */
static void store_failure_at_every_call(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, NULL, 6);
    batch seed = {.n = 0};
    batch_range(&seed, 1, 2);
    assert_status(run(&f, &seed, 0, NULL), PTR_OK);
    for (long n = 1;; n++) {
        assert_true(n < 100);
        char before[4096], after[4096];
        dump(&f, before);
        batch b = {.n = 0};
        batch_range(&b, 1, 1);    /* exists */
        batch_range(&b, 10, 5);   /* room for 4 */
        batch_add(&b, "bad", -1); /* invalid */
        size_t created = 99;
        fault_arm(f.fault, n, PTR_E_STORE, 0);
        ptr_status st = run(&f, &b, 0, &created);
        const long fired = fault_fired(f.fault);
        dump(&f, after);
        if (!fired) {
            assert_status(st, PTR_E_EXISTS);
            assert_int_equal(created, 4);
            assert_status(b.res[5], PTR_E_QUOTA);
            break;
        }
        assert_status(st, PTR_E_STORE);
        assert_int_equal(created, 0);
        for (size_t i = 0; i < 6; i++)
            assert_error(&b.errs[i], PTR_E_STORE, PTR_FIELD_NONE, 0, 0);
        assert_status(b.res[6], PTR_E_ADDR); /* an invalid line keeps its own reason */
        assert_string_equal(before, after);
    }
    fx_done(&f);
}

static void busy_retries_the_whole_batch(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, NULL, 50);
    for (long n = 1; n <= 6; n++) {
        batch b = {.n = 0};
        batch_range(&b, (unsigned)(10 * n), 3);
        size_t created = 0;
        fault_arm(f.fault, n, PTR_E_BUSY, 0);
        assert_status(run(&f, &b, 0, &created), PTR_OK);
        assert_int_equal(fault_fired(f.fault), 1);
        assert_int_equal(created, 3); /* counted once, not once per attempt */
    }
    assert_int_equal(used_of(&f), 18);
    char before[4096], after[4096];
    dump(&f, before);
    batch b = {.n = 0};
    batch_range(&b, 100, 3);
    fault_arm(f.fault, 1, PTR_E_BUSY, 1);
    size_t created = 9;
    assert_status(run(&f, &b, 0, &created), PTR_E_BUSY);
    assert_int_equal(created, 0);
    assert_error(&b.errs[2], PTR_E_BUSY, PTR_FIELD_NONE, 0, 0);
    dump(&f, after);
    assert_string_equal(before, after);
    fx_done(&f);
}

/* ---- allocation failure --------------------------------------------------- */

static long alloc_calls, alloc_fail_at, alloc_live;

static void *t_malloc(void *ctx, size_t n)
{
    (void)ctx;
    if (alloc_fail_at && ++alloc_calls >= alloc_fail_at)
        return NULL;
    void *p = malloc(n);
    alloc_live += p != NULL;
    return p;
}
static void *t_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    if (alloc_fail_at && ++alloc_calls >= alloc_fail_at)
        return NULL;
    void *q = realloc(p, n);
    alloc_live += (q != NULL && p == NULL);
    return q;
}
static void t_free(void *ctx, void *p)
{
    (void)ctx;
    alloc_live -= p != NULL;
    free(p);
}
static const ptr_allocator A = {t_malloc, t_realloc, t_free, NULL};

static void allocation_failures(void **state)
{
    (void)state;
    alloc_live = 0;
    fx f;
    fx_init(&f, &A, 50);
    for (long n = 1;; n++) {
        assert_true(n < 1000);
        char before[4096], after[4096];
        dump(&f, before);
        batch b = {.n = 0};
        batch_range(&b, (unsigned)n, 3);
        const ptr_tag tag = {PTR_LIT("env"), PTR_LIT("prod")};
        b.reqs[1].tags = &tag;
        b.reqs[1].tag_count = 1;
        alloc_calls = 0;
        alloc_fail_at = n;
        size_t created = 0;
        ptr_status st = run(&f, &b, 0, &created);
        const int fired = alloc_calls >= n;
        alloc_fail_at = 0;
        dump(&f, after);
        if (!fired) {
            assert_status(st, PTR_OK);
            assert_int_equal(created, 3);
            break;
        }
        assert_status(st, PTR_E_NOMEM);
        assert_int_equal(created, 0);
        assert_status(b.res[0], PTR_E_NOMEM);
        assert_string_equal(before, after);
    }
    fx_done(&f);
    assert_int_equal(alloc_live, 0);
}

/* ---- threads --------------------------------------------------------------------- */

#define THREADS 8
#define QUOTA   50

typedef struct racer {
    fx *f;
    unsigned id;
    size_t created;
    int unexpected; /* a status other than OK, EXISTS, QUOTA */
} racer;

/*
 * Each thread sends 4 batches of 10: addresses 1..40 are the same for every
 * thread (uniqueness), 100+id*40.. are its own (quota). The owner may have 50.
 */
static void *race(void *p)
{
    racer *r = p;
    for (unsigned k = 0; k < 4; k++) {
        batch b = {.n = 0};
        batch_range(&b, 1 + 10 * k, 5);
        for (unsigned i = 0; i < 5; i++) {
            char a[24];
            snprintf(a, sizeof a, "198.51.%u.%u", r->id, 10 * k + i);
            batch_add(&b, a, -1);
        }
        size_t created = 0;
        (void)run(r->f, &b, 0, &created);
        r->created += created;
        for (size_t i = 0; i < b.n; i++)
            if (b.res[i] != PTR_OK && b.res[i] != PTR_E_EXISTS && b.res[i] != PTR_E_QUOTA)
                r->unexpected++;
    }
    return NULL;
}

static void threads_race_at_the_quota(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, NULL, QUOTA);
    pthread_t t[THREADS];
    racer r[THREADS];
    for (unsigned i = 0; i < THREADS; i++) {
        r[i] = (racer){&f, i, 0, 0};
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    size_t total = 0;
    for (unsigned i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        total += r[i].created;
        assert_int_equal(r[i].unexpected, 0);
    }
    /* 8 x 20 own addresses + 20 shared ones ask for far more than 50. */
    assert_int_equal(total, QUOTA);
    assert_int_equal(used_of(&f), QUOTA);
    char all[4096];
    dump(&f, all);
    size_t commas = 0;
    for (const char *s = all; *s; s++)
        commas += *s == ',';
    assert_int_equal(commas, QUOTA);
    fx_done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quota_exact_inside_one_batch),
        cmocka_unit_test(duplicates_and_invalid_lines),
        cmocka_unit_test(all_or_nothing),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(store_failure_at_every_call),
        cmocka_unit_test(busy_retries_the_whole_batch),
        cmocka_unit_test(allocation_failures),
        cmocka_unit_test(threads_race_at_the_quota),
        cmocka_unit_test(import_rules_and_commit),
        cmocka_unit_test(import_rollback_and_store_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
