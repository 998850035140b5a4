/*
 * The service under threads (also run under ThreadSanitizer): quota and
 * uniqueness must hold exactly when creates race, and mixed traffic must
 * leave the store consistent. Worker threads never call cmocka (it is not
 * thread-safe); they count surprises, which the main thread asserts.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "ptr_test.h"

enum { THREADS = 8 };

typedef struct shared {
    ptr_ctx *ctx;
    ptr_store *store;
    atomic_int go;
    atomic_int surprises;
} shared;

typedef struct worker {
    shared *sh;
    int id;
    int ok, quota, exists;
} worker;

static const ptr_scope P1 = {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}};

static shared *make_shared(uint32_t quota)
{
    shared *s = calloc(1, sizeof *s);
    assert_non_null(s);
    ptr_policy p;
    ptr_policy_init(&p);
    p.max_records_per_owner = quota;
    assert_status(ptr_memstore_new(NULL, &s->store), PTR_OK);
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = s->store;
    cfg.policy = &p;
    assert_status(ptr_ctx_new(&cfg, &s->ctx, NULL), PTR_OK);
    atomic_init(&s->go, 0);
    atomic_init(&s->surprises, 0);
    return s;
}

static void free_shared(shared *s)
{
    ptr_ctx_free(s->ctx);
    ptr_store_free(s->store);
    free(s);
}

static ptr_status create_one(ptr_ctx *ctx, const ptr_scope *sc, const char *addr)
{
    ptr_request r;
    ptr_request_init(&r);
    const ptr_text n = {PTR_LIT("host.example.com")};
    r.address = (ptr_text){addr, strlen(addr)};
    r.names = &n;
    r.name_count = 1;
    return ptr_ctx_create(ctx, sc, &r, NULL, NULL);
}

/* Spin until every thread is ready, so the creates really overlap. */
static void wait_go(shared *s)
{
    while (!atomic_load(&s->go))
        ;
}

static void *quota_worker(void *p)
{
    worker *w = p;
    wait_go(w->sh);
    for (int i = 0; i < 4; i++) {
        char a[32];
        snprintf(a, sizeof a, "203.0.113.%d", w->id * 4 + i);
        ptr_status st = create_one(w->sh->ctx, &P1, a);
        w->ok += st == PTR_OK;
        w->quota += st == PTR_E_QUOTA;
        if (st != PTR_OK && st != PTR_E_QUOTA)
            atomic_fetch_add(&w->sh->surprises, 1);
    }
    return NULL;
}

static void *same_addr_worker(void *p)
{
    worker *w = p;
    wait_go(w->sh);
    ptr_status st = create_one(w->sh->ctx, &P1, "203.0.113.200");
    w->ok += st == PTR_OK;
    w->exists += st == PTR_E_EXISTS;
    if (st != PTR_OK && st != PTR_E_EXISTS)
        atomic_fetch_add(&w->sh->surprises, 1);
    return NULL;
}

static void run(shared *s, void *(*fn)(void *), worker *w)
{
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){s, i, 0, 0, 0};
        assert_int_equal(pthread_create(&th[i], NULL, fn, &w[i]), 0);
    }
    atomic_store(&s->go, 1);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
}

/* 8 threads x 4 creates for one owner with a quota of 13: exactly 13 succeed. */
static void quota_race(void **state)
{
    (void)state;
    shared *s = make_shared(13);
    worker w[THREADS];
    run(s, quota_worker, w);
    int ok = 0, quota = 0;
    for (int i = 0; i < THREADS; i++) {
        ok += w[i].ok;
        quota += w[i].quota;
    }
    assert_int_equal(atomic_load(&s->surprises), 0);
    assert_int_equal(ok, 13);
    assert_int_equal(quota, THREADS * 4 - 13);
    uint64_t used, limit;
    assert_status(ptr_ctx_quota(s->ctx, PTR_LIT("o1"), &used, &limit, NULL), PTR_OK);
    assert_int_equal(used, 13);
    free_shared(s);
}

static void same_address_race(void **state)
{
    (void)state;
    shared *s = make_shared(50);
    worker w[THREADS];
    run(s, same_addr_worker, w);
    int ok = 0, exists = 0;
    for (int i = 0; i < THREADS; i++) {
        ok += w[i].ok;
        exists += w[i].exists;
    }
    assert_int_equal(atomic_load(&s->surprises), 0);
    assert_int_equal(ok, 1);
    assert_int_equal(exists, THREADS - 1);
    free_shared(s);
}

/* ---- mixed traffic ------------------------------------------------------------- */

enum { POOL = 40, OPS = 150, QUOTA = 12 };
static const ptr_scope OWNERS[2] = {
    {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o1")}},
    {{PTR_LIT("r1")}, {PTR_LIT("p1")}, {PTR_LIT("o2")}},
};

/* A page must be in strictly increasing address order and of the caller's project. */
static int page_ok(const ptr_record_list *l)
{
    for (size_t i = 0; i < ptr_record_list_count(l); i++) {
        const ptr_record *r = ptr_record_list_at(l, i);
        if (strcmp(ptr_record_project(r, NULL), "p1") != 0)
            return 0;
        if (i && ptr_addr_compare(ptr_record_address(ptr_record_list_at(l, i - 1)),
                                  ptr_record_address(r)) >= 0)
            return 0;
    }
    return 1;
}

static void *mixed_worker(void *p)
{
    worker *w = p;
    shared *sh = w->sh;
    uint64_t rng = UINT64_C(0x9e3779b97f4a7c15);
    rng *= (uint64_t)w->id + 1;
    ptr_record *rec;
    if (ptr_record_new(NULL, &rec) != PTR_OK)
        abort();
    wait_go(sh);
    for (int i = 0; i < OPS; i++) {
        char a[32];
        const int k = (int)(ptr_test_rand(&rng) % POOL);
        snprintf(a, sizeof a, "198.51.100.%d", k);
        const ptr_scope *sc = &OWNERS[ptr_test_rand(&rng) % 2];
        ptr_status st;
        switch (ptr_test_rand(&rng) % 5) {
        case 0:
        case 1:
            st = create_one(sh->ctx, sc, a);
            if (st != PTR_OK && st != PTR_E_EXISTS && st != PTR_E_QUOTA)
                atomic_fetch_add(&sh->surprises, 1);
            break;
        case 2: {
            /* Read, then update at that revision: a concurrent change gives CONFLICT. */
            st = ptr_ctx_get(sh->ctx, sc, a, strlen(a), rec, NULL);
            if (st == PTR_E_NOT_FOUND)
                break;
            if (st != PTR_OK) {
                atomic_fetch_add(&sh->surprises, 1);
                break;
            }
            ptr_request r;
            ptr_request_init(&r);
            r.flags = PTR_REQUEST_TTL | PTR_REQUEST_REVISION;
            r.ttl = 60 + k;
            r.expected_revision = ptr_record_revision(rec);
            st = ptr_ctx_update(sh->ctx, sc, a, strlen(a), &r, rec, NULL);
            if (st == PTR_OK && ptr_record_revision(rec) != r.expected_revision + 1)
                atomic_fetch_add(&sh->surprises, 1);
            if (st != PTR_OK && st != PTR_E_CONFLICT && st != PTR_E_NOT_FOUND)
                atomic_fetch_add(&sh->surprises, 1);
            break;
        }
        case 3:
            st = ptr_ctx_delete(sh->ctx, sc, a, strlen(a), NULL);
            if (st != PTR_OK && st != PTR_E_NOT_FOUND)
                atomic_fetch_add(&sh->surprises, 1);
            break;
        default: {
            ptr_list_query q;
            ptr_list_query_init(&q);
            q.limit = 7;
            q.flags = PTR_LIST_TOTAL;
            ptr_record_list *l;
            st = ptr_ctx_list(sh->ctx, sc, &q, &l, NULL);
            if (st != PTR_OK) {
                atomic_fetch_add(&sh->surprises, 1);
                break;
            }
            if (!page_ok(l) || ptr_record_list_total(l) > 2 * QUOTA)
                atomic_fetch_add(&sh->surprises, 1);
            ptr_record_list_free(l);
        }
        }
    }
    ptr_record_free(rec);
    return NULL;
}

static void mixed_traffic(void **state)
{
    (void)state;
    shared *s = make_shared(QUOTA);
    worker w[THREADS];
    run(s, mixed_worker, w);
    assert_int_equal(atomic_load(&s->surprises), 0);
    /* Afterwards: per-owner counts agree with the records, and respect the quota. */
    ptr_list_query q;
    ptr_list_query_init(&q);
    q.flags = PTR_LIST_TOTAL;
    ptr_record_list *l;
    assert_status(ptr_ctx_list(s->ctx, &P1, &q, &l, NULL), PTR_OK);
    assert_true(page_ok(l));
    uint64_t per_owner[2] = {0, 0};
    for (size_t i = 0; i < ptr_record_list_count(l); i++) {
        const ptr_record *r = ptr_record_list_at(l, i);
        per_owner[strcmp(ptr_record_owner(r, NULL), "o2") == 0]++;
        assert_true(ptr_record_revision(r) >= 1);
        assert_int_equal(ptr_record_name_count(r), 1);
    }
    assert_int_equal((uint64_t)ptr_record_list_total(l), ptr_record_list_count(l));
    ptr_record_list_free(l);
    for (int o = 0; o < 2; o++) {
        uint64_t used, limit;
        assert_status(ptr_ctx_quota(s->ctx, OWNERS[o].owner.s, 2, &used, &limit, NULL), PTR_OK);
        assert_int_equal(used, per_owner[o]);
        assert_true(used <= QUOTA);
    }
    free_shared(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quota_race),
        cmocka_unit_test(same_address_race),
        cmocka_unit_test(mixed_traffic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
